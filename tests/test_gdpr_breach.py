from datetime import date, datetime
from unittest.mock import patch

from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged
from odoo.tools import SQL, mute_logger

from .common import REMINDER, TZ, GdprBreachCommon


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
        self.assertFalse(form.reported_at)
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
        self.assertFalse(form.reported_at)
        form.is_reported = True
        self.assertEqual(form.reported_at, datetime(2026, 3, 10, 12, 0))
        form.save()
        self.assertEqual(breach.reported_at, datetime(2026, 3, 10, 12, 0))
        self.assertEqual(breach.date_reported, date(2026, 3, 10))
        # Over RPC, ticking the box alone gets the same default
        other = self._create_breach(date_discovered="2026-03-09 09:00:00")
        other.write({"is_reported": True})
        self.assertEqual(other.date_reported, date(2026, 3, 10))
        # A notification sent is never withdrawn (its moment stays).
        with self.assertRaisesRegex(UserError, "cannot be withdrawn"):
            other.write({"is_reported": False})
        self.assertEqual(other.date_reported, date(2026, 3, 10))

    def test_report_date_never_before_breach_date(self):
        breach = self._create_breach(date_discovered="2026-03-09 09:00:00")
        for vals, regex in [
            ({"date_reported": "2026-02-28"}, "before the breach date"),
            ({"date_reported": "2026-03-11"}, "cannot be in the future"),
            ({"reported_at": "2026-03-10 12:30:00"}, "cannot be in the future"),
            ({"reported_at": "2026-03-09 08:59:00"}, "before it was discovered"),
        ]:
            with self.subTest(vals=vals):
                self._assert_refused(breach, {"is_reported": True, **vals}, regex)
        self.assertFalse(breach.is_reported)
        breach.write({"is_reported": True, "date_reported": "2026-03-10"})
        self.assertTrue(breach.is_reported)
        self.assertEqual(breach.reported_at, datetime(2026, 3, 10, 12, 0), "today: now")

    def test_late_report_requires_reasons_for_delay(self):
        # discovered 2 March 10:00 Warsaw: deadline 5 March 10:00
        breach = self._create_breach()
        self.assertEqual(breach.notification_deadline, datetime(2026, 3, 5, 9, 0))
        # A day given alone (first-version integrators) is taken at its first
        # moment: the deadline's day could have been in time.
        breach.write({"is_reported": True, "date_reported": "2026-03-05"})
        self.assertEqual(breach.reported_at, datetime(2026, 3, 4, 23, 0))
        self.assertFalse(breach.is_reported_late, "reported on the deadline's day")
        breach = self._create_breach()
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

    def test_cron_notes_exactly_the_overdue_unreported_breaches(self):
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
            breaches.invalidate_recordset(["is_overdue"])
            # deadline of `overdue` was 09:00, of `recent` is 09:30
            self.assertEqual(breaches.filtered("is_overdue"), overdue | other_company)
            flagged = self.env["gdpr.breach"]._cron_post_overdue()
            self.assertEqual(flagged, overdue | other_company)
            self.assertIn(
                "not reported", overdue.message_ids[:1].body, "explained in chatter"
            )
            self.assertFalse(self.env["gdpr.breach"]._cron_post_overdue(), "once")
            # The list filter "Overdue" finds them
            self.assertEqual(
                self.Breach.search(
                    [("is_overdue", "=", True), ("id", "in", breaches.ids)]
                ),
                overdue,
            )
        cron = self.env.ref("crm_gdpr.ir_cron_gdpr_breach_flag_overdue")
        self.assertEqual((cron.interval_number, cron.interval_type), (1, "days"))
        # Reporting clears the state
        with freeze_time("2026-03-05 10:00:00"):
            overdue.write({"is_reported": True, "delay_reason": "Late."})
            self.assertFalse(overdue.is_overdue)

    def test_overdue_the_minute_the_deadline_passes(self):
        """No save, no job: the state, the filter and the ribbon follow the clock."""
        with freeze_time("2026-03-02 10:00:00"):
            breach = self._create_breach()  # deadline 5 March 09:00 UTC
        domain = [("id", "=", breach.id), ("is_overdue", "=", True)]
        not_overdue = [("id", "=", breach.id), ("is_overdue", "=", False)]
        with freeze_time("2026-03-05 08:59:00"):
            breach.invalidate_recordset(["is_overdue"])
            self.assertFalse(breach.is_overdue)
            self.assertFalse(self.Breach.search(domain))
            self.assertEqual(self.Breach.search(not_overdue), breach)
        with freeze_time("2026-03-05 09:01:00"):
            breach.invalidate_recordset(["is_overdue"])
            self.assertTrue(breach.is_overdue)
            self.assertEqual(self.Breach.search(domain), breach)
            self.assertFalse(self.Breach.search(not_overdue))
            self.assertEqual(
                self.Breach.search(
                    [("id", "=", breach.id), ("is_overdue", "!=", False)]
                ),
                breach,
            )
            # what the list and the form read (decoration, ribbon)
            self.assertTrue(breach.read(["is_overdue"])[0]["is_overdue"])

    def test_reported_one_minute_late_on_the_deadline_day_is_late(self):
        with freeze_time("2026-03-02 10:00:00"):
            breach = self._create_breach()  # deadline 5 March 10:00 in Warsaw
        with freeze_time("2026-03-05 09:01:00"):
            self._assert_refused(breach, {"is_reported": True}, "reasons for the delay")
            late = self._create_breach(date_discovered="2026-03-02 09:00:00")
            late.write({"is_reported": True, "delay_reason": "Forensics first."})
        self.assertEqual(late.reported_at, datetime(2026, 3, 5, 9, 1))
        self.assertEqual(late.date_reported, date(2026, 3, 5))
        self.assertTrue(late.is_reported_late)
        self.assertEqual(
            self.Breach.search([("is_reported_late", "=", True), ("id", "=", late.id)]),
            late,
            "in the “Reported Late” filter",
        )
        with freeze_time("2026-03-05 09:00:00"):
            in_time = self._create_breach(date_discovered="2026-03-02 09:00:00")
            in_time.write({"is_reported": True})
        self.assertFalse(in_time.is_reported_late, "reported on the minute")

    def test_report_time_decides_lateness_over_rpc(self):
        with freeze_time("2026-03-10 12:00:00"):
            breach = self._create_breach()
            self._assert_refused(
                breach,
                {"is_reported": True, "reported_at": "2026-03-05 09:30:00"},
                "reasons for the delay",
            )
            other = self._create_breach()
            other.write({"is_reported": True, "reported_at": "2026-03-05 08:30:00"})
        self.assertFalse(other.is_reported_late)
        self.assertEqual(other.date_reported, date(2026, 3, 5))

    def test_breach_recorded_after_its_deadline_is_overdue_at_once(self):
        with freeze_time("2026-03-10 12:00:00"):
            breach = self._create_breach()
        self.assertTrue(breach.is_overdue)


