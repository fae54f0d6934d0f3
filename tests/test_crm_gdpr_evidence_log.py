import hashlib
import json

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged
from odoo.tools import SQL

from .common import GdprEvidenceCommon, html_text


@tagged("post_install", "-at_install")
@freeze_time("2026-03-10 12:00:00")
class TestGdprEvidenceRules(GdprEvidenceCommon):
    """SPEC section 7: each rule attacked as each role, through the ORM."""

    def test_identifiers_are_assigned_whatever_the_caller_sends(self):
        consent = self._create_consent(name="MY-ID")
        self.assertNotEqual(consent.name, "MY-ID")
        breach = self.env["gdpr.breach"].create(
            {
                "name": "BR-FORGED",
                "dpo_id": self.other_partner.id,
                "date_breach": "2026-03-01",
                "date_discovered": "2026-03-02 10:00:00",
            }
        )
        self.assertNotEqual(breach.name, "BR-FORGED")
        register = self.env["gdpr.processing.register"].create(
            {"name": "R-FORGED", "title": "Register"}
        )
        self.assertNotEqual(register.name, "R-FORGED")
        activity = self.env["gdpr.processing.activity"].create(
            {"register_id": register.id, "name": "Mailing", "code": "A-FORGED"}
        )
        self.assertNotEqual(activity.code, "A-FORGED")
        consent_2 = (
            self.env["gdpr.consent"]
            .with_context(default_name="CTX-ID", default_retention_expired=True)
            .create(self._consent_vals())
        )
        self.assertNotEqual(consent_2.name, "CTX-ID")
        self.assertFalse(consent_2.retention_expired)

    def test_identifiers_never_change(self):
        other = self._create_consent()
        cases = [
            (self.consent, "name", other.name),
            (self.breach, "name", "BR-X"),
            (
                self.env["gdpr.processing.register"].create({"title": "R"}),
                "name",
                "R-X",
            ),
        ]
        for role, user in self.roles.items():
            for record, fname, value in cases:
                if record._name != "gdpr.consent" and role == "sales":
                    continue
                with self.subTest(role=role, model=record._name):
                    before = record[fname]
                    with self.assertRaises(UserError):
                        record.with_user(user).write({fname: value})
                    self.assertEqual(record[fname], before)
        with self.assertRaises(UserError):
            self.consent.sudo().write({"name": other.name})
        # Re-importing the same ID is no change.
        self.consent.write({"name": self.consent.name})

    def test_consent_evidence_never_changes(self):
        other_source = self.env.ref("crm_gdpr.gdpr_consent_source_email")
        self.assertTrue(self.consent.contact_channel_id)
        self.assertTrue(self.consent.address_id)
        changes = {
            "source_id": other_source.id,
            "contact_channel_id": self.channel_mobile.id,
            "contact_value": "+48 999 999 999",
            "address_id": self.partner.id,
            "attachment_id": False,
            "company_id": self.company_2.id,
            "partner_id": self.other_partner.id,
            "lead_id": self.env["crm.lead"].create({"name": "Other"}).id,
        }
        if self.consent.address_id == self.partner:
            changes["address_id"] = self.partner_address.id
        before = self.consent.read(list(changes))
        for role, user in self.roles.items():
            for fname, value in changes.items():
                with self.subTest(role=role, field=fname):
                    with self.assertRaises(UserError):
                        self.consent.with_user(user).write({fname: value})
        self.env.invalidate_all()
        self.assertEqual(self.consent.read(list(changes)), before)

    def test_lead_hand_over_fills_an_empty_giver_only(self):
        lead = self.env["crm.lead"].create(
            {"name": "Fair contact", "email_from": "fair@example.com"}
        )
        consent = self._create_consent(partner_id=False, lead_id=lead.id)
        lead.partner_id = self.partner
        self.assertEqual(consent.partner_id, self.partner)
        self.assertEqual(
            self._events(consent).mapped("event_type"),
            ["consent_given", "consent_updated"],
        )
        with self.assertRaises(UserError):
            consent.with_user(self.user_sales).write({"lead_id": False})

    def test_copy_is_refused(self):
        for record in (self.consent, self.breach):
            for role, user in self.roles.items():
                if record._name == "gdpr.breach" and role == "sales":
                    continue
                with self.subTest(model=record._name, role=role):
                    with self.assertRaises(UserError):
                        record.with_user(user).copy()

    def test_active_consent_carries_no_withdrawal_data(self):
        reason = self.reason_mistake
        for vals in (
            {"date_withdrawn": "2026-03-05"},
            {"withdrawal_reason_id": reason.id},
            {
                "withdrawal_source_id": self.env.ref(
                    "crm_gdpr.gdpr_withdrawal_source_email"
                ).id
            },
        ):
            with self.subTest(vals=vals):
                with self.assertRaises(UserError):
                    self.consent.with_user(self.user_sales).write(vals)
                with self.assertRaises(UserError):
                    self.env["gdpr.consent"].with_user(self.user_sales).create(
                        self._consent_vals(**vals)
                    )
        self.assertFalse(self.consent.withdrawal_reason_id)
        self.assertFalse(self.consent.date_withdrawn)

    def test_withdrawal_happens_once(self):
        self.consent.with_user(self.user_sales).write({"active": False})
        # Writing Active alone withdraws with the defaults (stored computes).
        self.assertEqual(str(self.consent.date_withdrawn), "2026-03-10")
        self.assertEqual(
            self.consent.withdrawal_reason_id,
            self.env["gdpr.withdrawal.reason"]._get_default(self.company),
        )
        recorded = self.consent.read(
            ["date_withdrawn", "withdrawal_reason_id", "withdrawal_source_id"]
        )
        other_source = self.env["gdpr.withdrawal.source"].search(
            [("id", "!=", self.consent.withdrawal_source_id.id)], limit=1
        )
        for role, user in self.roles.items():
            for vals in (
                {"date_withdrawn": "2026-03-01"},
                {"withdrawal_reason_id": self.reason_mistake.id},
                {"withdrawal_source_id": other_source.id},
                {"withdrawal_reason_id": False},
                {"active": False, "date_withdrawn": "2026-03-02"},
            ):
                with self.subTest(role=role, vals=vals):
                    with self.assertRaisesRegex(UserError, "already withdrawn"):
                        self.consent.with_user(user).write(vals)
        with self.assertRaises(UserError):
            self.consent.write({"active": True})
        self.env.invalidate_all()
        self.assertEqual(
            self.consent.read(
                ["date_withdrawn", "withdrawal_reason_id", "withdrawal_source_id"]
            ),
            recorded,
        )

    def test_form_proposes_withdrawal_defaults(self):
        with Form(self.consent.with_user(self.user_sales)) as form:
            form.active = False
            self.assertEqual(str(form.date_withdrawn), "2026-03-10")
        self.assertEqual(self.consent.state, "withdrawn")

    def test_technical_fields_are_never_written_by_a_client(self):
        values = {
            "retention_expired": True,
            "is_anonymized": True,
            "source_company_id": self.company.id,
            "withdrawal_source_company_id": self.company.id,
            "state": "withdrawn",
            "evidence_salt": "known",
        }
        for role, user in self.roles.items():
            for fname, value in values.items():
                with self.subTest(role=role, field=fname):
                    with self.assertRaises(UserError):
                        self.consent.with_user(user).write({fname: value})
                    with self.assertRaises(UserError):
                        self.env["gdpr.consent"].with_user(user).create(
                            self._consent_vals(**{fname: value})
                        )
        self.assertFalse(self.consent.retention_expired)
        self.assertEqual(self.consent.state, "active")

    def test_breaches_are_never_deleted(self):
        self.breach.write(
            {"is_reported": True, "date_reported": "2026-03-03", "risk_level": "risk"}
        )
        for role in ("officer", "manager", "admin"):
            with self.subTest(role=role):
                with self.assertRaises(UserError):
                    self.breach.with_user(self.roles[role]).unlink()
        with self.assertRaises(UserError):
            self.breach.sudo().unlink()
        self.assertTrue(self.breach.exists())

    def test_every_breach_field_is_tracked(self):
        Breach = self.env["gdpr.breach"]
        own = [
            fname
            for fname, field in Breach._fields.items()
            if field.store
            and field._module == "crm_gdpr"
            and not field.automatic
            and field.type not in ("one2many",)
            # the daily job's technical flag (it posts its own note)
            and fname != "overdue_notified"
            and not getattr(field, "tracking", False)
        ]
        self.assertEqual(own, [], "every breach field is tracked")
        for fname in ("nature", "subjects_description", "consequences", "measures"):
            self.assertTrue(Breach._fields[fname].tracking, fname)


