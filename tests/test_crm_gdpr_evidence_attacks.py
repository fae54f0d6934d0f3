"""The red-team findings on the evidence rules (SPEC section 7), one test each.

Each test replays the attack of /work/attack/findings-evidence.md through
the ORM as the role that made it.
"""

import base64
import hashlib
import json

from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import SQL, mute_logger

from .common import GdprEvidenceCommon, html_text


@tagged("post_install", "-at_install")
@freeze_time("2026-03-10 12:00:00")
class TestGdprEvidenceAttacks(GdprEvidenceCommon):
    def _sql(self, query):
        self.env.flush_all()
        self.env.cr.execute(query)
        self.env.invalidate_all()

    # F1 -----------------------------------------------------------------
    def test_f1_sql_change_is_not_sealed_by_the_next_withdrawal(self):
        consent = self._create_consent(date_given="2026-03-01")
        self._sql(
            SQL(
                "UPDATE gdpr_consent SET date_given = %s, text_body = %s WHERE id = %s",
                "2026-01-01",
                "<p>I agree to everything</p>",
                consent.id,
            )
        )
        with self.assertRaisesRegex(UserError, "behind the application's back"):
            consent.with_user(self.user_sales).write({"active": False})
        self.assertFalse(self._verify()["ok"])

    def test_f1_verify_finds_a_tamper_sealed_into_a_later_event(self):
        """A forged later event (the chain rehashed) is found: a consent's
        locked evidence differs between its events."""
        consent = self._create_consent(date_given="2026-03-01")
        self._sql(
            SQL(
                "UPDATE gdpr_consent SET date_given = %s WHERE id = %s",
                "2026-01-01",
                consent.id,
            )
        )
        # What the write did before the fix: log the stored (forged) values.
        self.Event._gdpr_append(consent, "consent_withdrawn")
        result = self._verify()
        self.assertFalse(result["ok"])
        self.assertIn("date_given", result["mismatch"])
        self.assertIn(f"#{consent.id})", result["mismatch"])

    def test_f1_verify_finds_a_withdrawal_rewritten_in_a_later_event(self):
        consent = self._create_consent()
        consent.write({"active": False, "withdrawal_reason_id": self.reason_request.id})
        self._sql(
            SQL(
                "UPDATE gdpr_consent SET withdrawal_reason_id = %s WHERE id = %s",
                self.reason_mistake.id,
                consent.id,
            )
        )
        self.Event._gdpr_append(consent, "consent_updated")
        result = self._verify()
        self.assertFalse(result["ok"])
        self.assertIn("withdrawal_reason", result["mismatch"])

    def test_f1_breach_sql_change_is_not_sealed_by_the_next_write(self):
        self._sql(
            SQL(
                "UPDATE gdpr_breach SET nature = %s WHERE id = %s",
                "Nothing happened",
                self.breach.id,
            )
        )
        with self.assertRaisesRegex(UserError, "behind the application's back"):
            self.breach.with_user(self.user_officer).write({"measures": "Resync"})

    def test_f1_legitimate_history_stays_intact(self):
        lead = self.env["crm.lead"].create(
            {"name": "Web visitor", "email_from": "visitor@example.com"}
        )
        consent = self._create_consent(partner_id=False, lead_id=lead.id)
        lead.partner_id = self.other_partner
        self.assertEqual(consent.partner_id, self.other_partner)
        consent.write({"active": False})
        consent.with_user(self.user_officer)._privacy_lookup_erase()
        self._create_consent().with_user(self.user_officer)._privacy_lookup_erase()
        self.assertTrue(self._verify()["ok"], self._verify()["mismatch"])

    # F2 -----------------------------------------------------------------
    def test_f2_deleting_what_a_breach_names_is_refused(self):
        category = self.env["gdpr.data.category"].create({"name": "Tmp category"})
        processor = self.env["res.partner"].create({"name": "Tmp processor"})
        self.breach.write(
            {
                "data_category_ids": [Command.link(category.id)],
                "processor_id": processor.id,
                "notifier_id": processor.id,
            }
        )
        for record, user in ((category, self.user_manager), (processor, self.admin)):
            with self.subTest(record=record._name):
                with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
                    with self.env.cr.savepoint():
                        record.with_user(user).unlink()
                        self.env.flush_all()
        self.env.invalidate_all()
        self.assertEqual(self.breach.data_category_ids, category)
        self.assertEqual(self.breach.processor_id, processor)
        self.assertTrue(self._verify()["ok"])

    # F3 -----------------------------------------------------------------
    def test_f3_messages_are_never_moved_into_evidence_chatter(self):
        field = self.env["ir.model.fields"]._get("gdpr.consent", "date_given")
        for record in (self.consent, self.breach):
            with self.subTest(model=record._name):
                message = (
                    self.env["mail.message"]
                    .with_user(self.admin)
                    .create(
                        {
                            "model": "res.partner",
                            "res_id": self.partner.id,
                            "body": "Customer confirmed by phone",
                            "author_id": self.partner.id,
                            "date": "2020-01-01 00:00:00",
                            "message_type": "comment",
                        }
                    )
                )
                with self.assertRaises(UserError):
                    message.with_user(self.admin).write(
                        {"model": record._name, "res_id": record.id}
                    )
                self.assertEqual(message.model, "res.partner")
        first = self.consent.message_post(body="Consent registered.")
        other = self.env["mail.message"].create(
            {
                "model": "res.partner",
                "res_id": self.partner.id,
                "message_type": "notification",
                "body": "",
                "tracking_value_ids": [
                    Command.create(
                        {
                            "field_id": field.id,
                            "old_value_datetime": "2019-01-01",
                            "new_value_datetime": "2026-03-01",
                        }
                    )
                ],
            }
        )
        with self.assertRaises(UserError):
            other.tracking_value_ids.with_user(self.admin).write(
                {"mail_message_id": first.id}
            )
        self.assertFalse(first.tracking_value_ids & other.tracking_value_ids)

    # F4 -----------------------------------------------------------------
    def test_f4_nobody_posts_under_another_email(self):
        with self.assertRaises(UserError):
            self.breach.with_user(self.user_officer).message_post(
                body="We accept your late notification.",
                email_from='"UODO Inspector" <kancelaria@uodo.gov.pl>',
            )
        with self.assertRaises(UserError):
            self.env["mail.message"].with_user(self.user_sales).create(
                {
                    "model": "gdpr.consent",
                    "res_id": self.consent.id,
                    "body": "approved",
                    "author_id": False,
                    "email_from": "dpo@example.com",
                    "message_type": "comment",
                }
            )
        # In one's own name, as the chatter posts.
        message = self.consent.with_user(self.user_sales).message_post(
            body="Called the customer."
        )
        self.assertEqual(message.author_id, self.user_sales.partner_id)

    # F5 -----------------------------------------------------------------
    def test_f5_clients_cannot_switch_tracking_off(self):
        def tracking_count(record):
            return self.env["mail.tracking.value"].search_count(
                [
                    ("mail_message_id.model", "=", record._name),
                    ("mail_message_id.res_id", "=", record.id),
                ]
            )

        def next_transaction():
            # Odoo tracks no record created in the same transaction.
            self.env.flush_all()
            self.env.cr.precommit.run()
            self.env.cr.precommit.data.clear()

        next_transaction()
        before = tracking_count(self.breach)
        breach = self.breach.with_user(self.user_officer)
        breach.with_context(tracking_disable=True).write({"nature": "Rewritten"})
        breach.with_context(mail_notrack=True).write({"consequences": "None"})
        self.env.flush_all()
        self.env.cr.precommit.run()
        self.assertEqual(tracking_count(self.breach) - before, 2)
        Consent = (
            self.env["gdpr.consent"]
            .with_user(self.user_sales)
            .with_context(tracking_disable=True, mail_create_nolog=True)
        )
        consent = Consent.create(self._consent_vals())
        next_transaction()
        consent.write({"active": False})
        self.env.flush_all()
        self.env.cr.precommit.run()
        messages = self.env["mail.message"].search(
            [("model", "=", "gdpr.consent"), ("res_id", "=", consent.id)]
        )
        self.assertIn("Consent registered.", "".join(messages.mapped("body")))
        self.assertTrue(messages.tracking_value_ids)

    # F6 -----------------------------------------------------------------
    def test_f6_context_defaults_put_no_withdrawal_data_on_an_active_consent(self):
        Consent = self.env["gdpr.consent"].with_user(self.user_sales)
        with self.assertRaises(ValidationError):
            Consent.with_context(
                default_withdrawal_reason_id=self.reason_mistake.id
            ).create(self._consent_vals())
        source = self.env["gdpr.withdrawal.source"].search([], limit=1)
        with self.assertRaises(ValidationError):
            Consent.with_context(default_withdrawal_source_id=source.id).create(
                self._consent_vals()
            )

    # F7 -----------------------------------------------------------------
    def test_f7_terms_document_is_kept_as_consented(self):
        self.assertEqual(self.consent.attachment_id, self.terms)
        (event,) = self._events(self.consent)
        evidence = json.loads(event.payload)["evidence"]
        self.assertEqual(
            evidence["attachment_sha256"],
            hashlib.sha256(b"%PDF-1.4 terms").hexdigest(),
        )
        for user in (self.user_manager, self.admin):
            for vals in (
                {"datas": base64.b64encode(b"Terms v2: we share everything")},
                {"res_model": "res.partner", "res_id": self.partner.id},
            ):
                with self.subTest(user=user.login, vals=list(vals)):
                    with self.assertRaises(UserError):
                        self.terms.with_user(user).write(vals)
            with self.assertRaises(UserError):
                self.terms.with_user(user).unlink()
        self.assertEqual(self.terms.raw, b"%PDF-1.4 terms")
        # Changed behind the application's back: verify_chain finds it.
        self._sql(
            SQL(
                "UPDATE ir_attachment SET db_datas = %s, store_fname = NULL "
                "WHERE id = %s",
                b"forged",
                self.terms.id,
            )
        )
        result = self._verify()
        self.assertFalse(result["ok"])
        self.assertIn("attachment_sha256", result["mismatch"])

    # F8 -----------------------------------------------------------------
    def test_f8_a_kept_anchor_finds_a_rewound_chain(self):
        consent = self._create_consent()
        consent.write({"active": False})
        (head,) = self.env["gdpr.evidence.chain"].search(
            [("company_id", "=", self.company.id)]
        )
        anchor = (head.last_sequence, head.last_hash)
        text = html_text(
            self.env,
            "crm_gdpr.action_report_gdpr_evidence_integrity",
            self.company,
            user=self.user_officer,
        )
        self.assertIn("Keep every printed report", text)
        self.assertIn(head.last_hash[:20], text)
        self.assertTrue(self._verify_anchor(anchor)["ok"])
        last = self._events(consent)[-1]
        self._sql(
            SQL(
                "DELETE FROM gdpr_evidence_event WHERE id = %(id)s; "
                "UPDATE gdpr_evidence_chain SET last_sequence = last_sequence - 1, "
                "last_hash = (SELECT hash FROM gdpr_evidence_event "
                "WHERE company_id = %(company)s ORDER BY sequence DESC LIMIT 1) "
                "WHERE company_id = %(company)s; "
                "UPDATE gdpr_consent SET active = true, state = 'active', "
                "date_withdrawn = NULL, withdrawal_reason_id = NULL, "
                "withdrawal_source_id = NULL, withdrawal_source_company_id = NULL "
                "WHERE id = %(consent)s",
                id=last.id,
                company=self.company.id,
                consent=consent.id,
            )
        )
        result = self._verify_anchor(anchor)
        self.assertFalse(result["ok"])
        self.assertIn(str(anchor[0]), result["mismatch"])

    def _verify_anchor(self, anchor):
        self.env.invalidate_all()
        (result,) = self.Event.with_user(self.user_officer).verify_chain(
            self.company, anchor=anchor
        )
        return result

    # F9 -----------------------------------------------------------------
    def test_f9_a_lead_consent_gets_the_leads_partner_only(self):
        lead = self.env["crm.lead"].create(
            {
                "name": "Web visitor",
                "email_from": "visitor@example.com",
                "user_id": self.user_sales.id,
            }
        )
        consent = self._create_consent(partner_id=False, lead_id=lead.id)
        with self.assertRaises(UserError):
            consent.with_user(self.user_sales).write({"partner_id": self.partner.id})
        self.assertFalse(consent.partner_id)
        lead.with_user(self.user_sales).partner_id = self.other_partner
        self.assertEqual(consent.partner_id, self.other_partner)

    # F10 ----------------------------------------------------------------
    def test_f10_no_files_on_evidence_records_that_do_not_exist(self):
        self.env.cr.execute("SELECT COALESCE(MAX(id), 0) FROM gdpr_consent")
        future_id = self.env.cr.fetchone()[0] + 1
        for model, res_id in (
            ("gdpr.consent", future_id),
            ("gdpr.breach", self.breach.id + 1000),
        ):
            with self.subTest(model=model):
                with self.assertRaises(UserError):
                    self.env["ir.attachment"].with_user(self.user_sales).create(
                        {
                            "name": "planted.txt",
                            "raw": b"x",
                            "res_model": model,
                            "res_id": res_id,
                        }
                    )
        loose = (
            self.env["ir.attachment"]
            .with_user(self.user_sales)
            .create({"name": "planted.txt", "raw": b"x"})
        )
        with self.assertRaises(UserError):
            loose.write({"res_model": "gdpr.consent", "res_id": future_id})
        # An existing consent may get files, as in its chatter.
        attachment = (
            self.env["ir.attachment"]
            .with_user(self.user_sales)
            .create(
                {
                    "name": "signed.pdf",
                    "raw": b"signed",
                    "res_model": "gdpr.consent",
                    "res_id": self.consent.id,
                }
            )
        )
        self.assertEqual(attachment.res_id, self.consent.id)

    # F11 ----------------------------------------------------------------
    def test_f11_events_of_records_created_withdrawn_or_reported(self):
        consent = self._create_consent(
            active=False,
            date_given="2026-02-01",
            date_withdrawn="2026-03-01",
            withdrawal_reason_id=self.reason_request.id,
        )
        self.assertEqual(
            self._events(consent).mapped("event_type"),
            ["consent_given", "consent_withdrawn"],
        )
        active = self._create_consent()
        active.with_user(self.user_officer)._privacy_lookup_erase()
        self.assertEqual(
            self._events(active).mapped("event_type"),
            ["consent_given", "consent_withdrawn", "consent_anonymized"],
        )
        breach = self.env["gdpr.breach"].create(
            {
                "dpo_id": self.other_partner.id,
                "date_breach": "2026-03-01",
                "date_discovered": "2026-03-02 10:00:00",
                "nature": "n",
                "subjects_description": "s",
                "risk_level": "risk",
                "consequences": "c",
                "measures": "m",
                "is_reported": True,
                "reported_at": "2026-03-03 00:10:00",
            }
        )
        self.assertEqual(
            self._events(breach).mapped("event_type"),
            ["breach_created", "breach_reported"],
        )
        self.assertTrue(self._verify()["ok"])

    def test_f11_writing_the_report_day_alone_reports(self):
        breach = self.breach.with_user(self.user_officer)
        breach.write(
            {
                "subjects_description": "s",
                "risk_level": "risk",
                "consequences": "c",
                "measures": "m",
            }
        )
        breach.write({"date_reported": "2026-03-03", "delay_reason": "Late"})
        self.assertTrue(breach.is_reported)
        self.assertEqual(self._events(breach)[-1].event_type, "breach_reported")

    # F12 ----------------------------------------------------------------
    def test_f12_only_the_dpo_checks_the_chain(self):
        for user in (self.user_internal, self.user_sales):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    self.Event.with_user(user).verify_chain()
                with self.assertRaises(AccessError):
                    self.Event.with_user(user).action_print_integrity_report()
        (result,) = self.Event.with_user(self.user_officer).verify_chain(self.company)
        self.assertTrue(result["ok"])