@tagged("post_install", "-at_install")
class TestGdprBreachDeadlineJob(GdprBreachCommon):
    """The 72-hour clock on gdpr.deadline.mixin: reminder and daily job."""

    def _reminders(self, breach):
        return breach.activity_ids.filtered(
            lambda activity: activity.activity_type_id == self.env.ref(REMINDER)
        )

    def _overdue_notes(self, breach):
        return breach.message_ids.filtered(
            lambda message: "the breach is not reported" in (message.body or "")
        )

    def test_reminder_follows_discovery_and_dpo_and_is_done_when_reported(self):
        officer_2 = new_test_user(
            self.env,
            login="gdpr_breach_dpo",
            groups="sales_team.group_sale_salesman,crm_gdpr.group_gdpr_officer",
            name="Second DPO",
            tz=TZ,
        )
        with freeze_time("2026-03-02 10:00:00"):
            breach = self._create_breach()
        self.assertEqual(self._reminders(breach).user_id, self.user_officer)
        with freeze_time("2026-03-03 10:00:00"):
            breach.date_discovered = "2026-03-03 09:00:00"
            reminder = self._reminders(breach)
            self.assertEqual(len(reminder), 1, "moved, not added")
            self.assertEqual(reminder.date_deadline, date(2026, 3, 5))
            # Another DPO: the reminder goes to their user.
            breach.dpo_id = officer_2.partner_id
            reminder = self._reminders(breach)
            self.assertEqual(len(reminder), 1)
            self.assertEqual(reminder.user_id, officer_2)
            self.assertEqual(reminder.date_deadline, date(2026, 3, 5))
            breach.write({"is_reported": True})
        self.assertFalse(self._reminders(breach))
        done = self.env["mail.message"].search(
            [
                ("model", "=", "gdpr.breach"),
                ("res_id", "=", breach.id),
                ("mail_activity_type_id", "=", self.env.ref(REMINDER).id),
            ]
        )
        self.assertEqual(len(done), 1, "the reminder is marked done, not deleted")
        self.assertIn("Breach reported to the supervisory authority", done.body)

    def test_reminder_with_the_creator_subscribed(self):
        # As in the web client: tracking and followers on.
        with freeze_time("2026-03-02 10:00:00"):
            breach = (
                self.env["gdpr.breach"]
                .with_user(self.user_officer)
                .with_context(tracking_disable=False)
                .create(
                    {
                        "dpo_id": self.user_officer.partner_id.id,
                        "date_breach": "2026-03-01",
                        "date_discovered": "2026-03-02 09:00:00",
                    }
                )
            )
        self.assertEqual(len(self._reminders(breach)), 1)
        self.assertEqual(breach.message_partner_ids, self.user_officer.partner_id)

    def test_reminder_summary_in_the_language_of_its_user(self):
        self.env["res.lang"]._activate_lang("pl_PL")
        self.env["ir.module.module"]._load_module_terms(["crm_gdpr"], ["pl_PL"])
        officer_pl = new_test_user(
            self.env,
            login="gdpr_breach_dpo_pl",
            groups="sales_team.group_sale_salesman,crm_gdpr.group_gdpr_officer",
            name="Inspektor",
            lang="pl_PL",
            tz=TZ,
        )
        with freeze_time("2026-03-02 10:00:00"):
            polish = self._create_breach(dpo_id=officer_pl.partner_id.id)
            english = self._create_breach()
        self.assertTrue(
            self._reminders(polish).summary.startswith(
                "Zgłoś naruszenie organowi nadzorczemu do"
            ),
            self._reminders(polish).summary,
        )
        self.assertTrue(
            self._reminders(english).summary.startswith(
                "Notify the supervisory authority by"
            ),
            self._reminders(english).summary,
        )

    def test_new_deadline_gets_a_new_overdue_note(self):
        with freeze_time("2026-03-02 10:00:00"):
            breach = self._create_breach()  # deadline 5 March 09:00 UTC
        Breach = self.env["gdpr.breach"]
        with freeze_time("2026-03-10 12:00:00"):
            self.assertEqual(Breach._cron_post_overdue() & breach, breach)
            self.assertTrue(breach.overdue_notified)
            self.assertFalse(Breach._cron_post_overdue() & breach, "once")
            breach.date_discovered = "2026-03-06 09:00:00"
            self.assertFalse(breach.overdue_notified)
            self.assertEqual(Breach._cron_post_overdue() & breach, breach)
        new, old = self._overdue_notes(breach)
        self.assertNotEqual(new.body, old.body, "each note gives its deadline")

    def test_reported_breach_stops_the_job(self):
        with freeze_time("2026-03-02 10:00:00"):
            breach = self._create_breach()
        Breach = self.env["gdpr.breach"]
        with freeze_time("2026-03-10 12:00:00"):
            self.assertEqual(Breach._cron_post_overdue() & breach, breach)
            breach.write({"is_reported": True, "delay_reason": "Late."})
            self.assertFalse(breach.is_overdue)
            self.assertFalse(Breach._cron_post_overdue() & breach)
            # A report is never withdrawn (a follow-up corrects it), so the
            # clock does not run again.
            with self.assertRaisesRegex(UserError, "cannot be withdrawn"):
                breach.write({"is_reported": False})
        self.assertEqual(len(self._overdue_notes(breach)), 1)

    def test_overdue_flag_is_written_by_the_job_only(self):
        with freeze_time("2026-03-02 10:00:00"):
            breach = self._create_breach()
        with self.assertRaisesRegex(UserError, "set by the system"):
            breach.write({"overdue_notified": True})
        with self.assertRaisesRegex(UserError, "set by the system"):
            self._create_breach(overdue_notified=True)
        self.assertFalse(breach.overdue_notified)

    def test_daily_job_skips_a_failing_breach(self):
        with freeze_time("2026-03-02 10:00:00"):
            first = self._create_breach()
            broken = self._create_breach()
            last = self._create_breach()
        breaches = first | broken | last
        GdprBreach = type(self.env["gdpr.breach"])
        original = GdprBreach._gdpr_overdue_message

        def message(record):
            if record == broken:
                raise ValueError("broken breach")
            return original(record)

        with freeze_time("2026-03-10 12:00:00"):
            with (
                patch.object(GdprBreach, "_gdpr_overdue_message", message),
                mute_logger("odoo.addons.crm_gdpr.models.gdpr_deadline_mixin"),
            ):
                notified = self.env["gdpr.breach"]._cron_post_overdue()
            self.assertEqual(notified & breaches, first | last)
            self.assertFalse(broken.overdue_notified)
            self.assertFalse(self._overdue_notes(broken))
            self.assertTrue(first.overdue_notified and last.overdue_notified)
            # The next day, the breach that failed is tried again.
            self.assertEqual(self.env["gdpr.breach"]._cron_post_overdue(), broken)
        self.assertEqual(len(self._overdue_notes(broken)), 1)

    def test_the_scheduled_job_posts_the_notes(self):
        """The ir.cron runs the shared job (its code survives upgrades:
        migrations/18.0.1.1.0/pre-migrate_breach_clock.py)."""
        with freeze_time("2026-03-02 10:00:00"):
            breach = self._create_breach()
        cron = self.env.ref("crm_gdpr.ir_cron_gdpr_breach_flag_overdue")
        self.assertTrue(cron.active)
        with freeze_time("2026-03-10 12:00:00"):
            cron.method_direct_trigger()
        self.assertTrue(breach.overdue_notified)
        self.assertEqual(len(self._overdue_notes(breach)), 1)

    def test_overdue_search_refuses_other_operators_clearly(self):
        with self.assertRaisesRegex(UserError, "Overdue"):
            self.Breach.search([("is_overdue", "=", "yes")])
        with self.assertRaisesRegex(UserError, "Overdue"):
            self.Breach.search([("is_overdue", ">", 0)])


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