@tagged("post_install", "-at_install")
@freeze_time("2026-03-10 12:00:00")
class TestGdprEvidenceChatter(GdprEvidenceCommon):
    """The chatter of consents and breaches is append-only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.message = cls.consent.with_user(cls.user_sales).message_post(
            body="Confirmed on the phone.", message_type="comment"
        )
        cls.breach_message = cls.breach.with_user(cls.user_officer).message_post(
            body="Police informed.", message_type="comment"
        )
        cls.attachment = cls.env["ir.attachment"].create(
            {
                "name": "recording.txt",
                "raw": b"call recording",
                "res_model": "gdpr.consent",
                "res_id": cls.consent.id,
            }
        )
        # A tracking message as Odoo's tracking logs it (as superuser).
        field = cls.env["ir.model.fields"]._get("gdpr.consent", "date_given")
        cls.consent.sudo()._message_log(
            body="",
            tracking_value_ids=[
                Command.create(
                    {
                        "field_id": field.id,
                        "old_value_datetime": "2026-02-01",
                        "new_value_datetime": "2026-02-01",
                    }
                )
            ],
        )
        cls.tracking = cls.env["mail.tracking.value"].search(
            [
                ("mail_message_id.model", "=", "gdpr.consent"),
                ("mail_message_id.res_id", "=", cls.consent.id),
            ],
            limit=1,
        )

    def test_messages_are_never_edited(self):
        self.assertTrue(self.tracking)
        for role, user in self.roles.items():
            for vals in (
                {"body": "<p>Forged</p>"},
                {"date": "2020-01-01 00:00:00"},
                {"author_id": self.other_partner.id},
            ):
                with self.subTest(role=role, vals=vals):
                    with self.assertRaises(UserError):
                        self.message.with_user(user).write(vals)
            with self.subTest(role=role, path="_message_update_content"):
                with self.assertRaises(UserError):
                    self.consent.with_user(user)._message_update_content(
                        self.message.with_user(user), "<p>Edited</p>"
                    )
        with self.assertRaises(UserError):
            self.breach_message.sudo().write({"body": "<p>Forged</p>"})
        self.assertIn("Confirmed on the phone.", self.message.body)

    def test_messages_and_tracking_values_are_never_deleted(self):
        for role, user in self.roles.items():
            with self.subTest(role=role):
                with self.assertRaises(UserError):
                    self.message.with_user(user).unlink()
                with self.assertRaises(UserError):
                    self.breach_message.with_user(user).unlink()
        with self.assertRaises(UserError):
            self.consent.message_ids.sudo().unlink()
        with self.assertRaises(UserError):
            self.tracking.sudo().unlink()
        with self.assertRaises(UserError):
            self.tracking.sudo().write({"old_value_char": "Forged"})
        with self.assertRaises(UserError):
            self.tracking.with_user(self.admin).unlink()
        self.assertTrue(self.message.exists())
        self.assertTrue(self.tracking.exists())

    def test_nobody_posts_in_someone_elses_name(self):
        for role, user in self.roles.items():
            with self.subTest(role=role, path="message_post"):
                with self.assertRaises(UserError):
                    self.consent.with_user(user).message_post(
                        body="I withdraw nothing", author_id=self.partner.id
                    )
            with self.subTest(role=role, path="mail.message create"):
                with self.assertRaises(UserError):
                    self.env["mail.message"].with_user(user).create(
                        {
                            "model": "gdpr.consent",
                            "res_id": self.consent.id,
                            "body": "Forged",
                            "message_type": "comment",
                            "author_id": self.partner.id,
                        }
                    )
            with self.subTest(role=role, path="backdated"):
                with self.assertRaises(UserError):
                    self.consent.with_user(user).message_post(
                        body="Backdated", date="2020-01-01 00:00:00"
                    )
            with self.subTest(role=role, path="forged tracking"):
                with self.assertRaises(UserError):
                    self.consent.with_user(user).message_post(
                        body="x",
                        tracking_value_ids=[
                            Command.create(
                                {
                                    "field_id": self.env["ir.model.fields"]
                                    ._get("gdpr.consent", "date_given")
                                    .id,
                                    "old_value_datetime": "2020-01-01",
                                }
                            )
                        ],
                    )
        # In one's own name, it works.
        message = self.consent.with_user(self.user_sales).message_post(
            body="Own note", author_id=self.user_sales.partner_id.id
        )
        self.assertEqual(message.author_id, self.user_sales.partner_id)

    def test_attachments_are_never_changed_or_deleted(self):
        for role, user in self.roles.items():
            with self.subTest(role=role):
                with self.assertRaises(UserError):
                    self.attachment.with_user(user).unlink()
                with self.assertRaises(UserError):
                    self.attachment.with_user(user).write({"raw": b"forged"})
                with self.assertRaises(UserError):
                    self.attachment.with_user(user).write({"res_id": self.breach.id})
        self.assertEqual(self.attachment.raw, b"call recording")

    def test_import_of_messages_is_refused(self):
        result = (
            self.env["mail.message"]
            .with_user(self.user_sales)
            .load([".id", "body"], [[str(self.message.id), "Forged"]])
        )
        self.assertFalse(result["ids"])
        self.assertIn("Confirmed on the phone.", self.message.body)

    def test_other_chatters_are_not_concerned(self):
        message = self.partner.with_user(self.user_sales).message_post(
            body="Note", message_type="comment"
        )
        message.with_user(self.user_sales).write({"body": "Edited"})
        message.with_user(self.user_sales).unlink()

    def test_logged_erasure_is_the_one_exception(self):
        self.consent._gdpr_anonymize()
        self.assertFalse(self.message.exists())
        bodies = " ".join(self.consent.message_ids.mapped("body"))
        self.assertNotIn("Confirmed", bodies)
        self.assertIn("erased", bodies)


@tagged("post_install", "-at_install")
@freeze_time("2026-03-10 12:00:00")
class TestGdprEvidenceLog(GdprEvidenceCommon):
    """The hash-chained evidence log and verify_chain()."""

    def test_events_are_appended_for_each_evidence_step(self):
        consent = self._create_consent()
        consent.action_withdraw(reason=self.reason_request)
        consent._gdpr_anonymize()
        self.assertEqual(
            self._events(consent).mapped("event_type"),
            ["consent_given", "consent_withdrawn", "consent_anonymized"],
        )
        breach = self.breach
        breach.write(
            {"is_reported": True, "date_reported": "2026-03-03", "risk_level": "risk"}
        )
        breach.write({"report_type": "follow_up", "authority_reference": "UODO/1"})
        breach.write({"nature": "Stolen laptop, encrypted"})
        self.assertEqual(
            self._events(breach).mapped("event_type"),
            ["breach_created", "breach_reported", "breach_follow_up", "breach_updated"],
        )
        self.assertTrue(self._verify()["ok"], self._verify()["mismatch"])

    def test_payload_is_canonical_and_holds_no_personal_data(self):
        event = self._events(self.consent)[-1:]
        payload = json.loads(event.payload)
        self.assertEqual(
            event.payload,
            json.dumps(
                payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False
            ),
        )
        self.assertEqual(payload["evidence"]["name"], self.consent.name)
        for secret in (
            "Anna",
            "Kowalska",
            "anna@example.com",
            "+48",
            "Długa",
            "601 234",
        ):
            self.assertNotIn(secret, event.payload)
        # Nor the giver's id (a digest may end in its digits: compare values).
        self.assertNotIn(self.partner.id, payload["evidence"].values())
        self.assertNotIn(str(self.partner.id), payload["evidence"].values())
        previous = self.Event.search(
            [
                ("company_id", "=", self.company.id),
                ("sequence", "=", event.sequence - 1),
            ]
        )
        self.assertEqual(
            event.hash,
            hashlib.sha256(
                ((previous.hash or "") + event.payload).encode()
            ).hexdigest(),
        )

    def test_bulk_create_appends_one_gapless_event_per_consent(self):
        head = self.env["gdpr.evidence.chain"].search(
            [("company_id", "=", self.company.id)]
        )
        start = head.last_sequence
        consents = self.env["gdpr.consent"].create(
            [self._consent_vals() for _i in range(30)]
        )
        events = self._events(consents)
        self.assertEqual(events.mapped("sequence"), list(range(start + 1, start + 31)))
        self.assertEqual(events.mapped("res_id"), consents.ids)
        self.assertTrue(self._verify()["ok"])

    def test_bulk_create_costs_no_query_per_consent(self):
        Consent = self.env["gdpr.consent"]
        Consent.create([self._consent_vals()])  # warm the caches

        # With the source given: the dictionary default is looked up per
        # consent when it is not (the wizards give it).
        source = self.env["gdpr.consent.source"].search([], limit=1)

        def queries(count):
            vals_list = [self._consent_vals(source_id=source.id) for _i in range(count)]
            self.env.flush_all()
            before = self.env.cr.sql_log_count
            Consent.create(vals_list)
            self.env.flush_all()
            return self.env.cr.sql_log_count - before

        self.assertLess(queries(60) - queries(10), 10)

    def test_nobody_writes_or_deletes_an_event(self):
        event = self._events(self.consent)[:1]
        for role in ("officer", "manager", "admin"):
            user = self.roles[role]
            with self.subTest(role=role):
                self.assertTrue(event.with_user(user).read(["hash"]))
                with self.assertRaises(UserError):
                    event.with_user(user).write({"payload": "{}"})
                with self.assertRaises(UserError):
                    event.with_user(user).unlink()
                with self.assertRaises(UserError):
                    self.Event.with_user(user).create(
                        {
                            "company_id": self.company.id,
                            "sequence": 999999,
                            "event_type": "consent_given",
                            "res_model": "gdpr.consent",
                            "res_id": self.consent.id,
                            "event_date": "2026-03-10 12:00:00",
                        }
                    )
        for action in (
            lambda: event.sudo().write({"payload": "{}"}),
            lambda: event.sudo().unlink(),
        ):
            with self.assertRaises(UserError):
                action()
        with self.assertRaises(AccessError):
            event.with_user(self.user_sales).read(["hash"])

    def test_verify_finds_a_sql_change_of_each_consent_evidence_field(self):
        lead = self.env["crm.lead"].create({"name": "Lead"})
        withdrawn = self._create_consent(lead_id=lead.id)
        withdrawn.action_withdraw()
        self.assertTrue(self._verify()["ok"], self._verify()["mismatch"])
        other_text = self.text_newsletter
        tampering = {
            "name": "FORGED",
            "text_id": other_text.id,
            "text_body": "<p>I agree to everything.</p>",
            "category_id": self.category_newsletter.id,
            "date_given": "2020-01-01",
            "source_id": self.env.ref("crm_gdpr.gdpr_consent_source_email").id,
            "contact_channel_id": self.channel_mobile.id,
            "contact_value": "+48 000",
            "address_id": self.other_partner.id,
            "attachment_id": None,
            "partner_id": self.other_partner.id,
            "lead_id": self.env["crm.lead"].create({"name": "Other"}).id,
            "state": "withdrawn",
            "is_anonymized": True,
            "source_company_id": self.company.id,
        }
        withdrawal_tampering = {
            "date_withdrawn": "2026-03-01",
            "withdrawal_reason_id": self.reason_mistake.id,
            "withdrawal_source_id": self.env.ref(
                "crm_gdpr.gdpr_withdrawal_source_phone"
            ).id,
            "withdrawal_source_company_id": self.company_2.id,
        }
        cases = [(self.consent, f, v) for f, v in tampering.items()]
        cases += [(withdrawn, f, v) for f, v in withdrawal_tampering.items()]
        cases.append((withdrawn, "partner_id", None))
        for consent, fname, value in cases:
            with self.subTest(field=fname):
                self.env.flush_all()
                self.env.cr.execute("SAVEPOINT tamper")
                self.env.cr.execute(
                    SQL(
                        "UPDATE gdpr_consent SET %s = %s WHERE id = %s",
                        SQL.identifier(fname),
                        value,
                        consent.id,
                    )
                )
                result = self._verify()
                self.env.cr.execute("ROLLBACK TO SAVEPOINT tamper")
                self.assertFalse(result["ok"], f"{fname} changed unnoticed")
                self.assertIn(f"#{consent.id})", result["mismatch"])
        self.env.invalidate_all()
        self.assertTrue(self._verify()["ok"])

    def test_verify_finds_a_sql_change_of_a_breach(self):
        for fname, value in (
            ("name", "BR-FORGED"),
            ("nature", "Nothing happened"),
            ("measures", "Everything done"),
            ("date_breach", "2026-02-01"),
            ("is_reported", True),
            ("records_count", 1),
        ):
            with self.subTest(field=fname):
                self.env.flush_all()
                self.env.cr.execute("SAVEPOINT tamper")
                self.env.cr.execute(
                    SQL(
                        "UPDATE gdpr_breach SET %s = %s WHERE id = %s",
                        SQL.identifier(fname),
                        value,
                        self.breach.id,
                    )
                )
                result = self._verify()
                self.env.cr.execute("ROLLBACK TO SAVEPOINT tamper")
                self.assertFalse(result["ok"], f"{fname} changed unnoticed")
                self.assertIn(f"#{self.breach.id})", result["mismatch"])

    def test_verify_finds_deleted_reordered_and_changed_events(self):
        consents = self.env["gdpr.consent"].create(
            [self._consent_vals() for _i in range(3)]
        )
        first, middle, last = self._events(consents)
        message = self._tampered(
            SQL("DELETE FROM gdpr_evidence_event WHERE id = %s", middle.id)
        )
        self.assertIn(str(middle.sequence), message)
        message = self._tampered(
            SQL("DELETE FROM gdpr_evidence_event WHERE id = %s", last.id)
        )
        self.assertIn("deleted", message)
        message = self._tampered(
            SQL(
                "UPDATE gdpr_evidence_event SET sequence = -sequence WHERE id = %s; "
                "UPDATE gdpr_evidence_event SET sequence = %s WHERE id = %s; "
                "UPDATE gdpr_evidence_event SET sequence = %s WHERE id = %s",
                first.id,
                first.sequence,
                middle.id,
                middle.sequence,
                first.id,
            )
        )
        self.assertIn(str(first.sequence), message)
        message = self._tampered(
            SQL(
                "UPDATE gdpr_evidence_event SET payload = replace(payload, %s, %s) "
                "WHERE id = %s",
                '"state":"active"',
                '"state":"withdrawn"',
                middle.id,
            )
        )
        self.assertIn(str(middle.sequence), message)
        message = self._tampered(
            SQL("UPDATE gdpr_evidence_event SET res_id = %s WHERE id = %s", 1, last.id)
        )
        self.assertIn(str(last.sequence), message)
        result = self._verify()
        self.assertTrue(result["ok"], result["mismatch"])

    def test_verify_finds_records_added_or_deleted_with_sql(self):
        message = self._tampered(
            SQL("DELETE FROM gdpr_consent WHERE id = %s", self._create_consent().id)
        )
        self.assertIn("no longer exists", message)

    def test_logged_erasure_is_not_a_mismatch(self):
        consent = self._create_consent(
            text_id=self.text_post.id, category_id=self.category_post.id
        )
        consent.with_user(self.user_officer)._privacy_lookup_erase()
        self.assertTrue(consent.is_anonymized)
        self.assertFalse(consent.evidence_salt)
        result = self._verify()
        self.assertTrue(result["ok"], result["mismatch"])

    def test_partner_merge_is_recorded_on_each_consent(self):
        duplicate = self.env["res.partner"].create(
            {"name": "Anna Kowalska (dup)", "email": "anna@example.com"}
        )
        consent = self._create_consent(partner_id=duplicate.id)
        wizard = (
            self.env["base.partner.merge.automatic.wizard"]
            .with_user(self.admin)
            .create({})
        )
        wizard._merge((duplicate | self.partner).ids, self.partner)
        self.assertEqual(consent.partner_id, self.partner)
        self.assertIn("Partner merge", " ".join(consent.message_ids.mapped("body")))
        self.assertEqual(self._events(consent)[-1].event_type, "consent_merged")
        result = self._verify()
        self.assertTrue(result["ok"], result["mismatch"])

    def test_two_companies_two_chains(self):
        consent_2 = (
            self.env["gdpr.consent"]
            .with_company(self.company_2)
            .create(self._consent_vals(company_id=self.company_2.id))
        )
        event = self._events(consent_2)
        self.assertEqual(event.company_id, self.company_2)
        results = self.Event.verify_chain(self.company | self.company_2)
        self.assertEqual(len(results), 2)
        self.assertTrue(all(result["ok"] for result in results))

    def test_integrity_report_for_the_dpo(self):
        text = html_text(
            self.env,
            "crm_gdpr.action_report_gdpr_evidence_integrity",
            self.company,
            user=self.user_officer,
        )
        self.assertIn("Evidence integrity report", text)
        self.assertIn("intact", text)
        self.env.cr.execute(
            SQL(
                "UPDATE gdpr_consent SET date_given = %s WHERE id = %s",
                "2020-01-01",
                self.consent.id,
            )
        )
        self.env.invalidate_all()
        text = html_text(
            self.env,
            "crm_gdpr.action_report_gdpr_evidence_integrity",
            self.company,
            user=self.user_officer,
        )
        self.assertIn("does not match", text)
        self.assertIn(self.consent.name, text)
        with self.assertRaises(AccessError):
            self.env["ir.actions.report"].with_user(self.user_sales)._render_qweb_html(
                "crm_gdpr.action_report_gdpr_evidence_integrity", self.company.ids
            )
        action = self.Event.with_user(self.user_officer).action_print_integrity_report()
        self.assertEqual(action["type"], "ir.actions.report")
