"""The red-team findings on the sales side (SPEC 13) and the background jobs.

One test per finding of /work/notes/redteam-19-20.md, named after it. The
attack was made over JSON-RPC: the tests replay it so (``call_kw``), or
through the ORM as the user where that is the same path.
"""

import json
from unittest.mock import patch

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged
from odoo.tools import SQL, config

from .common import GdprRpcCommon


@tagged("post_install", "-at_install")
class TestSalesJobsAttacks(GdprRpcCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Param = cls.env["ir.config_parameter"]
        Param.set_param("crm_gdpr.bulk_job_threshold", "5")
        Param.set_param("crm_gdpr.bulk_job_batch_size", "500")
        cls.Job = cls.env["gdpr.bulk.job"]
        # The jobs of the common fixtures are not those of these tests.
        cls.Job.search([("state", "in", ("queued", "running"))]).write(
            {"state": "done"}
        )
        cls.cron = cls.env.ref("crm_gdpr.ir_cron_gdpr_bulk_job")
        cls.notice = cls.env["gdpr.information.notice"].create(
            {
                "name": "Information on the processing of personal data",
                "body": "<p>We process your data to answer your enquiries.</p>",
                "date_start": fields.Date.today() - relativedelta(days=10),
            }
        )
        cls.source_bought = cls.env["utm.source"].create(
            {"name": "Purchased list", "gdpr_from_data_subject": False}
        )
        cls.lead_bought = cls.env["crm.lead"].create(
            {
                "name": "From the purchased list",
                "email_from": "bought@example.com",
                "source_id": cls.source_bought.id,
                "user_id": cls.user_sales.id,
            }
        )
        cls.category_b = cls.env["gdpr.consent.category"].create(
            {"name": "SecretCatB", "company_id": cls.company_2.id}
        )
        cls.user_officer_ab = new_test_user(
            cls.env,
            login="gdpr_officer_ab",
            groups="sales_team.group_sale_salesman,crm_gdpr.group_gdpr_officer",
            name="Officer of both companies",
            company_ids=[Command.set((cls.company | cls.company_2).ids)],
        )

    def _call(self, model, method, args, kwargs=None, user=None):
        self._login(user or self.user_officer)
        return self.call_kw(model, method, args, kwargs)

    def _partners(self, count, prefix="JobA"):
        return self.env["res.partner"].create(
            [
                {
                    "name": f"{prefix} {i:02}",
                    "email": f"{prefix.lower()}{i}@example.com",
                }
                for i in range(count)
            ]
        )

    def _grant_job(self, partners, user=None):
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
        action = wizard.action_generate()
        return self.Job.browse(action["res_id"])

    def _consents_of(self, partners):
        return self.env["gdpr.consent"].search([("partner_id", "in", partners.ids)])

    # F1 ---------------------------------------------------------------
    def test_f1_job_batch_is_bounded_by_time_and_a_run_by_half_the_cron_limit(self):
        partners = self._partners(120)
        job = self._grant_job(partners)
        self.assertEqual(job.state, "queued")
        # A batch of 500 items that has run its time stops after its first
        # chunk and records where; the runner calls again.
        self.env["ir.config_parameter"].set_param(
            "crm_gdpr.bulk_job_batch_seconds", "0"
        )
        self.Job._cron_gdpr_process_jobs()
        self.assertEqual(job.cursor, 50)
        self.assertEqual(job.state, "running")
        self.assertEqual(
            len(self._consents_of(partners)), 50 * len(job.params["lines"])
        )
        # Called by Odoo's runner: once half of limit_time_real_cron is spent
        # in this run, a call does nothing and triggers a new run.
        self.env["ir.config_parameter"].set_param(
            "crm_gdpr.bulk_job_batch_seconds", "20"
        )
        self.env["ir.cron.trigger"].search([("cron_id", "=", self.cron.id)]).unlink()
        Runner = self.Job.with_context(cron_id=self.cron.id)
        with patch.dict(config.options, {"limit_time_real_cron": 0.000001}):
            Runner._cron_gdpr_process_jobs()  # starts the run: one chunk
            self.assertEqual(job.cursor, 100)
            Runner._cron_gdpr_process_jobs()  # the run's time is spent
        self.assertEqual(job.cursor, 100)
        self.assertEqual(job.state, "running")
        self.assertTrue(
            self.env["ir.cron.trigger"].search([("cron_id", "=", self.cron.id)])
        )

    # F2 ---------------------------------------------------------------
    def test_f2_an_unreadable_giver_is_skipped_and_counted_never_failing_the_job(
        self,
    ):
        partners = self._partners(30)
        job = self._grant_job(partners)
        lost = partners[:5]
        lost.write({"company_id": self.company_2.id})
        for _i in range(5):
            self.Job._cron_gdpr_process_jobs()
        self.assertEqual(job.state, "done")
        self.assertEqual(job.batch_failures, 0)
        lines = len(job.params["lines"])
        self.assertEqual(job.processed_count, 25 * lines)
        self.assertEqual(job.failed_count, 5 * lines)
        self.assertEqual(len(job.item_errors.splitlines()), 5)
        self.assertIn(str(lost[0].id), job.item_errors)
        self.assertEqual(self._consents_of(partners).partner_id, partners - lost)

    # F3 ---------------------------------------------------------------
    def test_f3_a_job_queued_while_no_trigger_is_pending_is_run_by_the_next_trigger(
        self,
    ):
        first = self._grant_job(self._partners(10, prefix="First"))
        second = self._grant_job(self._partners(10, prefix="Second"))
        # The trigger of the second job was consumed by a run that ended.
        self.env["ir.cron.trigger"].search([("cron_id", "=", self.cron.id)]).unlink()
        self.Job._cron_gdpr_process_jobs()
        self.assertEqual(first.state, "done")
        self.assertEqual(second.state, "done")
        self.assertEqual(second.processed_count, 10 * len(second.params["lines"]))

    # F4 ---------------------------------------------------------------
    def test_f4_the_art_14_deadline_is_never_written_by_a_client(self):
        lead = self.lead_bought
        deadline = lead.create_date.date() + relativedelta(months=1)
        self.assertEqual(lead.gdpr_inform_by, deadline)
        answer = self._call(
            "crm.lead",
            "write",
            [[lead.id], {"gdpr_inform_by": "2099-01-01"}],
            user=self.user_sales,
        )
        self.assertIn("cannot be written", self.assertRpcError(answer, "UserError"))
        answer = self._call(
            "crm.lead",
            "load",
            [[".id", "gdpr_inform_by"], [[str(lead.id), "2099-01-01"]]],
            user=self.user_manager,
        )
        self.assertFalse(answer["result"]["ids"])
        answer = self._call(
            "crm.lead",
            "create",
            [{"name": "Forged", "gdpr_inform_by": "2099-01-01"}],
            user=self.user_sales,
        )
        self.assertRpcError(answer, "UserError")
        answer = self._call(
            "crm.lead", "write", [[lead.id], {"source_id": False}], user=self.user_sales
        )
        self.assertTrue(answer["result"])
        lead.invalidate_recordset()
        self.assertFalse(lead.source_id)
        self.assertEqual(lead.gdpr_inform_by, deadline)

    # F5 ---------------------------------------------------------------
    def test_f5_a_notice_people_were_informed_of_is_locked(self):
        notice = self.env["gdpr.information.notice"].create(
            {
                "name": "tmp",
                "body": "<p>tmp</p>",
                "date_start": fields.Date.today() - relativedelta(days=6),
            }
        )
        self.env["gdpr.information.record"].create(
            {
                "lead_id": self.lead_bought.id,
                "notice_id": notice.id,
                "method": "paper",
                "date_informed": fields.Date.today() - relativedelta(days=5),
            }
        )
        for vals in (
            {"body": "<p>changed</p>"},
            {"name": "renamed"},
            {"date_start": fields.Date.to_string(fields.Date.today())},
        ):
            answer = self._call("gdpr.information.notice", "write", [[notice.id], vals])
            self.assertIn("new version", self.assertRpcError(answer, "UserError"))
        self.assertEqual(notice.name, "tmp")
        # The same values (an export re-imported) and archiving are allowed.
        answer = self._call(
            "gdpr.information.notice",
            "write",
            [[notice.id], {"name": "tmp", "active": False}],
        )
        self.assertTrue(answer["result"])

    # F6 ---------------------------------------------------------------
    def test_f6_the_person_informed_is_filled_by_the_lead_hand_over_only(self):
        lead = self.env["crm.lead"].create(
            {
                "name": "No customer yet",
                "email_from": "nobody@example.com",
                "user_id": self.user_sales.id,
            }
        )
        answer = self._call(
            "gdpr.information.record",
            "create",
            [
                {
                    "lead_id": lead.id,
                    "notice_id": self.notice.id,
                    "method": "email",
                    "date_informed": fields.Date.to_string(fields.Date.today()),
                }
            ],
            user=self.user_sales,
        )
        record = self.env["gdpr.information.record"].browse(answer["result"])
        answer = self._call(
            "gdpr.information.record",
            "write",
            [record.ids, {"partner_id": self.giver.id}],
            user=self.user_sales,
        )
        self.assertIn("lead's customer", self.assertRpcError(answer, "UserError"))
        self.assertFalse(record.partner_id)
        lead.partner_id = self.giver_2
        self.assertEqual(record.partner_id, self.giver_2)

    # F7 ---------------------------------------------------------------
    def test_f7_another_companys_category_never_blocks_the_composer(self):
        model = self.env["ir.model"]._get_id("res.partner")
        answer = self._call(
            "mail.template",
            "create",
            [
                {
                    "name": "RT tmpl B",
                    "model_id": model,
                    "subject": "Hi",
                    "body_html": "<p>x</p>",
                    "gdpr_category_id": self.category_b.id,
                }
            ],
            user=self.user_manager,
        )
        self.assertRpcError(answer, "ValidationError")
        # A template tagged so before the rule (legacy data).
        template = self.env["mail.template"].create(
            {"name": "Legacy", "model_id": model, "subject": "Hi", "body_html": "x"}
        )
        self.env.cr.execute(
            SQL(
                "UPDATE mail_template SET gdpr_category_id = %s WHERE id = %s",
                self.category_b.id,
                template.id,
            )
        )
        template.invalidate_recordset()
        spec = {
            "template_id": {},
            "gdpr_category_id": {"fields": {"display_name": {}}},
            "gdpr_warning": {},
            "subject": {},
        }
        values = {
            "model": "res.partner",
            "res_ids": json.dumps([self.giver.id]),
            "composition_mode": "mass_mail",
            "template_id": template.id,
        }
        answer = self._call(
            "mail.compose.message", "onchange", [[], values, ["template_id"], spec]
        )
        self.assertIn("result", answer, answer.get("error"))
        self.assertFalse(answer["result"]["value"].get("gdpr_warning"))
        self.assertFalse(answer["result"]["value"].get("gdpr_category_id"))
        answer = self._call(
            "mail.compose.message",
            "create",
            [
                {
                    "model": "res.partner",
                    "res_ids": json.dumps([self.giver.id]),
                    "composition_mode": "mass_mail",
                    "gdpr_category_id": self.category_b.id,
                    "subject": "s",
                    "body": "b",
                }
            ],
        )
        self.assertRpcError(answer, "UserError")

    # F8 ---------------------------------------------------------------
    def test_f8_partner_and_lead_status_agree_for_a_user_in_two_companies(self):
        """Ruled no change (SPEC 8: the companies the user works in); this
        keeps the partner and its lead in agreement."""
        partner = self.env["res.partner"].create({"name": "Shared", "email": "s@x.pl"})
        self.env["gdpr.consent"].with_company(self.company_2).create(
            {
                "partner_id": partner.id,
                "category_id": self.category_marketing.id,
                "text_id": self.text_marketing.id,
            }
        )
        lead = self.env["crm.lead"].create(
            {"name": "Lead A", "partner_id": partner.id, "user_id": False}
        )
        both = (self.company | self.company_2).ids
        Lead = self.env["crm.lead"].with_user(self.user_officer_ab)
        Partner = self.env["res.partner"].with_user(self.user_officer_ab)
        for companies in (both, self.company.ids):
            ctx = {"allowed_company_ids": companies}
            self.assertEqual(
                Lead.with_context(**ctx).browse(lead.id).gdpr_active_category_ids,
                Partner.with_context(**ctx).browse(partner.id).gdpr_active_category_ids,
            )
        ctx = {"allowed_company_ids": both}
        self.assertEqual(
            Lead.with_context(**ctx).browse(lead.id).gdpr_active_category_ids,
            self.category_marketing,
        )

    # F9 ---------------------------------------------------------------
    def test_f9_consent_category_search_refuses_unsupported_operators(self):
        for model in ("crm.lead", "res.partner"):
            for leaf in (
                ["gdpr_active_category_ids", "child_of", [1]],
                ["gdpr_active_category_ids", "parent_of", [1]],
                ["gdpr_active_category_ids", "in", [True]],
                ["gdpr_active_category_ids", "<", 3],
            ):
                answer = self._call(model, "search", [[leaf]])
                self.assertIn("Active", self.assertRpcError(answer, "UserError"))
        self.env["gdpr.consent"].create(
            {
                "partner_id": self.giver.id,
                "category_id": self.category_marketing.id,
                "text_id": self.text_marketing.id,
            }
        )
        name = self.category_marketing.name
        for operator in ("=", "in", "ilike"):
            answer = self._call(
                "res.partner",
                "search",
                [[["gdpr_active_category_ids", operator, name]]],
            )
            self.assertIn(self.giver.id, answer["result"])
        answer = self._call(
            "res.partner", "search", [[["gdpr_active_category_ids", "=", "abc-none"]]]
        )
        self.assertEqual(answer["result"], [])

    # F10 --------------------------------------------------------------
    def test_f10_notices_are_searched_by_in_force(self):
        self.env["gdpr.information.notice"].create(
            {
                "name": "Older",
                "body": "<p>old</p>",
                "date_start": fields.Date.today() - relativedelta(days=300),
            }
        )
        Notice = self.env["gdpr.information.notice"].with_user(self.user_officer)
        notices = Notice.search([])
        current = notices.filtered("is_current")
        self.assertEqual(len(current), 1)
        self.assertGreater(len(notices), 1)
        for domain, in_force in (
            ([("is_current", "=", True)], True),
            ([("is_current", "!=", False)], True),
            ([("is_current", "=", False)], False),
            ([("is_current", "!=", True)], False),
        ):
            answer = self._call("gdpr.information.notice", "search", [domain])
            expected = current if in_force else notices - current
            self.assertEqual(set(answer["result"]), set(expected.ids), domain)

    # F11 --------------------------------------------------------------
    def test_f11_reminder_of_an_unassigned_lead_goes_to_a_person(self):
        leader = new_test_user(
            self.env,
            login="gdpr_leader",
            groups="sales_team.group_sale_salesman",
            name="Team Leader",
        )
        team = self.env["crm.team"].create({"name": "Team L", "user_id": leader.id})
        leads = self.env["crm.lead"].create(
            [
                {
                    "name": name,
                    "source_id": self.source_bought.id,
                    "user_id": False,
                    "team_id": team_id,
                }
                for name, team_id in (("With team", team.id), ("Alone", False))
            ]
        )
        activity_type = self.env.ref("crm_gdpr.mail_activity_type_gdpr_inform")
        with freeze_time(leads[0].gdpr_inform_by + relativedelta(days=1)):
            self.env["crm.lead"]._cron_gdpr_inform_overdue()
        owners = [
            lead.activity_ids.filtered(
                lambda a: a.activity_type_id == activity_type
            ).user_id
            for lead in leads
        ]
        self.assertEqual(owners[0], leader)
        self.assertTrue(owners[1])
        self.assertNotEqual(owners[1], self.env.ref("base.user_root"))
        self.assertTrue(owners[1].has_group("crm_gdpr.group_gdpr_officer"))

    # F12 --------------------------------------------------------------
    def test_f12_bulk_grant_refuses_a_company_the_user_does_not_work_in(self):
        partners = self._partners(25)
        Wizard = self.env["gdpr.consent.bulk.grant"].with_user(self.user_sales)
        jobs = self.Job.search_count([])
        with self.assertRaisesRegex(UserError, "company you do not work in"):
            Wizard.create(
                {
                    "partner_ids": [Command.set(partners.ids)],
                    "category_ids": [Command.set(self.category_marketing.ids)],
                    "company_id": self.company_2.id,
                }
            )
        self.assertEqual(self.Job.search_count([]), jobs)

    # F13 --------------------------------------------------------------
    def test_f13_records_and_jobs_open_their_chatter_with_their_own_sentence(self):
        env = self.env(context=dict(self.env.context, tracking_disable=False))
        record = env["gdpr.information.record"].create(
            {
                "lead_id": self.lead_bought.id,
                "notice_id": self.notice.id,
                "method": "paper",
            }
        )
        job = env["gdpr.bulk.job"]._gdpr_launch(
            "consent_withdraw", [1, 2, 3], {}, "Withdrawal of 3 consent(s)"
        )
        for thread, sentence in (
            (record, "Information record registered."),
            (job, "Background job queued."),
        ):
            first = thread.message_ids.sorted("id")[:1]
            self.assertIn(sentence, first.body)
