"""Red-team session 23 (F10-F14, F17, F18): the wizards' input checks,
nested values, malformed job parameters, the sender of consent requests,
jobs of several companies, onchange names and the end-of-job notice."""

import json

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import GdprConsentCommon, GdprReliabilityCommon

JOB_LOGGER = "odoo.addons.crm_gdpr.models.gdpr_bulk_job"


@tagged("post_install", "-at_install")
class TestGdprInputs23Values(GdprReliabilityCommon):
    def test_f10_wizards_refuse_wrong_values(self):
        """Every wizard refuses wrong types and absurd values with a
        ValidationError, before the database sees them; nothing is stored."""
        Grant = self.env["gdpr.consent.bulk.grant"].with_user(self.user_officer)
        base = {
            "partner_ids": [Command.set(self.giver.ids)],
            "category_ids": [Command.set(self.category_marketing.ids)],
        }
        for vals in (
            {"source_id": "x"},
            {"source_id": {"id": 1}},
            {"source_id": True},
            {"lead_id": 2**40},
            {"lead_id": 1.5},
            {"date_given": "soon"},
            {"date_given": "2026-02-30"},
            {"date_given": 20261207},
            {"date_given": "0001-01-01"},
            {"partner_ids": [(4, "x")]},
            {"partner_ids": [(6, 0, "x")]},
            {"line_ids": [(0, 0, "x")]},
            {"line_ids": [(0, 0, {"text_id": "x"})]},
        ):
            with self.subTest(vals=vals), self.assertRaises(ValidationError):
                Grant.create({**base, **vals})
        Import = self.env["gdpr.consent.withdraw.import"].with_user(self.user_officer)
        for vals in (
            {"pasted": "a@example.com", "file": "not base64!!!"},
            {"pasted": ["a@example.com"]},
            {"pasted": "a@example.com", "reason_id": -1},
        ):
            with self.subTest(vals=vals), self.assertRaises(ValidationError):
                Import.create(vals)
        Report = self.env["gdpr.access.report.wizard"].with_user(self.user_officer)
        for lang in ("zzz", 1, [1]):
            with self.subTest(lang=lang), self.assertRaises(ValidationError):
                Report.create(
                    {"partner_ids": [Command.set(self.giver.ids)], "lang": lang}
                )
        Withdraw = self.env["gdpr.consent.bulk.withdraw"].with_user(self.user_officer)
        with self.assertRaises(ValidationError):
            Withdraw.create({"date_withdrawn": "soon"})
        Ask = self.env["gdpr.consent.request.wizard"].with_user(self.user_officer)
        with self.assertRaises(ValidationError):
            Ask.create({"text_ids": [(4, 2**40)]})
        # The pair (id, name) a read returns is taken, as by the models.
        wizard = Grant.create(
            {**base, "source_id": [self.records["gdpr.consent.source"].id, "x"]}
        )
        self.assertEqual(wizard.source_id, self.records["gdpr.consent.source"])

    def test_f11_model_values_are_checked_before_the_models_rules(self):
        record = self.records["gdpr.information.record"]
        notice = self.records["gdpr.information.notice"]
        text = self.records["gdpr.consent.text"]
        activity = self.records["gdpr.processing.activity"]
        for target, vals in (
            (record, {"partner_id": "x"}),
            (record, {"partner_id": 1.5}),
            (record, {"partner_id": True}),
            (record, {"lead_id": "x"}),
            (record, {"notice_id": "x"}),
            (notice, {"date_start": "soon"}),
            (notice, {"date_start": "2026-02-30"}),
            (notice, {"date_start": 20261207}),
            (notice, {"date_start": [2026, 1, 1]}),
            (text, {"attachment_id": True}),
            (activity, {"register_id": True}),
            (activity, {"register_id": 2**40}),
        ):
            with self.subTest(model=target._name, vals=vals):
                with self.assertRaises(ValidationError):
                    target.write(vals)

    def test_f11_nested_commands_are_checked_against_the_comodel(self):
        register = self.records["gdpr.processing.register"]
        activity = self.records["gdpr.processing.activity"]
        category = self.records["gdpr.consent.category"]
        breach = self.records["gdpr.breach"]
        notice = self.records["gdpr.information.notice"]
        for target, vals in (
            (activity, {"transfer_ids": [(0, 0, "x")]}),
            (register, {"joint_controller_ids": [(0, 0, "x")]}),
            (category, {"text_ids": [(0, 0, "x")]}),
            (notice, {"record_ids": [(0, 0, "x")]}),
            (breach, {"attachment_ids": [(0, 0, "x")]}),
            # Values of the comodel's fields, of the wrong type or unknown.
            (breach, {"attachment_ids": [(0, 0, {"bogus_field": 1})]}),
            (breach, {"attachment_ids": [(0, 0, {"name": ["a"]})]}),
            (activity, {"transfer_ids": [(0, 0, {"country_id": "x"})]}),
            (activity, {"transfer_ids": [(0, 0, {"country_id": 2**40})]}),
            (register, {"joint_controller_ids": [(0, 0, {"partner_id": 1.5})]}),
            (
                register,
                {
                    "joint_controller_ids": [
                        (
                            1,
                            self.records["gdpr.joint.controller"].id,
                            {"partner_id": "x"},
                        )
                    ]
                },
            ),
        ):
            with self.subTest(model=target._name, vals=vals):
                with self.assertRaises(ValidationError):
                    target.write(vals)
        # Valid nested values still go through.
        activity.write(
            {
                "transfer_ids": [
                    Command.create(
                        {
                            "country_id": self.country_ch.id,
                            "basis_id": self.basis_scc.id,
                        }
                    )
                ]
            }
        )
        self.assertIn(self.country_ch, activity.transfer_ids.country_id)
        # An attachment's raw content is bytes, not base64: taken.
        breach.write(
            {"attachment_ids": [Command.create({"name": "Log.txt", "raw": b"log"})]}
        )

    def test_f17_onchange_names_no_record_the_user_cannot_read(self):
        """Over every GDPR model and wizard users write: an onchange asked for
        a relational field's name with a record the user cannot read (another
        company's) is refused, naming nothing."""
        partner_2 = self.env["res.partner"].create(
            {"name": "Secret partner of company 2", "company_id": self.company_2.id}
        )
        lead_2 = (
            self.env["crm.lead"]
            .with_company(self.company_2)
            .create(
                {"name": "Secret lead of company 2", "company_id": self.company_2.id}
            )
        )
        hidden = {"res.partner": partner_2, "crm.lead": lead_2, **self.records_2}
        access = self.env["ir.model.access"].search(
            [
                ("model_id.model", "=like", "gdpr.%"),
                "|",
                ("perm_create", "=", True),
                ("perm_write", "=", True),
            ]
        )
        tried = 0
        for name in sorted(set(access.model_id.mapped("model"))):
            Model = self.env[name].with_user(self.user_officer)
            if not hasattr(Model, "_gdpr_check_onchange_readable"):
                # The termination dialog, while it has no value checks.
                continue
            for fname, field in Model._fields.items():
                record = hidden.get(field.comodel_name)
                if field.type not in ("many2one", "many2many") or not record:
                    continue
                readable = (
                    self.env[record._name]
                    .with_user(self.user_officer)
                    .browse(record.ids)
                    ._filtered_access("read")
                )
                if readable:
                    continue
                value = (
                    record.id if field.type == "many2one" else [Command.set(record.ids)]
                )
                spec = {fname: {"fields": {"display_name": {}}}}
                with self.subTest(model=name, field=fname):
                    with self.assertRaises(AccessError) as error:
                        Model.onchange({fname: value}, [], spec)
                    self.assertNotIn("Secret", str(error.exception))
                    self.assertNotIn(record.display_name, str(error.exception))
                    tried += 1
        self.assertGreater(tried, 30)
        # Through a context default too (the form opened from an action).
        Request = self.env["gdpr.request"].with_user(self.user_officer)
        spec = {"partner_id": {"fields": {"display_name": {}}}}
        with self.assertRaises(AccessError):
            Request.with_context(default_partner_id=partner_2.id).onchange({}, [], spec)
        # A readable record is named as before.
        result = Request.onchange({"partner_id": self.giver.id}, [], spec)
        self.assertEqual(
            result["value"]["partner_id"]["display_name"], self.giver.display_name
        )
        # The bulk grant wizard's lead of another salesperson.
        lead_other = self.env["crm.lead"].create(
            {"name": "Lead of the officer", "user_id": self.user_officer.id}
        )
        user_own = new_test_user(
            self.env,
            login="gdpr_sales_own23",
            groups="sales_team.group_sale_salesman,crm_gdpr.group_gdpr_user",
        )
        Grant = self.env["gdpr.consent.bulk.grant"].with_user(user_own)
        with self.assertRaises(AccessError):
            Grant.onchange(
                {"lead_id": lead_other.id},
                [],
                {"lead_id": {"fields": {"display_name": {}}}},
            )


