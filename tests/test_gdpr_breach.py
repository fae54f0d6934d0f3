from datetime import date, datetime

from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged
from odoo.tools import SQL, mute_logger

from .common import GdprCommon

TZ = "Europe/Warsaw"


class GdprBreachCommon(GdprCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.partner_id.tz = TZ
        cls.company_2.partner_id.tz = TZ
        cls.user_officer.tz = TZ
        cls.dpo = cls.env["res.partner"].create(
            {
                "name": "Anna Inspektor",
                "email": "iod@example.com",
                "phone": "+48 22 123 45 67",
                "street": "ul. Prosta 1",
                "city": "Warszawa",
                "zip": "00-001",
            }
        )
        cls.Breach = cls.env["gdpr.breach"].with_user(cls.user_officer)

    def _create_breach(self, **vals):
        values = {
            "dpo_id": self.dpo.id,
            "date_breach": "2026-03-01",
            "date_discovered": "2026-03-02 09:00:00",
        }
        values.update(vals)
        breach = self.Breach.create(values)
        # compute the stored fields now, at the (possibly frozen) current time
        breach.flush_recordset()
        return breach


@tagged("post_install", "-at_install")
@freeze_time("2026-03-10 12:00:00")
class TestGdprBreach(GdprBreachCommon):
    def test_reference_is_assigned_and_unique(self):
        first, second = self._create_breach(), self._create_breach()
        self.assertTrue(first.name.startswith("BR/2026/"))
        self.assertNotEqual(first.name, second.name)
        # The reference never changes (SPEC section 7), and the database
        # keeps it unique too.
        with self.assertRaises(UserError):
            second.sudo().write({"name": first.name})
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            self.env.cr.execute(
                SQL(
                    "UPDATE gdpr_breach SET name = %s WHERE id = %s",
                    first.name,
                    second.id,
                )
            )

    def test_dpo_is_required(self):
        with self.assertRaisesRegex(ValidationError, "data protection officer"):
            self._create_breach(dpo_id=False)
        form = Form(self.Breach)
        form.date_breach = date(2026, 3, 1)
        form.dpo_id = self.env["res.partner"]
        with self.assertRaisesRegex(AssertionError, "dpo_id"):
            form.save()

    def test_dpo_defaults_to_the_dpo_of_the_company_register(self):
        other_dpo = self.env["res.partner"].create({"name": "DPO of company 2"})
        self.env["gdpr.processing.register"].create(
            {
                "title": "Company 2",
                "dpo_id": other_dpo.id,
                "company_id": self.company_2.id,
            }
        )
        self.env["gdpr.processing.register"].create(
            {"title": "Ours", "dpo_id": self.dpo.id, "company_id": self.company.id}
        )
        self.assertEqual(Form(self.Breach).dpo_id, self.dpo)

    def test_defaults(self):
        form = Form(self.Breach)
        self.assertEqual(form.date_breach, date(2026, 3, 10))
        self.assertEqual(form.date_discovered, datetime(2026, 3, 10, 12, 0))
        self.assertFalse(form.is_reported)
        self.assertFalse(form.date_reported)
        form.dpo_id = self.dpo
        self.assertEqual(form.save().company_id, self.company)

    def test_records_count_cannot_be_negative(self):
        with self.assertRaisesRegex(ValidationError, "cannot be negative"):
            self._create_breach(records_count=-1)
        breach = self._create_breach(records_count=0)
        with self.assertRaisesRegex(ValidationError, "cannot be negative"):
            breach.records_count = -5

    def test_breach_date_cannot_be_in_the_future(self):
        with self.assertRaisesRegex(ValidationError, "cannot be in the future"):
            self._create_breach(date_breach="2026-03-11")
        breach = self._create_breach(
            date_breach="2026-03-10", date_discovered="2026-03-10 11:00:00"
        )
        self.assertEqual(breach.date_breach, date(2026, 3, 10))

    def test_discovery_not_before_breach_nor_in_future(self):
        with self.assertRaisesRegex(ValidationError, "discovered before it happened"):
            # 22:30 UTC on 28 Feb is 23:30 in Warsaw: still the day before
            self._create_breach(date_discovered="2026-02-28 22:30:00")
        # 23:30 UTC on 28 Feb is already 1 March in Warsaw
        self._create_breach(date_discovered="2026-02-28 23:30:00")
        with self.assertRaisesRegex(ValidationError, "cannot be in the future"):
            self._create_breach(date_discovered="2026-03-10 14:00:00")

    def test_ticking_reported_reveals_report_date_defaulting_to_today(self):
        breach = self._create_breach(date_discovered="2026-03-09 09:00:00")
        form = Form(breach)
        self.assertFalse(form.date_reported)
        form.is_reported = True
        self.assertEqual(form.date_reported, date(2026, 3, 10))
        form.save()
        self.assertEqual(breach.date_reported, date(2026, 3, 10))
        # Over RPC, ticking the box alone gets the same default
        other = self._create_breach(date_discovered="2026-03-09 09:00:00")
        other.write({"is_reported": True})
        self.assertEqual(other.date_reported, date(2026, 3, 10))
        other.write({"is_reported": False})
        self.assertFalse(other.date_reported)

    def test_report_date_never_before_breach_date(self):
        breach = self._create_breach(date_discovered="2026-03-09 09:00:00")
        with self.assertRaisesRegex(ValidationError, "before the breach date"):
            breach.write({"is_reported": True, "date_reported": "2026-02-28"})
        with self.assertRaisesRegex(ValidationError, "cannot be in the future"):
            breach.write({"is_reported": True, "date_reported": "2026-03-11"})
        breach.write({"is_reported": True, "date_reported": "2026-03-10"})
        self.assertTrue(breach.is_reported)

    def test_late_report_requires_reasons_for_delay(self):
        # discovered 2 March 10:00 Warsaw: deadline 5 March 10:00
        breach = self._create_breach()
        self.assertEqual(breach.notification_deadline, datetime(2026, 3, 5, 9, 0))
        breach.write({"is_reported": True, "date_reported": "2026-03-05"})
        self.assertFalse(breach.is_reported_late, "reported on the deadline's day")
        with self.assertRaisesRegex(ValidationError, "reasons for the delay"):
            breach.write({"date_reported": "2026-03-06"})
        breach.write({"date_reported": "2026-03-06", "delay_reason": "Forensics."})
        self.assertTrue(breach.is_reported_late)
        with self.assertRaisesRegex(ValidationError, "reasons for the delay"):
            breach.write({"delay_reason": " "})

    def test_follow_up_requires_authority_case_reference(self):
        breach = self._create_breach(date_discovered="2026-03-09 09:00:00")
        with self.assertRaisesRegex(ValidationError, "case reference"):
            breach.write({"is_reported": True, "report_type": "follow_up"})
        breach.write(
            {
                "is_reported": True,
                "report_type": "follow_up",
                "authority_reference": "DKN.5130.1.2026",
            }
        )
        self.assertEqual(breach.report_type, "follow_up")

    def test_informing_data_subjects_requires_when_and_how(self):
        breach = self._create_breach()
        with self.assertRaisesRegex(ValidationError, "when and how"):
            breach.write({"subjects_notified": True})
        with self.assertRaisesRegex(ValidationError, "before the breach date"):
            breach.write(
                {
                    "subjects_notified": True,
                    "date_subjects_notified": "2026-02-27",
                    "subjects_notification_method": "Email",
                }
            )
        with self.assertRaisesRegex(ValidationError, "cannot be in the future"):
            breach.write(
                {
                    "subjects_notified": True,
                    "date_subjects_notified": "2026-03-11",
                    "subjects_notification_method": "Email",
                }
            )
        breach.write(
            {
                "subjects_notified": True,
                "date_subjects_notified": "2026-03-03",
                "subjects_notification_method": "Email to every customer",
            }
        )
        self.assertTrue(breach.subjects_notified)

    def test_high_risk_not_communicated_needs_reasons_once_reported(self):
        breach = self._create_breach(
            date_discovered="2026-03-09 09:00:00", risk_level="high"
        )
        with self.assertRaisesRegex(ValidationError, "Art. 34"):
            breach.write({"is_reported": True})
        breach.write(
            {
                "is_reported": True,
                "subjects_decision_reason": "The data was encrypted (Art. 34(3)(a)).",
            }
        )
        self.assertTrue(breach.is_reported)

    def test_attachments_are_kept_with_the_breach(self):
        breach = self._create_breach()
        attachment = self.env["ir.attachment"].create(
            {
                "name": "police-report.pdf",
                "raw": b"%PDF-1.4",
                "res_model": "gdpr.breach",
                "res_id": breach.id,
            }
        )
        self.assertEqual(breach.attachment_ids, attachment)


@tagged("post_install", "-at_install")
class TestGdprBreachClock(GdprBreachCommon):
    def test_deadline_across_the_end_of_daylight_saving_time(self):
        # Discovered on Friday 23 October 2026 at 10:00 in Warsaw (CEST, UTC+2).
        # Clocks go back on Sunday 25 October: 72 real hours later it is
        # 09:00 (CET, UTC+1) on Monday, not 10:00.
        with freeze_time("2026-10-23 09:00:00"):
            breach = self._create_breach(
                date_breach="2026-10-23", date_discovered="2026-10-23 08:00:00"
            )
        self.assertEqual(breach.notification_deadline, datetime(2026, 10, 26, 8, 0))
        local = fields.Datetime.context_timestamp(
            breach.with_context(tz=TZ), breach.notification_deadline
        )
        self.assertEqual(
            (local.date(), local.hour, local.minute), (date(2026, 10, 26), 9, 0)
        )
        self.assertEqual(
            (breach.notification_deadline - breach.date_discovered).total_seconds(),
            72 * 3600,
        )
        # The reminder falls due the day before the deadline
        self.assertEqual(breach.activity_ids.date_deadline, date(2026, 10, 25))

    def test_deadline_follows_the_discovery(self):
        with freeze_time("2026-03-10 12:00:00"):
            breach = self._create_breach()
            breach.date_discovered = "2026-03-03 09:00:00"
        self.assertEqual(breach.notification_deadline, datetime(2026, 3, 6, 9, 0))

    def test_reminder_activity_for_the_dpo(self):
        dpo_with_user = self.user_officer.partner_id
        with freeze_time("2026-03-02 10:00:00"):
            breach = self._create_breach(dpo_id=dpo_with_user.id)
        activity = breach.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.user_officer)
        self.assertEqual(
            activity.activity_type_id,
            self.env.ref("crm_gdpr.mail_activity_type_gdpr_breach_deadline"),
        )
        self.assertEqual(activity.date_deadline, date(2026, 3, 4))
        self.assertIn("5", activity.summary)
        # A DPO without a user: the reminder goes to the one recording it
        with freeze_time("2026-03-02 10:00:00"):
            other = self._create_breach()
        self.assertEqual(other.activity_ids.user_id, self.user_officer)
        # Moving the discovery moves the reminder, reporting closes it
        with freeze_time("2026-03-03 10:00:00"):
            breach.date_discovered = "2026-03-03 09:00:00"
            self.assertEqual(breach.activity_ids.date_deadline, date(2026, 3, 5))
            breach.write({"is_reported": True})
        self.assertFalse(breach.activity_ids)
        # A breach recorded as already reported gets no reminder
        with freeze_time("2026-03-03 10:00:00"):
            reported = self._create_breach(is_reported=True)
        self.assertFalse(reported.activity_ids)

    def test_cron_flags_exactly_the_overdue_unreported_breaches(self):
        with freeze_time("2026-03-02 10:00:00"):
            overdue = self._create_breach()
            recent = self._create_breach(date_discovered="2026-03-02 09:30:00")
            reported = self._create_breach(is_reported=True)
            other_company = (
                self.env["gdpr.breach"]
                .with_company(self.company_2)
                .create(
                    {
                        "dpo_id": self.dpo.id,
                        "date_breach": "2026-03-01",
                        "date_discovered": "2026-03-02 09:00:00",
                    }
                )
            )
            self.env.flush_all()
        breaches = overdue | recent | reported | other_company
        self.assertFalse(any(breaches.mapped("is_overdue")))
        with freeze_time("2026-03-05 09:15:00"):
            # deadline of `overdue` was 09:00, of `recent` is 09:30
            flagged = self.env["gdpr.breach"]._cron_flag_overdue()
            self.assertEqual(flagged, overdue | other_company)
            self.assertEqual(breaches.filtered("is_overdue"), overdue | other_company)
            self.assertIn(
                "not reported", overdue.message_ids[:1].body, "explained in chatter"
            )
            self.assertFalse(self.env["gdpr.breach"]._cron_flag_overdue())
        cron = self.env.ref("crm_gdpr.ir_cron_gdpr_breach_flag_overdue")
        self.assertEqual((cron.interval_number, cron.interval_type), (1, "days"))
        # The list filter "Overdue" finds them
        self.assertEqual(
            self.Breach.search([("is_overdue", "=", True), ("id", "in", breaches.ids)]),
            overdue,
        )
        # Reporting clears the flag
        with freeze_time("2026-03-05 10:00:00"):
            overdue.write({"is_reported": True, "delay_reason": "Late."})
            overdue.flush_recordset()
        self.assertFalse(overdue.is_overdue)

    def test_breach_recorded_after_its_deadline_is_overdue_at_once(self):
        with freeze_time("2026-03-10 12:00:00"):
            breach = self._create_breach()
        self.assertTrue(breach.is_overdue)


