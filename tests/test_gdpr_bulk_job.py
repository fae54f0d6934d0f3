from datetime import timedelta
from unittest.mock import patch

import psycopg2
from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.crm_gdpr.models.gdpr_consent import GdprConsent

from .common import GdprBulkJobCommon, Killed


@tagged("post_install", "-at_install")
class TestGdprBulkJob(GdprBulkJobCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].set_param("crm_gdpr.bulk_job_batch_size", "500")
        cls.cron = cls.env.ref("crm_gdpr.ir_cron_gdpr_bulk_job")

    def _grant(self, partners, user=None):
        """The bulk grant of the marketing text to ``partners``, as ``user``."""
        wizard = (
            self.env["gdpr.consent.bulk.grant"]
            .with_user(user or self.user_sales)
            .create(
                {
                    "partner_ids": [Command.set(partners.ids)],
                    "category_ids": [Command.set(self.category_marketing.ids)],
                }
            )
        )
        wizard.line_ids.to_create = True
        return wizard.action_generate()

    def _consents_of(self, partners):
        return (
            self.env["gdpr.consent"]
            .with_context(active_test=False)
            .search([("partner_id", "in", partners.ids)])
        )

    def _assert_chain_intact(self):
        Event = self.env["gdpr.evidence.event"].with_user(self.user_officer)
        for result in Event.verify_chain(self.company):
            self.assertTrue(result["ok"], result["mismatch"])

    # ------------------------------------------------------------------
    def test_below_threshold_grant_runs_at_once(self):
        partners = self._partners(50)
        action = self._grant(partners)
        self.assertEqual(action["res_model"], "gdpr.consent")
        self.assertEqual(len(self._consents_of(partners)), 50)
        self.assertFalse(self.Job.search([]))

    def test_above_threshold_grant_is_queued_and_started(self):
        partners = self._partners(51)
        triggers = self.env["ir.cron.trigger"].search([("cron_id", "=", self.cron.id)])
        action = self._grant(partners)
        self.assertEqual(action["res_model"], "gdpr.bulk.job")
        job = self.Job.with_user(self.user_sales).browse(action["res_id"])
        self.assertEqual(job.state, "queued")
        self.assertEqual(job.user_id, self.user_sales)
        self.assertEqual((job.item_count, job.cursor, job.progress), (51, 0, 0.0))
        self.assertFalse(self._consents_of(partners), "nothing done in the request")
        new_triggers = (
            self.env["ir.cron.trigger"].search([("cron_id", "=", self.cron.id)])
            - triggers
        )
        self.assertTrue(new_triggers, "the job runner is triggered at once")
        self.assertLessEqual(new_triggers.call_at, fields.Datetime.now())

    def test_background_grant_killed_and_resumed(self):
        partners = self._partners(2000)
        no_email = self.env["res.partner"].create({"name": "Without email"})
        action = self._grant(partners | no_email)
        job = self.Job.browse(action["res_id"])
        self.assertEqual(job.batch_size, 500)

        # Batch 1 commits.
        self.Job._cron_gdpr_process_jobs()
        self.assertEqual((job.state, job.cursor), ("running", 500))
        self.assertEqual(len(self._consents_of(partners)), 500)

        # Batch 2 is killed after its work: its transaction never commits.
        with self.assertRaises(Killed), self.env.cr.savepoint():
            self.Job._cron_gdpr_process_jobs()
            self.assertEqual(len(self._consents_of(partners)), 1000)
            raise Killed()
        self.env.invalidate_all()
        self.assertEqual(job.cursor, 500)
        self.assertEqual(len(self._consents_of(partners)), 500)

        # Batch 2 again, raising half-way: rolled back, noted, retried later.
        real_grant = GdprConsent._gdpr_grant

        def grant_then_crash(model, givers, *args, **kwargs):
            real_grant(model, givers[:250], *args, **kwargs)
            raise psycopg2.OperationalError("worker lost its database connection")

        with patch.object(GdprConsent, "_gdpr_grant", grant_then_crash):
            self.Job._cron_gdpr_process_jobs()
        self.assertEqual(
            (job.state, job.cursor, job.batch_failures), ("running", 500, 1)
        )
        self.assertIn("database connection", job.error)
        self.assertTrue(job.retry_at)
        self.assertEqual(len(self._consents_of(partners)), 500)
        self.Job._cron_gdpr_process_jobs()
        self.assertEqual(job.cursor, 500, "not retried before its time")

        with freeze_time(fields.Datetime.now() + timedelta(minutes=2)):
            self._run()
        self.assertEqual(job.state, "done")
        self.assertEqual(job.progress, 100.0)
        self.assertFalse(job.error)
        consents = self._consents_of(partners | no_email)
        self.assertEqual(len(consents), 2000, "each consent exactly once")
        self.assertEqual(consents.partner_id, partners)
        self.assertEqual(set(consents.mapped("create_uid")), {self.user_sales})
        events = self._consent_events(consents, "consent_given")
        self.assertEqual(len(events), 2000)
        self.assertEqual(set(events.mapped("res_id")), set(consents.ids))
        self.assertEqual((job.processed_count, job.skipped_count), (2000, 1))
        self.assertEqual(job.consent_ids, consents)
        self._assert_chain_intact()

    def test_finished_job_tells_its_user(self):
        partners = self._partners(60)
        job = self.Job.browse(self._grant(partners)["res_id"])
        self._run()
        self.assertEqual(job.state, "done")
        self.assertIn("60 processed", job.message_ids[0].body)
        notifications = [
            message
            for message in self._bus_messages(self.user_sales)
            if message["type"] == "simple_notification"
        ]
        self.assertEqual(len(notifications), 1)
        self.assertEqual(notifications[0]["payload"]["type"], "success")
        self.assertIn("60 processed", notifications[0]["payload"]["message"])
        action = job.with_user(self.user_sales).action_open_consents()
        self.assertEqual(
            self.env["gdpr.consent"].search(action["domain"]),
            self._consents_of(partners),
        )

    def test_progress_is_reported_to_the_cron_runner(self):
        job = self.Job.browse(self._grant(self._partners(120))["res_id"])
        job.sudo().batch_size = 50
        cron, progress = self.cron._add_progress()
        self.Job.with_context(**cron.env.context)._cron_gdpr_process_jobs()
        self.assertEqual((progress.done, progress.remaining), (50, 70))
        self.assertEqual((job.cursor, job.remaining_count), (50, 70))
        self.assertAlmostEqual(job.progress, 100 * 50 / 120)

    def test_background_withdrawal_killed_and_resumed(self):
        partners = self._partners(120)
        consents = self.env["gdpr.consent"].create(
            [
                self._consent_vals(partner_id=partner.id, company_id=self.company.id)
                for partner in partners
            ]
        )
        self.env["ir.config_parameter"].set_param("crm_gdpr.bulk_job_batch_size", "50")
        wizard = (
            self.env["gdpr.consent.bulk.withdraw"]
            .with_user(self.user_sales)
            .create(
                {
                    "partner_ids": [Command.set(partners.ids)],
                    "reason_id": self.reason_mistake.id,
                }
            )
        )
        action = wizard.action_withdraw()
        job = self.Job.browse(action["res_id"])
        self.assertEqual((job.job_type, job.item_count), ("consent_withdraw", 120))
        self.Job._cron_gdpr_process_jobs()
        with self.assertRaises(Killed), self.env.cr.savepoint():
            self.Job._cron_gdpr_process_jobs()
            self.assertEqual(len(consents.filtered("active")), 20)
            raise Killed()
        self.env.invalidate_all()
        self.assertEqual(job.cursor, 50)
        self.assertEqual(len(consents.filtered("active")), 70)
        self._run()
        self.assertEqual(job.state, "done")
        self.assertFalse(consents.filtered("active"))
        self.assertEqual(consents.withdrawal_reason_id, self.reason_mistake)
        events = self._consent_events(consents, "consent_withdrawn")
        self.assertEqual(len(events), 120, "each consent withdrawn once")
        self.assertEqual(set(events.mapped("res_id")), set(consents.ids))
        self.assertEqual(job.processed_count, 120)
        self._assert_chain_intact()

    def test_job_runs_as_its_user(self):
        """A salesperson's job touches nothing the salesperson cannot read:
        such an item is refused, counted as failed with its reason, and the
        others are done (SPEC section 9)."""
        other = self._create_consent(partner_id=self.other_partner.id)
        other_company = (
            self.env["gdpr.consent"]
            .with_context(allowed_company_ids=self.company_2.ids)
            .create(self._consent_vals(company_id=self.company_2.id))
        )
        job = self.Job.with_user(self.user_sales)._gdpr_launch(
            "consent_withdraw", (other_company | other).ids, {}, "Withdrawal"
        )
        self.assertEqual(job.allowed_company_ids, self.company)
        self._run()
        self.assertEqual(job.state, "done")
        self.assertEqual((job.processed_count, job.failed_count), (1, 1))
        self.assertFalse(other.active)
        self.assertEqual(other.write_uid, self.user_sales)
        self.assertTrue(other_company.active, "the unreadable item is refused")
        self.assertEqual(len(job.item_errors.splitlines()), 1)
        self.assertIn(str(other_company.id), job.item_errors)
        self.assertIn("1 processed, 0 skipped, 1 failed", job.message_ids[0].body)

    def test_failed_job_is_told_and_resumed(self):
        other = self._create_consent(partner_id=self.other_partner.id)
        job = (
            self.Job.with_user(self.user_sales)
            ._gdpr_launch("consent_withdraw", other.ids, {}, "Withdrawal")
            .sudo()
        )
        # The user does not work in the job's companies: every batch fails.
        job.sudo().write(
            {
                "company_id": self.company_2.id,
                "allowed_company_ids": [Command.set(self.company_2.ids)],
            }
        )
        now = fields.Datetime.now()
        for attempt in range(3):
            with freeze_time(now + timedelta(hours=attempt + 1)):
                self.Job._cron_gdpr_process_jobs()
        self.assertEqual(job.state, "failed")
        self.assertTrue(other.active, "the batch is refused whole")
        self.assertIn("failed after 0 of 1 items", job.message_ids[0].body)
        self.assertEqual(
            self._bus_messages(self.user_sales)[-1]["payload"]["type"], "danger"
        )
        # Resumed after the cause is gone.
        job.sudo().write(
            {
                "company_id": self.company.id,
                "allowed_company_ids": [Command.set(self.company.ids)],
            }
        )
        job.with_user(self.user_sales).action_resume()
        self.assertEqual((job.state, job.batch_failures), ("queued", 0))
        self._run()
        self.assertEqual(job.state, "done")
        self.assertFalse(other.active)
        self.assertEqual(other.write_uid, self.user_sales)

    def test_jobs_are_read_by_their_user_and_officers_only(self):
        job = self.Job.browse(self._grant(self._partners(60))["res_id"])
        self._assert_job_hidden_from_other_salespeople(job)
        with self.assertRaises(AccessError):
            job.with_user(self.user_sales).write({"cursor": 60})
        with self.assertRaises(AccessError):
            self.Job.with_user(self.user_sales).create(
                {"name": "Mine", "job_type": "consent_grant"}
            )
        self.assertEqual(job.with_user(self.user_officer).state, "queued")

    def test_big_retention_backlog_runs_as_a_job(self):
        self.category_marketing.write(
            {"retention_months": 12, "retention_auto_anonymize": True}
        )
        partners = self._partners(60)
        with freeze_time(fields.Date.today() - relativedelta(months=13)):
            consents = self.env["gdpr.consent"].create(
                [self._consent_vals(partner_id=partner.id) for partner in partners]
            )
            consents.action_withdraw()
        self.env["gdpr.consent"]._cron_gdpr_retention()
        job = self.Job.search([("job_type", "=", "consent_retention")])
        self.assertEqual((job.state, job.item_count), ("queued", 60))
        self.assertFalse(consents.filtered("is_anonymized"))
        # The next daily run leaves the backlog to the running job.
        self.env["gdpr.consent"]._cron_gdpr_retention()
        self.assertEqual(
            self.Job.search_count([("job_type", "=", "consent_retention")]), 1
        )
        self._run()
        self.assertEqual(job.state, "done")
        self.assertEqual(len(consents.filtered("is_anonymized")), 60)
        self.assertTrue(all(consents.mapped("retention_expired")))
        self.assertEqual(len(self._consent_events(consents, "consent_anonymized")), 60)
        self._assert_chain_intact()