@tagged("post_install", "-at_install")
class TestGdprInputs23Jobs(GdprConsentCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Job = cls.env["gdpr.bulk.job"]
        cls.Param = cls.env["ir.config_parameter"]

    def _notifications(self, user):
        self.env.cr.precommit.run()
        channel = json.dumps([self.env.cr.dbname, "res.partner", user.partner_id.id])
        return [
            json.loads(bus.message)["payload"]
            for bus in self.env["bus.bus"].sudo().search([])
            if bus.channel.replace(" ", "") == channel.replace(" ", "")
            and json.loads(bus.message)["type"] == "simple_notification"
        ]

    def _run(self):
        for _i in range(20):
            if not self.Job.search([("state", "in", ("queued", "running"))]):
                return
            self.Job._cron_gdpr_process_jobs()

    def test_f12_malformed_job_parameters_fall_back_to_the_defaults(self):
        consent = self._create_consent()
        for value in ("abc", "1e3", "5 000", "-1", "nan"):
            with self.subTest(value=value):
                self.Param.set_param("crm_gdpr.bulk_job_threshold", value)
                with self.assertLogs(JOB_LOGGER, "WARNING") as logs:
                    self.assertEqual(self.Job._gdpr_threshold(), 5000)
                self.assertIn("crm_gdpr.bulk_job_threshold", logs.output[0])
        for key, value, default in (
            ("crm_gdpr.bulk_job_batch_size", "abc", 500),
            ("crm_gdpr.bulk_job_batch_size", "0", 500),
            ("crm_gdpr.bulk_job_batch_seconds", "soon", 20),
            ("crm_gdpr.bulk_job_batch_seconds", "-1", 20),
            ("crm_gdpr.bulk_job_batch_seconds", "inf", 20),
        ):
            with self.subTest(key=key, value=value):
                self.Param.set_param(key, value)
                method = (
                    self.Job._gdpr_batch_seconds
                    if key.endswith("seconds")
                    else lambda key=key: self.Job._gdpr_param(key, 500, 1)
                )
                with self.assertLogs(JOB_LOGGER, "WARNING"):
                    self.assertEqual(method(), default)
        # A withdrawal never fails because of a configuration value.
        self.Param.set_param("crm_gdpr.bulk_job_threshold", "abc")
        wizard = (
            self.env["gdpr.consent.bulk.withdraw"]
            .with_user(self.user_officer)
            .create(
                {
                    "partner_ids": [Command.set(consent.partner_id.ids)],
                    "consent_ids": [Command.set(consent.ids)],
                }
            )
        )
        wizard.line_ids.to_withdraw = True
        with self.assertLogs(JOB_LOGGER, "WARNING"):
            wizard.action_withdraw()
        self.assertFalse(consent.active)
        # A job's batch size too.
        self.Param.set_param("crm_gdpr.bulk_job_threshold", "0")
        self.Param.set_param("crm_gdpr.bulk_job_batch_size", "many")
        with self.assertLogs(JOB_LOGGER, "WARNING"):
            job, _result = self.Job.with_user(self.user_officer)._gdpr_run_or_queue(
                "consent_withdraw", [consent.id], {}, "Withdrawal"
            )
        self.assertEqual(job.batch_size, 500)

    def test_f13_requests_never_sent_from_the_employees_address(self):
        company_3 = self.env["res.company"].create({"name": "Company Without Mail"})
        user = new_test_user(
            self.env,
            login="gdpr_officer_3",
            email="officer.personal@example.com",
            groups="sales_team.group_sale_salesman,crm_gdpr.group_gdpr_officer",
            company_id=company_3.id,
            company_ids=[Command.set(company_3.ids)],
        )
        Request = self.env["gdpr.consent.request"].with_user(user)
        partner = self.env["res.partner"].create(
            {"name": "Asked person", "email": "asked@example.com"}
        )
        text = self.env["gdpr.consent.text"].create(
            {
                "name": "Company 3 newsletter",
                "body": "<p>Newsletter of company 3.</p>",
                "category_id": self.category_newsletter.id,
                "date_start": "2020-01-01",
                "company_id": company_3.id,
            }
        )
        # No address of the company, no alias domain: not sent at all.
        with self.assertRaisesRegex(UserError, "Company Without Mail has no e-mail"):
            Request._gdpr_ask(partner, self.env["crm.lead"], text)
        self.assertFalse(
            self.env["mail.mail"].search([("email_from", "ilike", "officer.personal")])
        )
        # With an alias domain: the company's catchall, under its name.
        company_3.alias_domain_id = self.env["mail.alias.domain"].create(
            {"name": "company3.example.com"}
        )
        requests, _skipped = Request._gdpr_ask(partner, self.env["crm.lead"], text)
        mail = self.env["mail.mail"].search(
            [("model", "=", "gdpr.consent.request"), ("res_id", "in", requests.ids)]
        )
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.email_from, company_3.catchall_formatted)
        self.assertIn("Company Without Mail", mail.email_from)
        self.assertNotIn("officer.personal", mail.email_from)
        # With the company's own address: that one.
        company_3.email = "privacy@company3.example.com"
        requests, _skipped = Request._gdpr_ask(partner, self.env["crm.lead"], text)
        mail = self.env["mail.mail"].search(
            [("model", "=", "gdpr.consent.request"), ("res_id", "in", requests.ids)]
        )
        self.assertEqual(mail.email_from, company_3.email_formatted)

    def test_f14_job_of_two_companies_is_hidden_from_officers_of_one(self):
        both = self.company | self.company_2
        job = self.Job.create(
            {
                "name": "Requests in two companies",
                "job_type": "consent_request",
                "user_id": self.user_manager.id,
                "allowed_company_ids": [Command.set(both.ids)],
                "items": [["partner", self.partner.id], ["partner", 999]],
            }
        )
        job_1 = self.Job.create(
            {
                "name": "Requests in one company",
                "job_type": "consent_request",
                "user_id": self.user_manager.id,
                "allowed_company_ids": [Command.set(self.company.ids)],
            }
        )
        Job = self.Job.with_user(self.user_officer)
        self.assertEqual(Job.search([("id", "in", (job | job_1).ids)]), job_1)
        with self.assertRaises(AccessError):
            job.with_user(self.user_officer).read(["items"])
        # An officer working in both companies, in both, reads it.
        officer_ab = new_test_user(
            self.env,
            login="gdpr_officer_ab23",
            groups="sales_team.group_sale_salesman,crm_gdpr.group_gdpr_officer",
            company_id=self.company.id,
            company_ids=[Command.set(both.ids)],
        )
        Job_ab = self.Job.with_user(officer_ab)
        self.assertEqual(Job_ab.search([("id", "=", job.id)]), job)
        Job_ab = Job_ab.with_context(allowed_company_ids=self.company.ids)
        self.assertFalse(Job_ab.search([("id", "=", job.id)]))
        # Its user reads it whatever the companies.
        self.user_manager.company_ids = both
        self.assertTrue(job.with_user(self.user_manager).read(["items"]))

    def test_f18_job_with_skipped_items_ends_with_a_warning(self):
        consents = self._create_consent() | self._create_consent(
            partner_id=self.other_partner.id
        )
        self.Param.set_param("crm_gdpr.bulk_job_threshold", "1")
        job, _result = self.Job.with_user(self.user_officer)._gdpr_run_or_queue(
            "consent_withdraw", consents.ids, {}, "Withdrawal of 2 consents"
        )
        consents[0].action_withdraw()
        self._run()
        self.assertEqual((job.processed_count, job.skipped_count), (1, 1))
        (notice,) = self._notifications(self.user_officer)
        self.assertEqual(notice["type"], "warning")
        self.assertTrue(notice["sticky"])
        self.assertIn("1 processed, 1 skipped, 0 failed", notice["message"])
