import hashlib
import importlib.util
import json
from pathlib import Path

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.modules.module import get_module_path
from odoo.tests import Form, tagged
from odoo.tools import SQL

from .common import (
    GdprAgreementCommon,
    GdprDpiaCommon,
    GdprEvidenceLogCase,
    pdf_text,
)


def sha256(text):
    return hashlib.sha256(text.encode()).hexdigest()


class GdprProcessorEvidenceCommon(
    GdprEvidenceLogCase, GdprAgreementCommon, GdprDpiaCommon
):
    """Agreements in force and decided impact assessments in the evidence log."""

    # GdprAgreementCommon's _create comes first in the MRO.
    _create_dpia = GdprDpiaCommon._create

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Event = cls.env["gdpr.evidence.event"]

    def _verify(self):
        self.env.flush_all()
        self.env.invalidate_all()
        (result,) = self.Event.with_user(self.user_officer).verify_chain(self.company)
        return result

    def _assert_intact(self):
        result = self._verify()
        self.assertTrue(result["ok"], result["mismatch"])


@tagged("post_install", "-at_install")
@freeze_time("2026-04-15 10:00:00")
class TestGdprProcessorEvidenceLog(GdprProcessorEvidenceCommon):
    def test_agreement_is_logged_from_its_entry_into_force(self):
        agreement = self._with_us_subprocessor(**{"document": b"UERGIHNpZ25lZA=="})
        agreement.write({"subject": "Hosting and backups of the CRM"})
        self.assertFalse(self._events(agreement), "a draft is not evidence yet")
        agreement.action_confirm()
        event = self._events(agreement)
        self.assertEqual(event.mapped("event_type"), ["agreement_in_force"])
        evidence = json.loads(event.payload)["evidence"]
        self.assertEqual(evidence["state"], "in_force")
        self.assertEqual(evidence["processor_id"], self.processor.id)
        self.assertEqual(evidence["subject"], sha256("Hosting and backups of the CRM"))
        self.assertEqual(evidence["document"], sha256("UERGIHNpZ25lZA=="))
        self.assertEqual(
            evidence["transfers"],
            [
                [
                    agreement.transfer_ids.id,
                    self.country_us.id,
                    self.basis_scc.id,
                    None,
                ]
            ],
        )
        self.assertEqual(len(evidence["subprocessors"]), 1)
        # No name nor text in clear.
        for text in ("CloudHost", "Example Cloud", "Hosting", "Backups"):
            self.assertNotIn(text, event.payload)
        # The activities it serves are added (logged); its responsible
        # person and notes are no evidence of the contract (no event).
        agreement.write({"user_id": self.user_manager.id, "notes": "Annex 2"})
        self.assertEqual(len(self._events(agreement)), 1)
        agreement.write({"processing_activity_ids": [Command.link(self.activity.id)]})
        self.assertEqual(self._events(agreement)[-1].event_type, "agreement_updated")
        self._terminate(agreement, date="2026-04-10", reason="Notice given.")
        events = self._events(agreement)
        self.assertEqual(
            events.mapped("event_type"),
            ["agreement_in_force", "agreement_updated", "agreement_terminated"],
        )
        evidence = json.loads(events[-1].payload)["evidence"]
        self.assertEqual(evidence["date_terminated"], "2026-04-10")
        self.assertEqual(evidence["termination_reason"], sha256("Notice given."))
        self._assert_intact()

    def test_expiry_is_logged(self):
        agreement = self._create(date_end="2026-04-30")
        agreement.action_confirm()
        with freeze_time("2026-05-01 08:00:00"):
            self.env["gdpr.processor.agreement"]._cron_expire()
        self.assertEqual(agreement.state, "expired")
        self.assertEqual(
            self._events(agreement).mapped("event_type"),
            ["agreement_in_force", "agreement_expired"],
        )
        self._assert_intact()

    def test_dpia_is_logged_once_decided_and_reviewed(self):
        dpia = self._create_dpia()
        dpia.write({"action_plan": "Encrypt the backups."})
        self.assertFalse(self._events(dpia), "a draft is not evidence yet")
        dpia.action_decide()
        event = self._events(dpia)
        self.assertEqual(event.event_type, "dpia_decided")
        evidence = json.loads(event.payload)["evidence"]
        self.assertEqual(evidence["decision"], "approved")
        self.assertEqual(evidence["decision_by_id"], self.user_officer.id)
        self.assertEqual(evidence["dpo_advice"], sha256("The processing may go ahead."))
        self.assertEqual(len(evidence["risks"]), 1)
        for text in ("Anna", "Risk 1", "scores each lead"):
            self.assertNotIn(text, event.payload)
        # The review date moves: logged.
        dpia.write({"date_review": "2027-01-15"})
        self.assertEqual(self._events(dpia)[-1].event_type, "dpia_updated")
        # The review is a new draft (not logged) until decided.
        review = self.Dpia.browse(dpia.action_review()["res_id"])
        self.assertFalse(self._events(review))
        review.write(
            {
                "dpo_advice": "Still fine.",
                "date_dpo_advice": "2026-04-14",
                "decision": "approved",
                "date_review": "2027-04-01",
            }
        )
        self.assertFalse(self._events(review))
        review.action_decide()
        self.assertEqual(self._events(review).event_type, "dpia_reviewed")
        self.assertEqual(len(self._events(dpia)), 2, "the reviewed one is unchanged")
        self._assert_intact()

    def test_one_batch_one_event_each(self):
        agreements = self._create() | self._create() | self._create()
        agreements.action_confirm()
        events = self._events(agreements)
        self.assertEqual(len(events), 3)
        self.assertEqual(events.mapped("res_id"), sorted(agreements.ids))
        sequences = events.mapped("sequence")
        self.assertEqual(sequences, list(range(sequences[0], sequences[0] + 3)))
        self._assert_intact()

    def test_verify_is_intact_with_drafts_changed_and_deleted(self):
        agreement = self._with_us_subprocessor()
        agreement.write({"subject": "Changed"})
        agreement.subprocessor_ids.write({"service": "Support"})
        in_force = self._create()
        in_force.action_confirm()
        draft_dpia = self._create_dpia()
        draft_dpia.write({"action_plan": "Later"})
        decided = self._create_dpia()
        decided.action_decide()
        # Drafts left as they are: no event, no mismatch.
        self._assert_intact()
        agreement.unlink()
        draft_dpia.unlink()
        self._assert_intact()

    def test_integrity_report_shows_agreements_and_assessments(self):
        self._create().action_confirm()
        self._create_dpia().action_decide()
        text = pdf_text(
            self.env,
            "crm_gdpr.action_report_gdpr_evidence_integrity",
            self.company,
            user=self.user_officer,
        )
        self.assertIn("intact", text)
        self.assertIn("processor agreements in force", text)
        self.assertRegex(text, r"GDPR Processor Agreement \d+")
        self.assertRegex(text, r"GDPR Data Protection Impact Assessment \d+")

    def test_evidence_log_menu_filters_them(self):
        action = self.env.ref("crm_gdpr.gdpr_evidence_event_action")
        search = self.env.ref("crm_gdpr.gdpr_evidence_event_view_search")
        self.assertIn('name="processor_agreements"', search.arch)
        self.assertIn('name="dpias"', search.arch)
        self.assertIn("processor agreement", str(action.help))


