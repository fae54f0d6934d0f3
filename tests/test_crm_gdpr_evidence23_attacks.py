"""Red team 23: agreements and impact assessments as evidence on every path
(activity side, partner merge, dictionary wording, SQL), and the
termination dialog (companies, its creator, input checks)."""

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import GdprAgreementCommon, GdprDpiaCommon, GdprEvidenceLogCase


@tagged("post_install", "-at_install")
@freeze_time("2026-04-15 10:00:00")
class TestEvidence23Attacks(GdprEvidenceLogCase, GdprAgreementCommon):
    _create_dpia = GdprDpiaCommon._create

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Event = cls.env["gdpr.evidence.event"]
        cls.user_officer_b = new_test_user(
            cls.env,
            login="gdpr_officer_b23",
            groups="sales_team.group_sale_salesman,crm_gdpr.group_gdpr_officer",
            name="Officer B",
            company_id=cls.company_2.id,
            company_ids=[Command.set(cls.company_2.ids)],
        )
        cls.register = cls.env["gdpr.processing.register"].create(
            {"title": "Customer data"}
        )
        Activity = cls.env["gdpr.processing.activity"]
        cls.activity, cls.activity_2, cls.activity_3 = Activity.create(
            [
                {
                    "register_id": cls.register.id,
                    "name": name,
                    "purpose": "Ranking leads",
                    "legal_basis": "f",
                }
                for name in ("Lead scoring", "Newsletter", "Support")
            ]
        )
        cls.dpo = cls.env["res.partner"].create({"name": "Anna Inspektor"})
        cls.Dpia = cls.env["gdpr.dpia"].with_user(cls.user_officer)

    def _in_force(self, **vals):
        agreement = self._with_us_subprocessor(
            processing_activity_ids=[Command.set(self.activity.ids)], **vals
        )
        agreement.action_confirm()
        return agreement

    def _verify(self, company=None):
        self.env.flush_all()
        self.env.invalidate_all()
        (result,) = self.Event.with_user(self.user_officer).verify_chain(
            company or self.company
        )
        return result

    def _wizard(self, agreement, user=None, **vals):
        return (
            self.env["gdpr.processor.agreement.terminate"]
            .with_user(user or self.user_officer)
            .create(
                {
                    "agreement_id": agreement.id,
                    "date_terminated": "2026-04-10",
                    "termination_reason": "The contract ended.",
                    **vals,
                }
            )
        )

    def test_f1_activity_side_link_is_logged(self):
        agreement = self._in_force()
        Activity = self.env["gdpr.processing.activity"].with_user(self.user_officer)
        Activity.browse(self.activity_2.id).write(
            {"processor_agreement_ids": [Command.link(agreement.id)]}
        )
        Activity.browse(self.activity_3.id).write(
            {"processor_agreement_ids": [Command.set(agreement.ids)]}
        )
        created = Activity.create(
            {
                "register_id": self.register.id,
                "name": "Created linked",
                "purpose": "p",
                "legal_basis": "f",
                "processor_agreement_ids": [Command.set(agreement.ids)],
            }
        )
        events = self._events(agreement)
        self.assertEqual(
            events.mapped("event_type"),
            ["agreement_in_force"] + ["agreement_updated"] * 3,
        )
        self.assertEqual(
            agreement.processing_activity_ids,
            self.activity | self.activity_2 | self.activity_3 | created,
        )
        self.assertTrue(self._verify()["ok"], self._verify()["mismatch"])
        # Still a normal agreement: it is terminated, then linked again.
        self._terminate(agreement)
        agreement_2 = self._in_force()
        Activity.browse(self.activity_2.id).write(
            {"processor_agreement_ids": [Command.link(agreement_2.id)]}
        )
        self.assertEqual(self._events(agreement_2)[-1].event_type, "agreement_updated")
        self.assertTrue(self._verify()["ok"])
        with self.assertRaisesRegex(UserError, "not removed"):
            Activity.browse(self.activity_2.id).write(
                {"processor_agreement_ids": [Command.unlink(agreement.id)]}
            )

    def test_f2_terminate_dialog_stays_in_its_company(self):
        agreement = self._in_force()
        wizard = self._wizard(agreement)
        self.assertEqual(wizard.company_id, self.company)
        Wizard = self.env["gdpr.processor.agreement.terminate"].with_user(
            self.user_officer_b
        )
        self.assertFalse(Wizard.search([]))
        with self.assertRaises(AccessError):
            wizard.with_user(self.user_officer_b).unlink()
        with self.assertRaises(AccessError):
            wizard.with_user(self.user_officer_b).read(["termination_reason"])
        spec = {"agreement_id": {"fields": {"display_name": {}}}}
        with self.assertRaisesRegex(AccessError, "cannot read"):
            Wizard.onchange({"agreement_id": agreement.id}, [], spec)
        with self.assertRaisesRegex(AccessError, "cannot read"):
            Wizard.with_context(default_agreement_id=agreement.id).default_get(
                ["agreement_id"]
            )
        with self.assertRaisesRegex(AccessError, "cannot read"):
            self._wizard(agreement, user=self.user_officer_b)

    def test_f3_terminate_dialog_is_its_creators(self):
        agreement = self._in_force()
        wizard = self._wizard(agreement)
        other = wizard.with_user(self.user_manager)
        with self.assertRaises(AccessError):
            other.write({"termination_reason": "Put by the manager."})
        with self.assertRaises(AccessError):
            other.action_terminate()
        self.assertEqual(agreement.state, "in_force")
        wizard.action_terminate()
        self.assertEqual(agreement.termination_reason, "The contract ended.")

    def test_f4_invisible_or_non_text_reason_refused(self):
        agreement = self._in_force()
        # Second pass, G1: blank letters (Hangul, Braille), the Mongolian
        # vowel separator, a direction override and a tag space.
        for reason in (
            "\u200b\u200b",
            "\u00a0\u3000",
            "\u3164",
            "\u2800\u115f",
            "\u180e\u202e",
            "\U000e0020",
        ):
            with self.assertRaisesRegex(ValidationError, "Give the reason"):
                self._wizard(agreement, termination_reason=reason)
        for reason in (5, ["a"]):
            with self.assertRaisesRegex(ValidationError, "not a valid value"):
                self._wizard(agreement, termination_reason=reason)
        with self.assertRaisesRegex(ValidationError, "Give the reason"):
            agreement._gdpr_terminate("2026-04-10", "\u200b")
        self.assertEqual(agreement.state, "in_force")

    def test_f5_terminate_dialog_bad_values(self):
        agreement = self._in_force()
        for vals in (
            {"date_terminated": "soon"},
            {"date_terminated": "0001-01-01"},
            {"agreement_id": "x"},
            {"agreement_id": 2**70},
            {"agreement_id": -1},
            {"agreement_id": 2**31 - 2},
        ):
            with self.subTest(vals=vals), self.assertRaises(ValidationError):
                self._wizard(agreement, **vals)

    def test_f6_verify_chain_sees_stored_risk_results(self):
        dpia = self._create_dpia(risks=[("2", "2", "1", "1")])
        dpia.action_decide()
        self.assertTrue(self._verify()["ok"])
        for query, key in (
            (
                "UPDATE gdpr_dpia SET residual_risk_level = 'high' "
                f"WHERE id = {dpia.id}",
                "residual_risk_level",
            ),
            (
                "UPDATE gdpr_dpia SET prior_consultation_required = true "
                f"WHERE id = {dpia.id}",
                "prior_consultation_required",
            ),
            (
                f"UPDATE gdpr_dpia SET risk_level = 'high' WHERE id = {dpia.id}",
                "risk_level",
            ),
            (
                f"UPDATE gdpr_dpia_risk SET score = 99 WHERE dpia_id = {dpia.id}",
                "risks",
            ),
        ):
            with self.subTest(key=key):
                self.assertIn(key, self._tampered(query))

    def test_f7_moved_record_and_line_company(self):
        agreement = self._in_force()
        mismatch = self._tampered(
            "UPDATE gdpr_processor_agreement SET company_id = "
            f"{self.company_2.id} WHERE id = {agreement.id}"
        )
        self.assertIn("moved to company", mismatch)
        self.assertNotIn("deleted", mismatch)
        mismatch = self._tampered(
            "UPDATE gdpr_processor_subprocessor SET company_id = "
            f"{self.company_2.id} WHERE agreement_id = {agreement.id}"
        )
        self.assertIn("subprocessor_ids.company_id", mismatch)
        dpia = self._create_dpia()
        dpia.action_decide()
        mismatch = self._tampered(
            f"UPDATE gdpr_dpia_risk SET company_id = {self.company_2.id} "
            f"WHERE dpia_id = {dpia.id}"
        )
        self.assertIn("risks.company_id", mismatch)

    def test_f8_partner_merge_refused_for_bound_partners(self):
        agreement = self._in_force()
        Merge = self.env["base.partner.merge.automatic.wizard"]
        duplicate = self.env["res.partner"].create({"name": "CloudHost (dup)"})
        sub_duplicate = self.env["res.partner"].create({"name": "Example (dup)"})
        dpo_duplicate = self.env["res.partner"].create({"name": "Anna (dup)"})
        dpia = self._create_dpia()
        dpia.action_decide()
        for partner, dst in (
            (self.processor, duplicate),
            (self.subprocessor, sub_duplicate),
            (self.dpo, dpo_duplicate),
        ):
            with self.subTest(partner=partner.name):
                with self.assertRaisesRegex(UserError, "evidence names it"):
                    Merge._merge((partner | dst).ids, dst, extra_checks=False)
                self.assertTrue(partner.exists())
        # Into the bound partner: the evidence keeps its party.
        Merge._merge((self.processor | duplicate).ids, self.processor)
        self.assertFalse(duplicate.exists())
        self.assertEqual(agreement.processor_id, self.processor)
        self.assertTrue(self._verify()["ok"])

    def test_g3_partner_merge_moves_breaches_and_information_records_logged(self):
        """Second pass, G3: Odoo's merge rewrote a breach's processor and an
        information record's person with SQL, and verify_chain then failed.
        Both moves are now recorded (note and event) and the chain holds."""
        person, person_dup = self.env["res.partner"].create(
            [{"name": "Jan Kowalski"}, {"name": "Jan Kowalski (dup)"}]
        )
        host, host_dup = self.env["res.partner"].create(
            [{"name": "Mail Host", "is_company": True}, {"name": "Mail Host (dup)"}]
        )
        notice = self.env["gdpr.information.notice"].create(
            {
                "name": "Notice",
                "body": "<p>How we process your data.</p>",
                "date_start": "2020-01-01",
            }
        )
        record = self.env["gdpr.information.record"].create(
            {"partner_id": person_dup.id, "notice_id": notice.id, "method": "in_person"}
        )
        breach = (
            self.env["gdpr.breach"]
            .with_user(self.user_officer)
            .create(
                {
                    "dpo_id": self.dpo.id,
                    "processor_id": host_dup.id,
                    "date_breach": "2026-03-01",
                    "date_discovered": "2026-03-02 09:00:00",
                    "nature": "Mailbox of the processor read by a stranger",
                    "risk_level": "risk",
                }
            )
        )
        self.assertTrue(self._verify()["ok"])
        Merge = self.env["base.partner.merge.automatic.wizard"]
        Merge._merge((person | person_dup).ids, person, extra_checks=False)
        Merge._merge((host | host_dup).ids, host, extra_checks=False)
        self.assertEqual(record.partner_id, person)
        self.assertEqual(breach.processor_id, host)
        events = self.Event.search(
            [
                "|",
                "&",
                ("res_model", "=", "gdpr.information.record"),
                ("res_id", "=", record.id),
                "&",
                ("res_model", "=", "gdpr.breach"),
                ("res_id", "=", breach.id),
            ],
            order="sequence",
        )
        self.assertEqual(
            events.mapped("event_type")[-2:], ["information_merged", "breach_updated"]
        )
        for moved in (record, breach):
            self.assertIn("Partner merge", moved.message_ids[0].body)
        self.assertTrue(self._verify()["ok"], self._verify())

    def test_g2_copied_activity_is_served_by_no_agreement(self):
        """Second pass, G2: copying an activity (or its register) linked the
        copy to every agreement serving the original, terminated ones too."""
        agreement = self._in_force()
        events = self.Event.search_count([("res_model", "=", agreement._name)])
        copy = self.activity.copy()
        self.assertFalse(copy.processor_agreement_ids)
        self.assertEqual(agreement.processing_activity_ids, self.activity)
        self.assertEqual(
            self.Event.search_count([("res_model", "=", agreement._name)]), events
        )
        self.assertTrue(self._verify()["ok"])

    def test_f9_agreement_and_dpia_wrong_types(self):
        agreement = self._with_us_subprocessor()
        for vals in (
            {"document": 123},
            {"document": [1]},
            {"document": "not base64!!!"},
            {"state": [1]},
            {"subprocessor_ids": [[0, 0, "x"]]},
            {"transfer_ids": [[0, 0, "x"]]},
        ):
            with self.subTest(vals=vals), self.assertRaises(ValidationError):
                agreement.write(vals)
        agreement.write({"document": "UERGIHNpZ25lZA=="})
        dpia = self._create_dpia()
        with self.assertRaises(ValidationError):
            dpia.write({"risk_ids": [[0, 0, "x"]]})

    def test_f15_used_transfer_basis_keeps_its_wording(self):
        Basis = self.env["gdpr.transfer.basis"].with_user(self.user_manager)
        basis = Basis.create({"name": "RT basis"})
        draft = self._with_us_subprocessor()
        draft.transfer_ids.basis_id = basis
        basis.write({"name": "Renamed while unused"})
        draft.action_confirm()
        with self.assertRaisesRegex(UserError, "does not change"):
            basis.write({"name": "Adequacy decision"})
        with self.assertRaisesRegex(UserError, "does not change"):
            basis.update_field_translations("name", {"pl_PL": "Decyzja"})
        # A missing translation may be given; once given it is wording too.
        self.env["res.lang"]._activate_lang("pl_PL")
        basis.with_context(lang="pl_PL").write({"name": "Podstawa RT"})
        with self.assertRaisesRegex(UserError, "nie ulega zmianie"):
            basis.with_context(lang="pl_PL").write({"name": "Decyzja"})
        basis.write({"name": "Renamed while unused", "sequence": 5})
        basis.write({"active": False})
        self.assertEqual(basis.name, "Renamed while unused")

    def test_f16_previous_id_is_set_by_the_review_only(self):
        decided = self._create_dpia()
        decided.action_decide()
        with self.assertRaisesRegex(UserError, "set by the system"):
            self._create_dpia(previous_id=decided.id)
        with self.assertRaisesRegex(UserError, "set by the system"):
            self.Dpia.with_context(default_previous_id=decided.id).create(
                {"activity_id": self.activity.id}
            )
        draft = self._create_dpia()
        with self.assertRaisesRegex(UserError, "set by the system"):
            draft.write({"previous_id": decided.id})
        action = decided.action_review()
        review = self.env["gdpr.dpia"].browse(action["res_id"])
        self.assertEqual(review.previous_id, decided)
        with self.assertRaisesRegex(ValidationError, "same processing activity"):
            review.write({"activity_id": self.activity_2.id})