@tagged("post_install", "-at_install")
@freeze_time("2026-03-10 12:00:00")
class TestGdprBreachNotificationItems(GdprBreachCommon):
    """Art. 33(3) item by item, as the notification form of the UODO asks."""

    def _complete_values(self):
        return {
            "date_discovered": "2026-03-09 09:00:00",
            "breach_confidentiality": True,
            "date_breach_end": "2026-03-02",
            "data_category_ids": [
                Command.set(
                    [
                        self.env.ref("crm_gdpr.gdpr_data_category_identity").id,
                        self.env.ref("crm_gdpr.gdpr_data_category_national_id").id,
                    ]
                )
            ],
            "subjects_description": "About 800 customers",
            "records_count": 800,
            "consequences": "Identity theft",
            "measures": "Passwords reset",
            "notifier_id": self.dpo.id,
        }

    def test_data_categories_are_a_seeded_dictionary(self):
        categories = self.env["gdpr.data.category"].search([])
        for xmlid in (
            "identity",
            "contact",
            "national_id",
            "id_document",
            "financial",
            "location",
            "credentials",
            "special",
            "criminal",
            "other",
        ):
            self.assertIn(
                self.env.ref(f"crm_gdpr.gdpr_data_category_{xmlid}"), categories
            )
        self.assertTrue(self.env.ref("crm_gdpr.gdpr_data_category_special").is_special)
        # salespeople read it, only the manager edits it
        Category = self.env["gdpr.data.category"]
        self.assertTrue(Category.with_user(self.user_sales).search([]))
        with self.assertRaises(AccessError):
            Category.with_user(self.user_officer).create({"name": "Biometrics"})
        Category.with_user(self.user_manager).create({"name": "Biometrics"})

    def test_every_notification_says_what_happened_and_the_risk(self):
        breach = self._create_breach(
            date_discovered="2026-03-09 09:00:00", nature=False, risk_level=False
        )
        self._assert_refused(breach, {"is_reported": True}, "nature of the breach")
        self._assert_refused(
            breach,
            {"is_reported": True, "nature": "Laptop stolen"},
            "risk to the data subjects",
        )
        breach.write({"is_reported": True, "nature": "Stolen", "risk_level": "risk"})
        self.assertTrue(breach.is_reported)

    def test_initial_notification_lists_what_is_still_to_come(self):
        breach = self._create_breach(date_discovered="2026-03-09 09:00:00")
        breach.write({"is_reported": True, "report_type": "initial"})
        missing = breach.missing_notification_items
        for item in (
            "categories of personal data",
            "end of the breach or “still ongoing”",
            "likely consequences",
            "measures taken or proposed",
            "person submitting the notification",
            "approximate number of records",
        ):
            self.assertIn(item, missing)
        breach.write(self._complete_values())
        self.assertFalse(breach.missing_notification_items)

    def test_complete_notification_requires_every_item(self):
        values = self._complete_values()
        for field_name in (
            "date_breach_end",
            "data_category_ids",
            "subjects_description",
            "records_count",
            "consequences",
            "measures",
            "notifier_id",
            "breach_confidentiality",
        ):
            with self.subTest(missing=field_name):
                breach = self._create_breach(
                    **{
                        **values,
                        field_name: False if field_name != "records_count" else 0,
                    }
                )
                self._assert_refused(
                    breach,
                    {"is_reported": True, "report_type": "complete"},
                    "A complete notification",
                )
        breach = self._create_breach(**values)
        breach.write({"is_reported": True, "report_type": "complete"})
        self.assertEqual(breach.report_type, "complete")
        # still ongoing instead of an end date
        ongoing = self._create_breach(**{**values, "date_breach_end": False})
        ongoing.write(
            {"is_ongoing": True, "is_reported": True, "report_type": "complete"}
        )
        # Art. 34: the content of the message and how many were informed
        self._assert_refused(
            breach,
            {
                "subjects_notified": True,
                "date_subjects_notified": "2026-03-10",
                "subjects_notification_method": "Email",
            },
            "content of the communication",
        )
        breach.write(
            {
                "subjects_notified": True,
                "date_subjects_notified": "2026-03-10",
                "subjects_notification_method": "Email",
                "communication_content": "Your PESEL may have leaked.",
                "subjects_notified_count": 800,
            }
        )

    def test_breach_end_is_consistent(self):
        breach = self._create_breach()
        self._assert_refused(breach, {"date_breach_end": "2026-02-27"}, "end before")
        self._assert_refused(breach, {"date_breach_end": "2026-03-11"}, "future")
        self._assert_refused(
            breach, {"date_breach_end": "2026-03-02", "is_ongoing": True}, "ongoing"
        )
        self._assert_refused(breach, {"subjects_notified_count": -1}, "negative")
        breach.write(
            {
                "date_breach_end": "2026-03-02",
                "processor_id": self.dpo.id,
                "is_cross_border": True,
                "other_authorities": "BfDI (Germany)",
            }
        )
        self.assertEqual(breach.processor_id, self.dpo)
