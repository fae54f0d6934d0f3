from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import GdprConsentCommon, html_text


@tagged("post_install", "-at_install")
class TestGdprErasure(GdprConsentCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lead = cls.env["crm.lead"].create(
            {
                "name": "Anna's enquiry",
                "partner_id": cls.partner.id,
                "email_from": "anna@example.com",
            }
        )
        cls.consent = cls.env["gdpr.consent"].create(
            cls._consent_vals(lead_id=cls.lead.id)
        )
        cls.consent_withdrawn = cls.env["gdpr.consent"].create(
            cls._consent_vals(
                category_id=cls.category_post.id,
                text_id=cls.text_post.id,
                address_id=cls.partner_address.id,
                contact_channel_id=cls.channel_mobile.id,
            )
        )
        cls.consent_withdrawn.action_withdraw(reason=cls.reason_request)
        cls.other_consent = cls.env["gdpr.consent"].create(
            cls._consent_vals(partner_id=cls.other_partner.id)
        )

    def _lookup(self, user=None):
        Wizard = self.env["privacy.lookup.wizard"]
        if user:
            Wizard = Wizard.with_user(user)
        wizard = Wizard.create({"name": "Anna Kowalska", "email": "anna@example.com"})
        wizard.action_lookup()
        return wizard

    def _consent_lines(self, wizard):
        return wizard.line_ids.filtered(lambda line: line.res_model == "gdpr.consent")

    def test_lookup_finds_the_consents_of_the_person(self):
        wizard = self._lookup(self.user_officer)
        found = set(self._consent_lines(wizard).mapped("res_id"))
        self.assertEqual(found, {self.consent.id, self.consent_withdrawn.id})
        self.assertIn(
            self.lead.id,
            wizard.line_ids.filtered(lambda line: line.res_model == "crm.lead").mapped(
                "res_id"
            ),
        )

    def test_erasure_anonymises_consents_and_logs_it(self):
        self.consent.message_post(body="Called Anna Kowalska at +48 601 234 567")
        wizard = self._lookup(self.user_officer)
        for line in self._consent_lines(wizard):
            line.action_unlink()
        consents = self.consent | self.consent_withdrawn
        self.assertEqual(len(consents.exists()), 2, "consents are never deleted")
        for consent in consents:
            self.assertTrue(consent.is_anonymized)
            self.assertFalse(consent.partner_id)
            self.assertFalse(consent.lead_id)
            self.assertFalse(consent.address_id)
            self.assertFalse(consent.contact_channel_id)
            self.assertFalse(consent.contact_value)
            self.assertEqual(consent.state, "withdrawn")
            # The anonymous fact of the consent stays.
            self.assertTrue(consent.name)
            self.assertTrue(consent.date_given)
            self.assertEqual(consent.text_body, consent.text_id.body)
            chatter = " ".join(
                consent.message_ids.mapped(lambda m: str(m.body))
                + consent.message_ids.tracking_value_ids.mapped(
                    lambda t: f"{t.old_value_char} {t.new_value_char}"
                )
            )
            for trace in ("Anna", "Kowalska", "anna@example.com", "601 234 567"):
                self.assertNotIn(trace, chatter)
        self.assertEqual(
            self.consent.withdrawal_reason_id,
            self.reason_request,
            "an erased active consent is withdrawn at the data subject's request",
        )
        self.assertEqual(self.other_consent.partner_id, self.other_partner)
        # The lookup writes its log when its results are flushed (the end of
        # the request); its lines come in no fixed order.
        self.env.flush_all()
        log = wizard.log_id
        self.assertTrue(log, "the erasure is in the privacy log")
        for consent in consents:
            self.assertIn(consent.name, log.execution_details)
        self.assertNotIn("Kowalska", log.anonymized_name)

    def test_erased_consent_stays_immutable(self):
        self.consent._gdpr_anonymize()
        with self.assertRaises(UserError):
            self.consent.write({"partner_id": self.partner.id})
        with self.assertRaises(UserError):
            self.consent.write({"lead_id": self.lead.id})

    def test_sales_user_cannot_erase(self):
        with self.assertRaises(AccessError):
            self._lookup(self.user_sales)
        with self.assertRaises(AccessError):
            self.consent.with_user(self.user_sales)._privacy_lookup_erase()
        self.assertEqual(self.consent.partner_id, self.partner)

    def test_lookup_does_not_widen_the_officer_rights(self):
        wizard = self._lookup(self.user_officer)
        user = self.env["res.users"].create(
            {"name": "Anna Kowalska", "login": "anna@example.com"}
        )
        wizard.action_lookup()
        line = wizard.line_ids.filtered(
            lambda line: line.res_model == "res.users" and line.res_id == user.id
        )
        self.assertTrue(line)
        with self.assertRaises(AccessError):
            line.action_unlink()
        self.assertTrue(user.exists())


@tagged("post_install", "-at_install")
class TestGdprRetention(GdprConsentCommon):
    def _withdrawn_consent(self, category, text, months_ago, **vals):
        today = fields.Date.today()
        with freeze_time(today - relativedelta(months=months_ago, days=1)):
            consent = self._create_consent(
                category_id=category.id,
                text_id=text.id,
                date_given=fields.Date.today() - relativedelta(days=10),
                **vals,
            )
            consent.action_withdraw()
        return consent

    def test_retention_job_selects_exactly_the_expired_consents(self):
        self.category_marketing.write(
            {"retention_months": 12, "retention_auto_anonymize": True}
        )
        self.category_profiling.write({"retention_months": 6})
        expired = self._withdrawn_consent(
            self.category_marketing, self.text_marketing, 13
        )
        kept = self._withdrawn_consent(self.category_marketing, self.text_marketing, 11)
        expired_listed = self._withdrawn_consent(
            self.category_profiling, self.text_profiling, 7
        )
        kept_listed = self._withdrawn_consent(
            self.category_profiling, self.text_profiling, 5
        )
        with freeze_time(fields.Date.today() - relativedelta(months=30)):
            active_old = self._create_consent()
        no_retention = self._withdrawn_consent(self.category_post, self.text_post, 40)
        logs_before = self.env["privacy.log"].search_count([])

        self.env["gdpr.consent"]._cron_gdpr_retention()

        self.assertTrue(expired.is_anonymized)
        self.assertFalse(expired.partner_id)
        for consent in kept | expired_listed | kept_listed | active_old | no_retention:
            self.assertFalse(consent.is_anonymized)
            self.assertEqual(consent.partner_id, self.partner)
        self.assertTrue(expired.retention_expired)
        self.assertTrue(expired_listed.retention_expired)
        self.assertFalse(
            (kept | kept_listed | active_old | no_retention).filtered(
                "retention_expired"
            )
        )
        self.assertEqual(self.env["privacy.log"].search_count([]), logs_before + 1)
        listed = (
            self.env["gdpr.consent"]
            .with_context(active_test=False)
            .search([("retention_expired", "=", True), ("is_anonymized", "=", False)])
        )
        self.assertEqual(listed & (expired_listed | kept_listed), expired_listed)


@tagged("post_install", "-at_install")
class TestGdprAccessReport(GdprConsentCommon):
    def test_access_report_lists_what_we_hold(self):
        consent = self._create_consent()
        withdrawn = self._create_consent(
            category_id=self.category_post.id,
            text_id=self.text_post.id,
            contact_channel_id=self.channel_mobile.id,
        )
        withdrawn.action_withdraw(reason=self.reason_request)
        self.env["crm.lead"].create(
            {"name": "Anna asks for a quote", "partner_id": self.partner.id}
        )
        self.category_marketing.retention_months = 24
        text = html_text(
            self.env,
            "crm_gdpr.action_report_partner_personal_data",
            self.partner,
            user=self.user_officer,
        )
        for expected in (
            "Personal data report",
            "Anna Kowalska",
            "anna@example.com",
            consent.name,
            withdrawn.name,
            self.text_marketing.name,
            self.text_post.name,
            "I agree to receive offers by post or phone.",
            self.reason_request.name,
            "Anna asks for a quote",
            "24 months",
        ):
            self.assertIn(expected, text)

    def test_sales_user_cannot_print_the_access_report(self):
        with self.assertRaises(AccessError):
            self.env["ir.actions.report"].with_user(self.user_sales)._render_qweb_pdf(
                "crm_gdpr.action_report_partner_personal_data", self.partner.ids
            )
