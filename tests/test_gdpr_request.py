import csv
import io
import json
from datetime import date
from unittest.mock import patch

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time
from lxml import etree

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged
from odoo.tools import mute_logger
from odoo.tools.safe_eval import safe_eval

from .common import ACTIVITY_TYPE, GdprRequestCommon


@tagged("post_install", "-at_install")
@freeze_time("2026-03-20 12:00:00")
class TestGdprRequest(GdprRequestCommon):
    # ------------------------------------------------------------------
    # Reference and requester
    # ------------------------------------------------------------------
    def test_reference_is_assigned_whatever_the_caller_sends(self):
        first = self._create(name="MINE/1")
        second = self._create()
        self.assertTrue(first.name.startswith("REQ/2026/"))
        self.assertNotEqual(first.name, second.name)
        with self.assertRaisesRegex(UserError, "never changes"):
            first.write({"name": "MINE/2"})
        with self.assertRaisesRegex(UserError, "never changes"):
            first.sudo().write({"name": second.name})

    def test_requester_comes_from_the_contact(self):
        self.person.lang = "en_US"
        request = self._create()
        self.assertEqual(request.requester_name, "Ewa Nowak")
        self.assertEqual(request.requester_email, "ewa.nowak@example.com")
        self.assertEqual(request.lang, "en_US")
        self.assertEqual(request.user_id, self.user_officer, "handler: the creator")

    def test_requester_without_contact_needs_a_name(self):
        with self.assertRaisesRegex(ValidationError, "give the requester"):
            self._create(partner_id=False)
        request = self._create(
            partner_id=False, requester_name="Jan Kos", requester_email="jk@ex.com"
        )
        self.assertEqual(request.requester_name, "Jan Kos")

    def test_received_date_is_required_and_not_in_the_future(self):
        with self.assertRaisesRegex(ValidationError, "in the future"):
            self._create(date_received="2026-03-21")
        with self.assertRaises(ValidationError):
            self._create(date_received=False)
        with self.assertRaisesRegex(ValidationError, "not before 1900"):
            self._create(date_received="1899-12-31")

    def test_wrong_value_types_are_refused_clearly(self):
        with self.assertRaisesRegex(ValidationError, "not a valid"):
            self._create(date_received="soon")
        with self.assertRaisesRegex(ValidationError, "not a valid"):
            self._create(partner_id="abc")
        with self.assertRaisesRegex(ValidationError, "not a valid"):
            self._create(request_type="complaint")
        with self.assertRaisesRegex(ValidationError, "not a valid"):
            self._create().write({"lang": "xx_XX"})

    def test_computed_fields_are_not_written_by_clients(self):
        request = self._create()
        with self.assertRaisesRegex(UserError, "set by the system"):
            request.write({"date_due": "2027-01-01"})
        with self.assertRaisesRegex(UserError, "set by the system"):
            self._create(date_due="2027-01-01")
        with self.assertRaisesRegex(UserError, "set by the system"):
            request.write({"overdue_notified": True})

    def test_texts_are_limited(self):
        with self.assertRaisesRegex(ValidationError, "too long"):
            self._create(description="x" * 10001)
        self.assertTrue(self._create(description="x" * 10000))

    # ------------------------------------------------------------------
    # The one-month clock (Art. 12(3))
    # ------------------------------------------------------------------
    def test_due_one_calendar_month_after_receipt(self):
        self.assertEqual(self._create().date_due, date(2026, 4, 10))

    @freeze_time("2026-04-02 12:00:00")
    def test_due_date_at_month_end(self):
        cases = {
            "2026-01-31": date(2026, 2, 28),
            "2026-01-29": date(2026, 2, 28),
            "2026-01-28": date(2026, 2, 28),
            "2026-03-31": date(2026, 4, 30),
            "2025-12-31": date(2026, 1, 31),
        }
        for received, due in cases.items():
            with self.subTest(received=received):
                self.assertEqual(self._create(date_received=received).date_due, due)

    @freeze_time("2028-02-10 12:00:00")
    def test_due_date_in_a_leap_year(self):
        self.assertEqual(
            self._create(date_received="2028-01-31").date_due, date(2028, 2, 29)
        )

    def test_due_date_follows_the_receipt_date(self):
        request = self._create()
        request.date_received = "2026-03-01"
        self.assertEqual(request.date_due, date(2026, 4, 1))

    @freeze_time("2026-02-20 12:00:00")
    def test_extension_adds_two_months_with_reasons(self):
        request = self._create(date_received="2026-01-31")
        with self.assertRaisesRegex(ValidationError, "reasons for extending"):
            request.write({"is_extended": True})
        request.write(
            {"is_extended": True, "extension_reason": "Forty years of records"}
        )
        self.assertEqual(request.date_due, date(2026, 4, 30))
        self.assertEqual(request.date_extended, date(2026, 2, 20))

    @freeze_time("2026-03-01 12:00:00")
    def test_extension_only_within_the_first_month(self):
        request = self._create(date_received="2026-01-31")
        self.assertEqual(request.date_due, date(2026, 2, 28))
        with self.assertRaisesRegex(ValidationError, "within the first month"):
            request.write({"is_extended": True, "extension_reason": "Too late"})
        # On the last day of the first month.
        with freeze_time("2026-02-28 22:00:00"):
            request.write({"is_extended": True, "extension_reason": "Complex request"})
        self.assertEqual(request.date_extended, date(2026, 2, 28))
        self.assertEqual(request.date_due, date(2026, 4, 30))

    def test_extension_date_is_the_day_of_the_extension(self):
        request = self._create()
        vals = {"is_extended": True, "extension_reason": "Complex request"}
        for day in ("2026-03-09", "2026-03-15", "2026-03-25"):
            with self.subTest(day=day):
                with self.assertRaisesRegex(UserError, "set by the system"):
                    request.write({**vals, "date_extended": day})
        request.write(vals)
        self.assertEqual(request.date_extended, date(2026, 3, 20))

    def test_overdue_is_live_from_the_day_after_the_due_date(self):
        request = self._create()  # due 2026-04-10
        with freeze_time("2026-04-10 21:00:00"):
            request.invalidate_recordset(["is_overdue"])
            self.assertFalse(request.is_overdue, "due today is not overdue")
            self.assertNotIn(request, self.Request.search([("is_overdue", "=", True)]))
        with freeze_time("2026-04-11 08:00:00"):
            request.invalidate_recordset(["is_overdue"])
            self.assertTrue(request.is_overdue)
            self.assertIn(request, self.Request.search([("is_overdue", "=", True)]))
            self.assertNotIn(request, self.Request.search([("is_overdue", "!=", True)]))
            self.assertNotIn(request, self.Request.search([("is_overdue", "=", False)]))

    def test_overdue_search_refuses_other_operators_clearly(self):
        # A clear error (no traceback) for an integrator's odd domain.
        with self.assertRaisesRegex(UserError, "Overdue"):
            self.Request.search([("is_overdue", "in", [True])])

    def test_answered_request_is_never_overdue(self):
        request = self._create(date_received="2026-01-05")
        self.assertTrue(request.is_overdue)
        request.write({"response": "Copy sent", "state": "done"})
        self.assertFalse(request.is_overdue)
        self.assertIn(request, self.Request.search([("is_overdue", "=", False)]))
        self.assertTrue(request.is_closed_late)

    def test_search_filters_of_the_list(self):
        arch = etree.fromstring(
            self.env.ref("crm_gdpr.gdpr_request_view_search").arch_db.encode()
        )
        today = date(2026, 3, 20)

        def domain(name):
            node = arch.xpath(f"//filter[@name='{name}']")[0]
            return safe_eval(
                node.get("domain"),
                {"context_today": lambda: today, "relativedelta": relativedelta},
            )

        due_soon = self._create(date_received="2026-02-25")  # due 2026-03-25
        due_later = self._create(date_received="2026-03-10")  # due 2026-04-10
        overdue = self._create(date_received="2026-02-10")  # due 2026-03-10
        erasure = self._create(request_type="erasure")
        requests = due_soon | due_later | overdue | erasure
        self.assertEqual(
            self.Request.search(domain("due_this_week") + [("id", "in", requests.ids)]),
            due_soon,
        )
        self.assertEqual(
            self.Request.search(domain("overdue") + [("id", "in", requests.ids)]),
            overdue,
        )
        self.assertEqual(
            self.Request.search(domain("type_erasure") + [("id", "in", requests.ids)]),
            erasure,
        )

    # ------------------------------------------------------------------
    # Reminder and daily job
    # ------------------------------------------------------------------
    def test_reminder_for_the_handler_a_week_before_the_due_date(self):
        request = self._create()
        reminder = self._reminders(request)
        self.assertEqual(len(reminder), 1)
        self.assertEqual(reminder.user_id, self.user_officer)
        self.assertEqual(reminder.date_deadline, date(2026, 4, 3))
        self.assertIn(request.name, reminder.summary)
        # Another handler gets it.
        request.user_id = self.user_manager
        self.assertEqual(self._reminders(request).user_id, self.user_manager)

    def test_reminder_with_the_creator_subscribed(self):
        # As in the web client: tracking and followers on.
        request = (
            self.env["gdpr.request"]
            .with_user(self.user_officer)
            .with_context(tracking_disable=False)
            .create({"partner_id": self.person.id, "date_received": "2026-03-10"})
        )
        self.assertEqual(len(self._reminders(request)), 1)
        self.assertEqual(request.message_partner_ids, self.user_officer.partner_id)

    def test_reminder_follows_the_extension_and_closes_with_the_answer(self):
        request = self._create()
        request.write({"is_extended": True, "extension_reason": "Many requests"})
        reminder = self._reminders(request)
        self.assertEqual(len(reminder), 1)
        self.assertEqual(reminder.date_deadline, date(2026, 6, 3))
        request.write({"refusal_reason": "Manifestly unfounded", "state": "refused"})
        self.assertFalse(self._reminders(request))
        done = self.env["mail.message"].search(
            [
                ("model", "=", "gdpr.request"),
                ("res_id", "=", request.id),
                ("mail_activity_type_id", "=", self.env.ref(ACTIVITY_TYPE).id),
            ]
        )
        self.assertTrue(done, "the reminder is marked done, not deleted")

    def test_late_request_reminder_is_due_today(self):
        request = self._create(date_received="2026-02-25")  # due 2026-03-25
        self.assertEqual(self._reminders(request).date_deadline, date(2026, 3, 20))

    def _overdue_notes(self, request):
        return request.message_ids.filtered(
            lambda m: "is not answered" in (m.body or "")
        )

    def test_daily_job_posts_once_per_overdue_request(self):
        overdue = self._create(date_received="2026-02-10")
        on_time = self._create()
        answered = self._create(date_received="2026-02-01")
        answered.write({"response": "Done", "state": "done"})
        Request = self.env["gdpr.request"]
        self.assertEqual(Request._cron_post_overdue(), overdue)
        self.assertEqual(len(self._overdue_notes(overdue)), 1)
        self.assertFalse(self._overdue_notes(on_time) | self._overdue_notes(answered))
        self.assertFalse(Request._cron_post_overdue(), "no second notice")
        self.assertEqual(len(self._overdue_notes(overdue)), 1)

    def test_daily_job_processes_every_request_when_one_fails(self):
        first = self._create(date_received="2026-02-10")
        broken = self._create(date_received="2026-02-11")
        last = self._create(date_received="2026-02-12")
        Request = type(self.env["gdpr.request"])
        original = Request._gdpr_overdue_message

        def message(record):
            if record == broken:
                raise ValueError("broken request")
            return original(record)

        with (
            patch.object(Request, "_gdpr_overdue_message", message),
            mute_logger("odoo.addons.crm_gdpr.models.gdpr_deadline_mixin"),
        ):
            notified = self.env["gdpr.request"]._cron_post_overdue()
        self.assertEqual(notified, first | last)
        self.assertFalse(broken.overdue_notified)
        self.assertTrue(first.overdue_notified and last.overdue_notified)
        # The next day, the request that failed is tried again.
        self.assertEqual(self.env["gdpr.request"]._cron_post_overdue(), broken)

    @freeze_time("2026-02-20 12:00:00")
    def test_new_due_date_gives_a_new_overdue_notice(self):
        request = self._create(date_received="2026-01-10")  # due 2026-02-10
        self.assertEqual(self.env["gdpr.request"]._cron_post_overdue(), request)
        # A receipt date corrected before the request is handled: due 03-15.
        request.write({"date_received": "2026-02-15"})
        self.assertFalse(request.overdue_notified)
        self.assertFalse(request.is_overdue)
        with freeze_time("2026-03-16 12:00:00"):
            request.invalidate_recordset(["is_overdue"])
            self.assertEqual(self.env["gdpr.request"]._cron_post_overdue(), request)
        self.assertEqual(len(self._overdue_notes(request)), 2)

    def test_daily_job_is_scheduled(self):
        cron = self.env.ref("crm_gdpr.ir_cron_gdpr_request_overdue")
        self.assertTrue(cron.active)
        self.assertEqual((cron.interval_number, cron.interval_type), (1, "days"))

    # ------------------------------------------------------------------
    # Answer: done / refused
    # ------------------------------------------------------------------
    def test_refusal_requires_reasons(self):
        request = self._create()
        with self.assertRaisesRegex(ValidationError, "reasons for the refusal"):
            request.action_refuse()
        request.refusal_reason = "Manifestly unfounded (Art. 12(5))"
        request.action_refuse()
        self.assertEqual(request.state, "refused")
        self.assertEqual(request.date_closed, date(2026, 3, 20))

    def test_done_requires_what_was_done(self):
        request = self._create()
        request.action_start()
        self.assertEqual(request.state, "in_progress")
        with self.assertRaisesRegex(ValidationError, "say what was done"):
            request.action_done()
        request.response = "A copy of your data is enclosed."
        request.action_done()
        self.assertEqual(request.state, "done")
        self.assertEqual(request.date_closed, date(2026, 3, 20))
        self.assertFalse(request.is_closed_late)
        with self.assertRaisesRegex(UserError, "already closed"):
            request.action_refuse()

    def test_closing_date_is_the_day_of_closing(self):
        request = self._create(response="Sent")
        for day in ("2026-03-09", "2026-03-15", "2026-03-21"):
            with self.subTest(day=day):
                with self.assertRaisesRegex(UserError, "set by the system"):
                    request.write({"state": "done", "date_closed": day})
        request.write({"state": "done"})
        self.assertEqual(request.date_closed, date(2026, 3, 20))

    def test_reopen_clears_the_closing_date(self):
        request = self._create(response="Sent")
        request.action_done()
        request.action_reopen()
        self.assertEqual(request.state, "in_progress")
        self.assertFalse(request.date_closed)

    def test_identity_verification_says_how(self):
        with self.assertRaisesRegex(ValidationError, "how the identity"):
            self._create(identity_verified=True)
        request = self._create(
            identity_verified=True, identity_verification="ID card shown in person"
        )
        self.assertTrue(request.identity_verified)

    def test_form_reveals_what_the_state_asks_for(self):
        with Form(self.Request) as form:
            form.partner_id = self.person
            self.assertEqual(form.requester_name, "Ewa Nowak")
            form.is_extended = True
            self.assertEqual(str(form.date_extended), "2026-03-20")
            form.extension_reason = "Complex"
        request = form.record
        self.assertEqual(request.date_due, date(2026, 6, 20))

    # ------------------------------------------------------------------
    # Evidence (SPEC section 7)
    # ------------------------------------------------------------------
    def test_nobody_deletes_a_request(self):
        request = self._create()
        for user in (self.user_officer, self.user_manager):
            with self.assertRaisesRegex(UserError, "evidence"):
                request.with_user(user).unlink()
        with self.assertRaisesRegex(UserError, "evidence"):
            request.sudo().unlink()
        self.assertTrue(request.exists())

    def test_a_request_is_never_duplicated(self):
        request = self._create()
        with self.assertRaisesRegex(UserError, "duplicated"):
            request.copy()
        with self.assertRaisesRegex(UserError, "duplicated"):
            request.sudo().copy()

    def test_every_field_is_tracked(self):
        untracked = [
            name
            for name, field in self.env["gdpr.request"]._fields.items()
            if field.store
            and field.model_name == "gdpr.request"
            and field._module == "crm_gdpr"
            and field.type not in ("one2many", "many2many")
            and name != "overdue_notified"
            and not field.automatic
            and not getattr(field, "tracking", None)
        ]
        self.assertEqual(untracked, [])

    def test_changes_are_in_the_chatter(self):
        request = self._create().with_context(tracking_disable=False)
        self.env.flush_all()
        self.env.cr.precommit.run()  # changes at creation are not logged
        request.write({"response": "Copy sent", "state": "done"})
        self.env.flush_all()
        self.env.cr.precommit.run()
        tracked = request.sudo().message_ids.tracking_value_ids.field_id.mapped("name")
        self.assertIn("state", tracked)
        self.assertIn("response", tracked)
        self.assertIn("date_closed", tracked)

    def test_attachments_are_kept_with_the_request(self):
        request = self._create()
        attachment = self.env["ir.attachment"].create(
            {
                "name": "letter.pdf",
                "raw": b"%PDF-1.4",
                "res_model": "gdpr.request",
                "res_id": request.id,
            }
        )
        self.assertEqual(request.attachment_ids, attachment)

    # ------------------------------------------------------------------
    # Security
    # ------------------------------------------------------------------
    def test_only_officers_see_requests(self):
        request = self._create()
        for user in (self.user_sales, self.user_internal):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    request.with_user(user).read(["name"])
                with self.assertRaises(AccessError):
                    self.env["gdpr.request"].with_user(user).create(
                        {"requester_name": "X", "date_received": "2026-03-10"}
                    )
        menu = self.env.ref("crm_gdpr.gdpr_request_menu")
        self.assertEqual(menu.groups_id, self.env.ref("crm_gdpr.group_gdpr_officer"))

    def test_requests_are_isolated_per_company(self):
        officer_2 = new_test_user(
            self.env,
            login="gdpr_officer_2",
            groups="sales_team.group_sale_salesman,crm_gdpr.group_gdpr_officer",
            company_id=self.company_2.id,
            company_ids=[(6, 0, self.company_2.ids)],
        )
        request = self._create()
        other = (
            self.env["gdpr.request"]
            .with_user(officer_2)
            .create({"requester_name": "Other", "date_received": "2026-03-10"})
        )
        self.assertEqual(other.company_id, self.company_2)
        self.assertNotIn(other, self.Request.search([]))
        with self.assertRaises(AccessError):
            request.with_user(officer_2).read(["name"])
        with self.assertRaises(AccessError):
            request.write({"company_id": self.company_2.id})

    def test_request_count_on_the_contact_for_officers(self):
        self._create()
        self._create(request_type="erasure")
        self.assertEqual(self.person.with_user(self.user_officer).gdpr_request_count, 2)
        action = self.person.with_user(self.user_officer).action_view_gdpr_requests()
        self.assertEqual(
            self.env["gdpr.request"]
            .with_user(self.user_officer)
            .search(action["domain"]),
            self.person.with_user(self.user_officer).gdpr_request_ids,
        )
        with self.assertRaises(AccessError):
            self.person.with_user(self.user_sales).read(["gdpr_request_count"])


