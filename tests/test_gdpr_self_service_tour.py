from odoo.tests import tagged

from .common import GdprTourCommon


@tagged("post_install", "-at_install")
class TestGdprSelfServiceTour(GdprTourCommon):
    """The public pages in headless Chromium, as an anonymous visitor, in
    English and in Polish (the person's language)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.text_marketing = cls.env.ref("crm_gdpr.gdpr_consent_text_marketing")
        cls.text_newsletter = cls.env.ref("crm_gdpr.gdpr_consent_text_newsletter")
        cls.text_newsletter.public = True

    def _start_public_tour(self, url, tour):
        self._start_tour(url, tour, self.env["res.users"])

    def _check_preferences_tour(self, lang, tour):
        self.partner.lang = lang
        consent = self.env["gdpr.consent"].create(
            {
                "partner_id": self.partner.id,
                "category_id": self.text_marketing.category_id.id,
                "text_id": self.text_marketing.id,
            }
        )
        self._start_public_tour(self.partner._gdpr_preferences_url(), tour)
        self.assertEqual(consent.state, "withdrawn")
        self.assertEqual(
            consent.withdrawal_source_id,
            self.env.ref("crm_gdpr.gdpr_withdrawal_source_preference_page"),
        )
        self.assertTrue(consent.withdrawn_user_agent)
        given = self.partner.gdpr_consent_ids.filtered(
            lambda c: c.text_id == self.text_newsletter
        )
        self.assertEqual(given.state, "active")
        self.assertTrue(given.confirmed_at)
        self.assertIn("Chrome", given.confirmed_user_agent)

    def test_tour_preferences(self):
        self._check_preferences_tour("en_US", "crm_gdpr_preferences")

    def test_tour_preferences_polish(self):
        self._check_preferences_tour("pl_PL", "crm_gdpr_preferences_pl")

    def _check_confirmation_tour(self, lang, tour):
        self.partner.lang = lang
        request, _skipped = self.env["gdpr.consent.request"]._gdpr_ask(
            self.partner, self.env["crm.lead"], self.text_newsletter
        )
        self._start_public_tour(request._gdpr_confirmation_url(), tour)
        self.assertEqual(request.state, "confirmed")
        self.assertEqual(request.consent_ids.text_id, self.text_newsletter)
        self.assertIn("Chrome", request.consent_ids.confirmed_user_agent)

    def test_tour_consent_confirmation(self):
        self._check_confirmation_tour("en_US", "crm_gdpr_consent_confirmation")

    def test_tour_consent_confirmation_polish(self):
        self._check_confirmation_tour("pl_PL", "crm_gdpr_consent_confirmation_pl")