@tagged("post_install", "-at_install")
class TestGdprBreachAccess(GdprBreachCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with freeze_time("2026-03-02 10:00:00"):
            cls.breach = cls._create_breach_cls()
        cls.attachment = cls.env["ir.attachment"].create(
            {
                "name": "forensics.txt",
                "raw": b"log",
                "res_model": "gdpr.breach",
                "res_id": cls.breach.id,
            }
        )
        cls.message = cls.breach.message_post(body="Secret details of the breach")

    @classmethod
    def _create_breach_cls(cls):
        return cls.Breach.create(
            {
                "dpo_id": cls.dpo.id,
                "date_breach": "2026-03-01",
                "date_discovered": "2026-03-02 09:00:00",
            }
        )

    def test_sales_user_never_sees_breaches(self):
        Breach = self.env["gdpr.breach"].with_user(self.user_sales)
        with self.assertRaises(AccessError):
            Breach.search([])
        with self.assertRaises(AccessError):
            self.breach.with_user(self.user_sales).read(["name"])
        with self.assertRaises(AccessError):
            Breach.create({"dpo_id": self.dpo.id})
        with self.assertRaises(AccessError):
            self.breach.with_user(self.user_sales).write({"records_count": 1})

    def test_sales_user_cannot_reach_breaches_through_related_models(self):
        Attachment = self.env["ir.attachment"].with_user(self.user_sales)
        self.assertFalse(Attachment.search([("res_model", "=", "gdpr.breach")]))
        with self.assertRaises(AccessError):
            self.attachment.with_user(self.user_sales).read(["name", "datas"])
        Message = self.env["mail.message"].with_user(self.user_sales)
        self.assertFalse(Message.search([("model", "=", "gdpr.breach")]))
        self.assertFalse(Message.search([("body", "ilike", "Secret details")]))
        with self.assertRaises(AccessError):
            self.message.with_user(self.user_sales).read(["body"])
        Activity = self.env["mail.activity"].with_user(self.user_sales)
        self.assertFalse(Activity.search([("res_model", "=", "gdpr.breach")]))

    def test_breach_menu_only_for_officers(self):
        menu = self.env.ref("crm_gdpr.gdpr_breach_menu")
        Menu = self.env["ir.ui.menu"]
        self.assertNotIn(menu.id, Menu.with_user(self.user_sales)._visible_menu_ids())
        self.assertIn(menu.id, Menu.with_user(self.user_officer)._visible_menu_ids())
        self.assertIn(menu.id, Menu.with_user(self.user_manager)._visible_menu_ids())

    def test_officer_manages_breaches_nobody_deletes(self):
        # SPEC section 7: breaches are never deleted (Art. 33(5)), not even by
        # the GDPR administrator.
        self.assertIn(self.breach, self.Breach.search([]))
        self.breach.write({"records_count": 12})
        self.assertIn(self.attachment, self.breach.attachment_ids)
        with self.assertRaises(AccessError):
            self.breach.unlink()
        with self.assertRaises(UserError):
            self.breach.with_user(self.user_manager).unlink()
        self.assertTrue(self.breach.exists())

    def test_breaches_are_isolated_per_company(self):
        officer_2 = new_test_user(
            self.env,
            login="gdpr_officer_2",
            groups="sales_team.group_sale_salesman,crm_gdpr.group_gdpr_officer",
            company_id=self.company_2.id,
            company_ids=[(6, 0, self.company_2.ids)],
        )
        Breach_2 = self.env["gdpr.breach"].with_user(officer_2)
        with freeze_time("2026-03-02 10:00:00"):
            breach_2 = Breach_2.create(
                {
                    "dpo_id": self.dpo.id,
                    "date_breach": "2026-03-01",
                    "date_discovered": "2026-03-02 09:00:00",
                }
            )
        self.assertEqual(breach_2.company_id, self.company_2)
        self.assertEqual(Breach_2.search([]), breach_2)
        self.assertNotIn(breach_2, self.Breach.search([]))
        with self.assertRaises(AccessError):
            self.breach.with_user(officer_2).read(["name"])
        with self.assertRaises(AccessError):
            self.attachment.with_user(officer_2).read(["name"])
