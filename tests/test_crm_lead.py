from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import GdprConsentCommon


@tagged("post_install", "-at_install")
class TestCrmLeadConsents(GdprConsentCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lead = cls.env["crm.lead"].create(
            {
                "name": "Visitor at the fair",
                "type": "lead",
                "contact_name": "Ewa Wiśniewska",
                "email_from": "ewa@example.com",
                "user_id": cls.user_sales.id,
            }
        )
        cls.consent = cls.env["gdpr.consent"].create(
            {
                "lead_id": cls.lead.id,
                "category_id": cls.category_newsletter.id,
                "text_id": cls.text_newsletter.id,
                "date_given": "2025-01-01",
            }
        )

    def test_lead_consent_uses_lead_email(self):
        self.assertFalse(self.consent.partner_id)
        self.assertEqual(self.consent.contact_value, "ewa@example.com")
        self.assertEqual(self.lead.gdpr_consent_count, 1)
        self.assertEqual(self.lead.gdpr_consent_ids, self.consent)

    def test_conversion_hands_consents_over_to_new_partner(self):
        convert = Form(
            self.env["crm.lead2opportunity.partner"]
            .with_user(self.user_sales)
            .with_context(
                active_model="crm.lead",
                active_id=self.lead.id,
                active_ids=self.lead.ids,
            )
        )
        convert.name = "convert"
        convert.action = "create"
        convert.save().action_apply()
        self.assertTrue(self.lead.partner_id)
        self.assertEqual(self.consent.partner_id, self.lead.partner_id)
        self.assertEqual(
            self.lead.partner_id.gdpr_active_category_ids, self.category_newsletter
        )

    def test_assigning_a_partner_hands_consents_over(self):
        # A withdrawal that blacklists the lead's address would withdraw its
        # other synchronized consents (red team 15, F18): not this test's point.
        self.text_marketing.sync_blacklist = False
        withdrawn = self.env["gdpr.consent"].create(
            {
                "lead_id": self.lead.id,
                "category_id": self.category_marketing.id,
                "text_id": self.text_marketing.id,
                "date_given": "2025-01-01",
            }
        )
        withdrawn.action_withdraw()
        given_by_other = self._create_consent(
            partner_id=self.other_partner.id, lead_id=self.lead.id
        )
        self.lead.with_user(self.user_sales).partner_id = self.partner
        self.assertEqual(self.consent.partner_id, self.partner)
        self.assertEqual(withdrawn.partner_id, self.partner)
        self.assertEqual(given_by_other.partner_id, self.other_partner)
        self.assertEqual(self.partner.gdpr_consent_count, 1)

    def test_lead_with_consents_cannot_be_deleted_silently(self):
        with self.assertRaises(UserError):
            self.consent.unlink()
        self.assertTrue(self.consent.exists())

    def test_lead_form_shows_consents_to_sales_user(self):
        form = Form(self.lead.with_user(self.user_sales))
        self.assertEqual(form.gdpr_consent_count, 1)
        self.assertEqual(len(form.gdpr_consent_ids), 1)