@tagged("post_install", "-at_install")
@freeze_time("2026-03-20 12:00:00")
class TestGdprRequestActions(GdprRequestCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.text_marketing = cls.env.ref("crm_gdpr.gdpr_consent_text_marketing")
        cls.text_newsletter = cls.env.ref("crm_gdpr.gdpr_consent_text_newsletter")
        env_2 = cls.env(
            context=dict(cls.env.context, allowed_company_ids=cls.company_2.ids)
        )
        with freeze_time("2026-03-01"):
            Consent = cls.env["gdpr.consent"]
            cls.consent_active = Consent.create(
                {
                    "partner_id": cls.person.id,
                    "category_id": cls.category_marketing.id,
                    "text_id": cls.text_marketing.id,
                    "date_given": "2026-02-01",
                }
            )
            cls.consent_withdrawn = Consent.create(
                {
                    "partner_id": cls.person.id,
                    "category_id": cls.category_newsletter.id,
                    "text_id": cls.text_newsletter.id,
                    "date_given": "2026-02-01",
                }
            )
            # Without blacklisting the address: that would withdraw the
            # person's other synchronized consents (red team 15, F18).
            cls.text_newsletter.sync_blacklist = False
            cls.consent_withdrawn.action_withdraw(date_withdrawn=date(2026, 2, 15))
            cls.text_newsletter.sync_blacklist = True
            # The same person's consent in a company the officer does not work in.
            cls.consent_other_company = env_2["gdpr.consent"].create(
                {
                    "partner_id": cls.person.id,
                    "category_id": cls.category_marketing.id,
                    "text_id": cls.text_marketing.id,
                    "date_given": "2026-02-01",
                    "company_id": cls.company_2.id,
                }
            )
        cls.lead = cls.env["crm.lead"].create(
            {
                "name": "Office chairs",
                "partner_id": cls.person.id,
                "description": "<p>Wants 12 chairs</p>",
            }
        )
        cls.lead_other_company = env_2["crm.lead"].create(
            {
                "name": "Other company's lead",
                "partner_id": cls.person.id,
                "company_id": cls.company_2.id,
            }
        )

    def test_attach_access_report(self):
        request = self._create().with_context(force_report_rendering=True)
        request.action_attach_access_report()
        attachment = request.attachment_ids
        self.assertEqual(len(attachment), 1)
        self.assertEqual(attachment.mimetype, "application/pdf")
        self.assertTrue(attachment.raw.startswith(b"%PDF"))
        self.assertIn(request.name.replace("/", "-"), attachment.name)
        self.assertTrue(attachment <= request.message_ids.attachment_ids)

    def test_actions_on_the_person_need_a_contact(self):
        request = self._create(partner_id=False, requester_name="Jan Kos")
        for action in (
            request.action_attach_access_report,
            request.action_export_data,
            request.action_withdraw_consents,
        ):
            with self.subTest(action=action.__name__):
                with self.assertRaisesRegex(UserError, "choose the contact"):
                    action()

    def test_privacy_lookup_is_prefilled(self):
        request = self._create(requester_email="ewa.private@example.com")
        action = request.action_open_privacy_lookup()
        self.assertEqual(action["res_model"], "privacy.lookup.wizard")
        wizard = (
            self.env["privacy.lookup.wizard"]
            .with_user(self.user_officer)
            .with_context(**action["context"])
            .create({})
        )
        self.assertEqual(wizard.name, "Ewa Nowak")
        self.assertEqual(wizard.email, "ewa.private@example.com")

    def test_withdraw_consents_of_the_person(self):
        request = self._create(request_type="consent_withdrawal")
        action = request.action_withdraw_consents()
        wizard_form = Form(
            self.env[action["res_model"]]
            .with_user(self.user_officer)
            .with_context(**action["context"])
        )
        wizard = wizard_form.save()
        self.assertEqual(
            wizard.line_ids.filtered("to_withdraw").consent_id, self.consent_active
        )
        # Not synchronized with the blacklist: a blacklisted address would
        # withdraw its consents in every company (red team 15, F18).
        self.text_marketing.sync_blacklist = False
        wizard.action_withdraw()
        self.assertEqual(self.consent_active.state, "withdrawn")
        self.assertEqual(
            self.consent_active.withdrawal_reason_id,
            self.env.ref("crm_gdpr.gdpr_withdrawal_reason_request"),
        )
        self.assertEqual(self.consent_other_company.state, "active")

    def test_export_json_of_what_the_officer_can_read(self):
        request = self._create(request_type="portability")
        request.action_export_data()
        json_file = request.attachment_ids.filtered(
            lambda a: a.mimetype == "application/json"
        )
        data = json.loads(json_file.raw)
        self.assertEqual(data["data_subject"]["name"], "Ewa Nowak")
        self.assertEqual(data["data_subject"]["email"], "ewa.nowak@example.com")
        self.assertEqual(data["data_subject"]["city"], "Kraków")
        consents = {consent["id"]: consent for consent in data["consents"]}
        self.assertEqual(
            set(consents), {self.consent_active.name, self.consent_withdrawn.name}
        )
        withdrawn = consents[self.consent_withdrawn.name]
        self.assertEqual(withdrawn["state"], "withdrawn")
        self.assertEqual(
            [event["event"] for event in withdrawn["history"]], ["given", "withdrawn"]
        )
        self.assertEqual(withdrawn["history"][1]["date"], "2026-02-15")
        self.assertTrue(withdrawn["wording"])
        self.assertNotIn("<p>", withdrawn["wording"])
        self.assertEqual([lead["name"] for lead in data["leads"]], ["Office chairs"])
        self.assertEqual(data["leads"][0]["description"], "Wants 12 chairs")
        self.assertEqual(data["leads"][0]["email_from"], "ewa.nowak@example.com")

    def test_export_csv_has_the_same_data(self):
        request = self._create(request_type="portability")
        request.action_export_data()
        csv_file = request.attachment_ids.filtered(lambda a: a.mimetype == "text/csv")
        rows = list(csv.DictReader(io.StringIO(csv_file.raw.decode())))
        self.assertEqual(list(rows[0]), ["section", "record", "field", "value"])
        values = {(row["section"], row["field"], row["value"]) for row in rows}
        self.assertIn(("data_subject", "email", "ewa.nowak@example.com"), values)
        self.assertIn(("consent", "history.2.event", "withdrawn"), values)
        self.assertIn(("lead", "name", "Office chairs"), values)
        self.assertNotIn(("lead", "name", "Other company's lead"), values)
        consent_ids = {row["record"] for row in rows if row["section"] == "consent"}
        self.assertNotIn(self.consent_other_company.name, consent_ids)
        self.assertEqual(len(request.attachment_ids), 2)
        self.assertTrue(request.attachment_ids <= request.message_ids.attachment_ids)