@tagged("post_install", "-at_install")
@freeze_time("2026-04-15 10:00:00")
class TestGdprProcessorEvidenceTampering(GdprProcessorEvidenceCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agreement = cls.Agreement.create(
            {
                "processor_id": cls.processor.id,
                "date_signed": "2026-03-01",
                "subject": "Hosting of the CRM",
                "subprocessing_authorisation": "general",
                "subprocessor_ids": [
                    Command.create(
                        {"partner_id": cls.subprocessor.id, "service": "Backups"}
                    )
                ],
            }
        )
        cls.agreement.action_confirm()
        cls.dpia = GdprDpiaCommon._create(cls)
        cls.dpia.action_decide()

    def _update(self, table, fname, value, res_id):
        return SQL(
            "UPDATE %s SET %s = %s WHERE id = %s",
            SQL.identifier(table),
            SQL.identifier(fname),
            value,
            res_id,
        )

    def test_sql_change_of_an_agreement_in_force_is_found(self):
        self._assert_intact()
        for fname, value in (
            ("subject", "Nothing"),
            ("date_signed", "2026-01-01"),
            ("state", "draft"),
            ("processor_id", self.subprocessor.id),
            ("clause_a_instructions", True),
            ("termination_reason", "Forged"),
            ("subprocessing_authorisation", "specific"),
        ):
            with self.subTest(field=fname):
                message = self._tampered(
                    self._update(
                        "gdpr_processor_agreement", fname, value, self.agreement.id
                    )
                )
                self.assertIn(f"#{self.agreement.id})", message)
                self.assertIn(fname, message)
        message = self._tampered(
            self._update(
                "gdpr_processor_subprocessor",
                "service",
                "Everything",
                self.agreement.subprocessor_ids.id,
            )
        )
        self.assertIn("subprocessors", message)
        self._assert_intact()

    def test_sql_change_of_a_decided_dpia_is_found(self):
        for fname, value in (
            ("dpo_advice", "No advice"),
            ("decision", "rejected"),
            ("state", "draft"),
            ("date_decision", "2026-01-01"),
            ("date_review", "2030-01-01"),
        ):
            with self.subTest(field=fname):
                message = self._tampered(
                    self._update("gdpr_dpia", fname, value, self.dpia.id)
                )
                self.assertIn(f"#{self.dpia.id})", message)
                self.assertIn(fname, message)
        message = self._tampered(
            self._update("gdpr_dpia_risk", "likelihood", "1", self.dpia.risk_ids.id)
        )
        self.assertIn("risks", message)

    def test_sql_deletion_or_insertion_is_found(self):
        message = self._tampered(
            SQL("DELETE FROM gdpr_processor_agreement WHERE id = %s", self.agreement.id)
        )
        self.assertIn("no longer exists", message)
        message = self._tampered(
            SQL("DELETE FROM gdpr_dpia WHERE id = %s", self.dpia.id)
        )
        self.assertIn("no longer exists", message)
        # A draft put in force behind the application's back has no event.
        draft = self._create()
        message = self._tampered(
            self._update("gdpr_processor_agreement", "state", "in_force", draft.id)
        )
        self.assertIn("in no event", message)

    def test_no_write_seals_a_sql_change(self):
        self.env.flush_all()
        self.env.cr.execute(
            self._update(
                "gdpr_processor_agreement", "subject", "Forged", self.agreement.id
            )
        )
        self.env.invalidate_all()
        with self.assertRaisesRegex(UserError, "behind the application's back"):
            self.agreement.with_user(self.user_officer).write(
                {"processing_activity_ids": [Command.link(self.activity.id)]}
            )

    def test_forged_event_breaking_the_life_of_an_agreement_is_found(self):
        """An event appended by server code with SQL rights that changes
        evidence that never changes (or undoes the entry into force)."""
        Event = self.env["gdpr.evidence.event"]
        for key, value in (
            ("subject", sha256("Other")),
            ("state", "draft"),
            ("date_terminated", "2026-04-01"),
            ("processing_activity_ids", []),
        ):
            with self.subTest(key=key):
                self.env.cr.execute("SAVEPOINT forge")
                if key == "processing_activity_ids":
                    self.agreement.write(
                        {"processing_activity_ids": [Command.link(self.activity.id)]}
                    )
                values = self.agreement._gdpr_evidence_values()
                values[self.agreement.id][key] = value
                Event._gdpr_append(self.agreement, "agreement_updated", values=values)
                result = self._verify()
                self.env.cr.execute("ROLLBACK TO SAVEPOINT forge")
                self.env.invalidate_all()
                self.assertFalse(result["ok"])
                self.assertIn("never changes", result["mismatch"])
                self.assertIn(key, result["mismatch"])

    def test_upgrade_records_agreements_in_force_and_decided_dpias(self):
        draft = self._create()
        # In force and decided before 18.0.1.3.0: no event yet.
        self.env.flush_all()
        self.env.cr.execute(
            SQL("UPDATE gdpr_evidence_chain SET last_sequence = 0, last_hash = ''")
        )
        self.env.cr.execute(SQL("DELETE FROM gdpr_evidence_event"))
        self.env.invalidate_all()
        path = (
            Path(get_module_path("crm_gdpr"))
            / "migrations"
            / "18.0.1.3.0"
            / "post-migrate_evidence.py"
        )
        spec = importlib.util.spec_from_file_location("crm_gdpr_migrate_130", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        module.migrate(self.env.cr, "18.0.1.2.0")
        self.assertEqual(
            self._events(self.agreement).mapped("event_type"), ["recorded_at_upgrade"]
        )
        self.assertEqual(
            self._events(self.dpia).mapped("event_type"), ["recorded_at_upgrade"]
        )
        self.assertFalse(self._events(draft), "drafts stay out of the log")
        # The other evidence of the company too, none of it twice.
        module.migrate(self.env.cr, "18.0.1.2.0")
        self.assertEqual(len(self._events(self.agreement)), 1)
        self._assert_intact()


@tagged("post_install", "-at_install")
@freeze_time("2026-04-15 10:00:00")
class TestGdprProcessorTermination(GdprProcessorEvidenceCommon):
    def _wizard(self, agreement):
        action = agreement.action_terminate()
        self.assertEqual(action["res_model"], "gdpr.processor.agreement.terminate")
        self.assertEqual(action["target"], "new")
        return Form(
            self.env[action["res_model"]]
            .with_user(self.user_officer)
            .with_context(**action["context"])
        )

    def test_termination_fields_are_refused_over_write(self):
        draft = self._create()
        in_force = self._create()
        in_force.action_confirm()
        for agreement in (draft, in_force):
            for vals in (
                {"termination_reason": "Typed in"},
                {"date_terminated": "2026-04-01"},
            ):
                with self.subTest(state=agreement.state, vals=vals):
                    with self.assertRaisesRegex(UserError, "Terminate button"):
                        agreement.write(vals)
        with self.assertRaisesRegex(UserError, "Terminate button"):
            in_force.write(
                {
                    "state": "terminated",
                    "date_terminated": "2026-04-01",
                    "termination_reason": "Over RPC",
                }
            )
        with self.assertRaisesRegex(UserError, "Terminate button"):
            in_force.write({"state": "terminated"})
        with self.assertRaisesRegex(UserError, "Terminate button"):
            self._create(termination_reason="At creation")
        self.assertEqual(in_force.state, "in_force")
        self.assertFalse(in_force.termination_reason)
        # Once terminated, no more either; the same values are no change (an
        # export re-imported).
        self._terminate(in_force, reason="Notice given.")
        with self.assertRaisesRegex(UserError, "Terminate button"):
            in_force.write({"termination_reason": "Other"})
        in_force.write({"termination_reason": "Notice given."})

    def test_fields_are_readonly_on_the_form(self):
        agreement = self._create()
        agreement.action_confirm()
        form = Form(agreement.with_user(self.user_officer))
        for fname in ("date_terminated", "termination_reason"):
            with self.assertRaises(AssertionError):
                setattr(form, fname, "2026-04-01")

    def test_wizard_terminates_with_date_and_reason(self):
        agreement = self._create(date_end="2026-12-31")
        agreement.action_confirm()
        wizard = self._wizard(agreement)
        self.assertEqual(wizard.agreement_id, agreement)
        self.assertEqual(str(wizard.date_terminated), "2026-04-15", "today")
        wizard.date_terminated = "2026-04-14"
        wizard.termination_reason = "  The controller gave notice.  "
        wizard.save().action_terminate()
        self.assertEqual(agreement.state, "terminated")
        self.assertEqual(str(agreement.date_terminated), "2026-04-14")
        self.assertEqual(agreement.termination_reason, "The controller gave notice.")
        self.assertFalse(agreement.activity_ids, "the end-date reminder is closed")
        note = agreement.message_ids[:1]
        self.assertIn("The controller gave notice.", note.body)
        self.assertIn("04/14/2026", note.body)
        self.assertEqual(self._events(agreement)[-1].event_type, "agreement_terminated")
        self._assert_intact()

    def test_wizard_refuses_bad_dates_and_a_blank_reason(self):
        agreement = self._create()
        agreement.action_confirm()
        wizard = self._wizard(agreement)
        wizard.termination_reason = "Notice given."
        wizard.date_terminated = "2026-04-16"
        with self.assertRaisesRegex(ValidationError, "in the future"):
            wizard.save()
        wizard = self._wizard(agreement)
        wizard.termination_reason = "Notice given."
        wizard.date_terminated = "2026-02-28"
        with self.assertRaisesRegex(ValidationError, "cannot be terminated before"):
            wizard.save()
        wizard = self._wizard(agreement)
        wizard.termination_reason = "   "
        with self.assertRaisesRegex(ValidationError, "reason for the termination"):
            wizard.save()
        wizard = self._wizard(agreement)
        with self.assertRaisesRegex(AssertionError, "termination_reason"):
            wizard.save()
        # Nothing was half-written.
        self.assertEqual(agreement.state, "in_force")
        self.assertFalse(agreement.date_terminated)
        self.assertEqual(
            self._events(agreement).mapped("event_type"), ["agreement_in_force"]
        )

    def test_wizard_is_for_agreements_in_force_and_officers(self):
        draft = self._create()
        with self.assertRaisesRegex(UserError, "not in force"):
            draft.action_terminate()
        agreement = self._create()
        agreement.action_confirm()
        wizard = self._wizard(agreement)
        wizard.termination_reason = "Notice given."
        record = wizard.save()
        record.action_terminate()
        # A second click (another tab) changes nothing.
        with self.assertRaisesRegex(UserError, "not in force"):
            record.action_terminate()
        self.assertEqual(len(self._events(agreement)), 2)
        Wizard = self.env["gdpr.processor.agreement.terminate"]
        with self.assertRaises(AccessError):
            Wizard.with_user(self.user_sales).create(
                {"agreement_id": agreement.id, "termination_reason": "x"}
            )
