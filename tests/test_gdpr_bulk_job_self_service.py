"""Consent requests by e-mail and the import of unsubscribed addresses as
background jobs (issue 19): above the threshold they run in committed
batches, resumable after a kill without duplicates or gaps."""

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import GdprBulkJobCommon, Killed


@tagged("post_install", "-at_install")
class TestGdprBulkJobSelfService(GdprBulkJobCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].set_param("crm_gdpr.bulk_job_batch_size", "50")
        cls.reason_unsubscribe = cls.env.ref(
            "crm_gdpr.gdpr_withdrawal_reason_unsubscribe"
        )

    def _run_killed_batch(self):
        """A batch whose worker is killed after its work: nothing commits."""
        with self.assertRaises(Killed), self.env.cr.savepoint():
            self.Job._cron_gdpr_process_jobs()
            raise Killed()
        self.env.invalidate_all()

    def _ask(self, partners=None, leads=None, user=None):
        wizard = (
            self.env["gdpr.consent.request.wizard"]
            .with_user(user or self.user_sales)
            .create(
                {
                    "partner_ids": [Command.set((partners or self.partner).ids)],
                    "lead_ids": [Command.set(leads.ids if leads else [])],
                    "text_ids": [Command.set(self.text_newsletter.ids)],
                }
            )
        )
        return wizard.action_send()

    def _requests_of(self, partners=None, leads=None):
        domain = [("partner_id", "in", partners.ids)] if partners else []
        if leads:
            domain = (
                ["|", *domain, ("lead_id", "in", leads.ids)]
                if domain
                else [("lead_id", "in", leads.ids)]
            )
        return self.env["gdpr.consent.request"].search(domain)

    def _mails_of(self, requests):
        return self.env["mail.mail"].search(
            [("model", "=", "gdpr.consent.request"), ("res_id", "in", requests.ids)]
        )

    def _import(self, addresses, user=None):
        wizard = (
            self.env["gdpr.consent.withdraw.import"]
            .with_user(user or self.user_sales)
            .create(
                {
                    "pasted": "\n".join(addresses),
                    "reason_id": self.reason_unsubscribe.id,
                }
            )
        )
        wizard.action_preview()
        return wizard

    def _give(self, partners, text=None):
        text = text or self.text_newsletter
        return self.env["gdpr.consent"].create(
            [
                self._consent_vals(
                    partner_id=partner.id,
                    category_id=text.category_id.id,
                    text_id=text.id,
                )
                for partner in partners
            ]
        )

    def _withdrawals(self, consents):
        return self._consent_events(consents, "consent_withdrawn")

    def _notifications(self, user):
        return [
            message
            for message in self._bus_messages(user)
            if message["type"] == "simple_notification"
        ]

    # ------------------------------------------------------------------
    # Consent requests by e-mail
    # ------------------------------------------------------------------
    def test_background_requests_killed_and_resumed(self):
        partners = self._partners(300)
        no_email = self.env["res.partner"].create({"name": "Without email"})
        leads = self.env["crm.lead"].create(
            [
                {
                    "name": f"Web form {i}",
                    "email_from": f"web{i}@example.com",
                    "user_id": self.user_sales.id,
                }
                for i in range(10)
            ]
        )
        # Its contact is asked: the lead is not asked a second time.
        lead_of_partner = self.env["crm.lead"].create(
            {
                "name": "Fair",
                "partner_id": partners[0].id,
                "user_id": self.user_sales.id,
            }
        )
        action = self._ask(partners | no_email, leads | lead_of_partner)
        self.assertIn("in the background", action["params"]["message"])
        job = self.Job.with_user(self.user_sales).browse(
            action["params"]["next"]["res_id"]
        )
        self.assertEqual(action["params"]["next"]["res_model"], "gdpr.bulk.job")
        self.assertEqual(
            (job.job_type, job.state, job.item_count, job.batch_size),
            ("consent_request", "queued", 311, 25),
        )
        self.assertFalse(self._requests_of(partners, leads), "nothing in the request")

        # Batch 1 commits: its requests and their queued mails. A request
        # counts as 2 consents: batches of 50 consents ask 25 people.
        self.Job._cron_gdpr_process_jobs()
        self.assertEqual((job.state, job.cursor), ("running", 25))
        self.assertEqual(len(self._requests_of(partners)), 25)
        self.assertEqual(len(self._mails_of(self._requests_of(partners))), 25)
        self.assertAlmostEqual(job.progress, 100 * 25 / 311)

        # Batch 2 is killed after its work: its requests and mails are lost.
        self._run_killed_batch()
        self.assertEqual(job.cursor, 25)
        self.assertEqual(len(self._requests_of(partners)), 25)

        self._run()
        self.assertEqual((job.state, job.progress), ("done", 100.0))
        requests = self._requests_of(partners | no_email, leads | lead_of_partner)
        self.assertEqual(len(requests), 310, "each person asked exactly once")
        self.assertEqual(requests.filtered("partner_id").partner_id, partners)
        self.assertEqual(requests.lead_id, leads, "the lead of an asked contact not")
        self.assertEqual(set(requests.mapped("state")), {"sent"})
        self.assertEqual(requests.create_uid, self.user_sales)
        mails = self._mails_of(requests)
        self.assertEqual(len(mails), 310, "one mail per request")
        self.assertEqual(set(mails.mapped("res_id")), set(requests.ids))
        self.assertEqual(set(mails.mapped("state")), {"outgoing"}, "queued, not sent")
        self.assertEqual(
            {mail.email_to for mail in mails}, set(requests.mapped("email"))
        )
        self.assertEqual(job.request_ids, requests)
        self.assertEqual(
            (job.processed_count, job.skipped_count, job.failed_count), (310, 1, 0)
        )
        self.assertEqual(
            self.env["gdpr.consent.request"].search(
                job.with_user(self.user_sales).action_open_requests()["domain"]
            ),
            requests,
        )
        # A person was not asked: a warning, not a passing success.
        (notification,) = self._notifications(self.user_sales)
        self.assertEqual(notification["payload"]["type"], "warning")
        self.assertIn("310 processed, 1 skipped", notification["payload"]["message"])

    def test_requests_below_threshold_are_sent_at_once(self):
        # 25 requests count as 50 consents: the threshold.
        partners = self._partners(25)
        action = self._ask(partners)
        self.assertEqual(action["params"]["type"], "success")
        self.assertIn("25 consent request(s) sent", action["params"]["message"])
        self.assertEqual(
            action["params"]["next"]["type"], "ir.actions.act_window_close"
        )
        requests = self._requests_of(partners)
        self.assertEqual(len(requests), 25)
        self.assertEqual(set(requests.mapped("state")), {"sent"})
        self.assertEqual(len(self._mails_of(requests)), 25)
        self.assertFalse(self.Job.search([]))

    def test_request_job_is_read_by_its_user_and_officers_only(self):
        action = self._ask(self._partners(26))
        job = self.Job.browse(action["params"]["next"]["res_id"])
        self._assert_job_hidden_from_other_salespeople(job)
        self.assertEqual(job.with_user(self.user_sales).state, "queued")
        self.assertEqual(job.with_user(self.user_officer).user_id, self.user_sales)

    # ------------------------------------------------------------------
    # Import of unsubscribed addresses
    # ------------------------------------------------------------------
    def test_background_import_withdraws_the_preview_killed_and_resumed(self):
        partners = self._partners(300, prefix="gone")
        consents = self._give(partners)
        wizard = self._import(
            [*partners.mapped("email"), "nobody@example.com", "not an address"]
        )
        self.assertEqual((wizard.consent_count, wizard.matched_count), (300, 300))
        # Given after the preview (of a text not synchronized with the
        # blacklist): not previewed, so not withdrawn.
        later = self._give(partners[:5], self.text_profiling)
        action = wizard.action_withdraw()
        self.assertEqual(action["res_model"], "gdpr.bulk.job")
        job = self.Job.browse(action["res_id"])
        self.assertEqual(
            (job.job_type, job.item_count, job.user_id),
            ("consent_withdraw_import", 300, self.user_sales),
        )
        self.assertEqual(sorted(job.items), sorted(consents.ids))
        self.assertEqual(len(consents.filtered("active")), 300, "nothing withdrawn yet")
        # The wizard is vacuumed: the job has what it needs.
        wizard.sudo().unlink()

        self.Job._cron_gdpr_process_jobs()
        self.assertEqual(job.cursor, 50)
        self.assertEqual(len(consents.filtered("active")), 250)
        self._run_killed_batch()
        self.assertEqual(job.cursor, 50)
        self.assertEqual(len(consents.filtered("active")), 250)

        self._run()
        self.assertEqual(job.state, "done")
        self.assertFalse(consents.filtered("active"))
        self.assertEqual(len(later.filtered("active")), 5)
        self.assertEqual(consents.withdrawal_reason_id, self.reason_unsubscribe)
        self.assertEqual(set(consents.mapped("write_uid")), {self.user_sales})
        events = self._withdrawals(consents | later)
        self.assertEqual(len(events), 300, "each consent withdrawn once")
        self.assertEqual(set(events.mapped("res_id")), set(consents.ids))
        self.assertEqual(job.consent_ids, consents)
        # The job's Consents button shows them, withdrawn (archived) as they are.
        action = job.with_user(self.user_sales).action_open_consents()
        shown = (
            self.env["gdpr.consent"]
            .with_context(**action["context"])
            .search(action["domain"])
        )
        self.assertEqual(shown, consents)
        self.assertEqual(job.processed_count, 300)
        for result in (
            self.env["gdpr.evidence.event"]
            .with_user(self.user_officer)
            .verify_chain(self.company)
        ):
            self.assertTrue(result["ok"], result["mismatch"])
        (notification,) = self._notifications(self.user_sales)
        self.assertIn("300 processed", notification["payload"]["message"])

    def test_import_below_threshold_withdraws_at_once(self):
        partners = self._partners(50, prefix="gone")
        consents = self._give(partners)
        wizard = self._import(partners.mapped("email"))
        action = wizard.action_withdraw()
        self.assertEqual(action["res_model"], "gdpr.consent.withdraw.import")
        self.assertEqual((wizard.state, wizard.withdrawn_count), ("done", 50))
        self.assertFalse(consents.filtered("active"))
        self.assertEqual(len(self._withdrawals(consents)), 50)
        self.assertFalse(self.Job.search([]))

    def test_import_job_is_launched_once(self):
        partners = self._partners(60, prefix="gone")
        self._give(partners)
        wizard = self._import(partners.mapped("email"))
        wizard.action_withdraw()
        with self.assertRaisesRegex(UserError, "Preview the addresses"):
            wizard.action_withdraw()
        self.assertEqual(
            self.Job.search_count([("job_type", "=", "consent_withdraw_import")]), 1
        )
