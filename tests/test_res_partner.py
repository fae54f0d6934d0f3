from odoo.tests import Form, tagged

from .common import GdprConsentCommon


@tagged("post_install", "-at_install")
class TestResPartnerConsents(GdprConsentCommon):
    def test_consent_state_and_active_categories(self):
        self.assertEqual(self.partner.gdpr_consent_state, "none")
        marketing = self._create_consent(date_given="2025-01-01")
        profiling = self._create_consent(
            category_id=self.category_profiling.id,
            text_id=self.text_profiling.id,
            date_given="2025-01-01",
        )
        self.assertEqual(self.partner.gdpr_consent_state, "active")
        self.assertEqual(
            self.partner.gdpr_active_category_ids,
            self.category_marketing | self.category_profiling,
        )
        self.assertEqual(self.partner.gdpr_consent_count, 2)
        marketing.action_withdraw()
        self.assertEqual(self.partner.gdpr_active_category_ids, self.category_profiling)
        self.assertEqual(self.partner.gdpr_consent_count, 1)
        profiling.action_withdraw()
        self.assertEqual(self.partner.gdpr_consent_state, "withdrawn")
        self.assertFalse(self.partner.gdpr_active_category_ids)
        self.assertEqual(self.partner.gdpr_consent_count, 0)
        self.assertEqual(
            self.partner.gdpr_consent_ids,
            marketing | profiling,
            "the consents tab lists withdrawn consents too",
        )

    def test_search_active_consent_in_category(self):
        self._create_consent(date_given="2025-01-01")
        withdrawn = self.env["gdpr.consent"].create(
            {
                "partner_id": self.other_partner.id,
                "category_id": self.category_marketing.id,
                "text_id": self.text_marketing.id,
                "date_given": "2025-01-01",
            }
        )
        withdrawn.action_withdraw()
        Partner = self.env["res.partner"].with_user(self.user_sales)
        found = Partner.search(
            [("gdpr_active_category_ids", "in", self.category_marketing.ids)]
        )
        self.assertIn(self.partner, found)
        self.assertNotIn(self.other_partner, found)
        self.assertFalse(
            Partner.search(
                [
                    ("id", "=", self.partner.id),
                    ("gdpr_active_category_ids", "in", self.category_newsletter.ids),
                ]
            )
        )

    def test_consent_status_costs_no_query_per_partner(self):
        partners = self.env["res.partner"].create(
            [{"name": f"Customer {i}", "email": f"c{i}@example.com"} for i in range(52)]
        )
        self.env["gdpr.consent"].create(
            [
                {
                    "partner_id": partner.id,
                    "category_id": self.category_marketing.id,
                    "text_id": self.text_marketing.id,
                    "date_given": "2025-01-01",
                }
                for partner in partners
            ]
        )
        fnames = [
            "gdpr_consent_state",
            "gdpr_active_category_ids",
            "gdpr_consent_count",
        ]
        self.env.flush_all()
        # Warm the caches reading from the database, as the chunks below do
        # (the record rules of partners are computed on a database read).
        self.env.invalidate_all()
        partners[:1].with_user(self.user_sales).read(fnames)
        for chunk in (partners[1:2], partners[2:]):
            self.env.invalidate_all()
            with self.assertQueryCount(5):
                chunk.with_user(self.user_sales).read(fnames)

    def test_partner_form_shows_consents_to_sales_user(self):
        self._create_consent(date_given="2025-01-01")
        form = Form(self.partner.with_user(self.user_sales))
        self.assertEqual(form.gdpr_consent_count, 1)
        self.assertEqual(len(form.gdpr_consent_ids), 1)
