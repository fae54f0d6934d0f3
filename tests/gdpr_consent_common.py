from odoo import fields

from .common import GdprCommon


class GdprConsentCommon(GdprCommon):
    """Consent givers and texts for the consent register tests."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.text_marketing = cls.env.ref("crm_gdpr.gdpr_consent_text_marketing")
        cls.text_newsletter = cls.env.ref("crm_gdpr.gdpr_consent_text_newsletter")
        cls.category_profiling = cls.env.ref("crm_gdpr.gdpr_consent_category_profiling")
        cls.text_profiling = cls.env.ref("crm_gdpr.gdpr_consent_text_profiling")
        cls.channel_email = cls.env.ref("crm_gdpr.gdpr_channel_email")
        cls.channel_phone = cls.env.ref("crm_gdpr.gdpr_channel_phone")
        cls.channel_mobile = cls.env.ref("crm_gdpr.gdpr_channel_mobile")
        cls.reason_request = cls.env.ref("crm_gdpr.gdpr_withdrawal_reason_request")
        cls.reason_mistake = cls.env.ref("crm_gdpr.gdpr_withdrawal_reason_mistake")
        cls.category_post = cls.env["gdpr.consent.category"].create(
            {"name": "Postal offers"}
        )
        cls.terms = cls.env["ir.attachment"].create(
            {"name": "Terms.pdf", "raw": b"%PDF-1.4 terms"}
        )
        cls.text_post = cls.env["gdpr.consent.text"].create(
            {
                "name": "Offers by post and phone",
                "body": "<p>I agree to receive offers by post or phone.</p>",
                "category_id": cls.category_post.id,
                "date_start": "2020-01-01",
                "applies_to_addresses": True,
                "applies_to_contacts": True,
                "channel_ids": [
                    fields.Command.set((cls.channel_phone | cls.channel_mobile).ids)
                ],
                "attachment_id": cls.terms.id,
                "sync_blacklist": True,
            }
        )
        cls.partner = cls.env["res.partner"].create(
            {
                "name": "Anna Kowalska",
                "email": "anna@example.com",
                "phone": "+48 22 123 45 67",
                "mobile": "+48 601 234 567",
                "lang": "en_US",
            }
        )
        cls.partner_address = cls.env["res.partner"].create(
            {
                "name": "Anna Kowalska, home",
                "type": "delivery",
                "parent_id": cls.partner.id,
                "street": "ul. Długa 1",
                "city": "Gdańsk",
            }
        )
        cls.other_partner = cls.env["res.partner"].create(
            {"name": "Jan Nowak", "email": "jan@example.com"}
        )

    def _consent_vals(self, **vals):
        return {
            "partner_id": self.partner.id,
            "category_id": self.category_marketing.id,
            "text_id": self.text_marketing.id,
            **vals,
        }

    def _create_consent(self, **vals):
        return self.env["gdpr.consent"].create(self._consent_vals(**vals))
