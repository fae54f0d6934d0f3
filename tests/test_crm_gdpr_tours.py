from odoo.tests import new_test_user, tagged

from .common import GdprTourCommon


@tagged("post_install", "-at_install")
class TestCrmGdprTours(GdprTourCommon):
    """The main journeys of crm_gdpr in the web client, in headless Chromium.

    The tours live in ``static/tests/tours/``. Each one runs with the
    interface in English and in Polish (the ``_pl`` variant first checks that
    the interface is in Polish). A tour that cannot start its browser fails
    instead of being skipped (see ``GdprTourCommon``).
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        sales_groups = "sales_team.group_sale_salesman"
        cls.user_sales = new_test_user(
            cls.env, login="tour_sales", groups=sales_groups, name="Tour Salesperson"
        )
        cls.user_sales_pl = new_test_user(
            cls.env,
            login="tour_sales_pl",
            groups=sales_groups,
            name="Handlowiec",
            lang="pl_PL",
        )
        cls.dpo = cls.env["res.partner"].create(
            {"name": "Jan Inspektor", "email": "iod@example.com"}
        )
        cls.category_marketing = cls.env.ref("crm_gdpr.gdpr_consent_category_marketing")
        cls.category_newsletter = cls.env.ref(
            "crm_gdpr.gdpr_consent_category_newsletter"
        )

    def _create_lead(self, user):
        return self.env["crm.lead"].create(
            {
                "name": "Newsletter at the fair",
                "type": "opportunity",
                "partner_id": self.partner.id,
                "user_id": user.id,
            }
        )

    # ------------------------------------------------------------------
    # 1. Register a consent on a lead and withdraw it
    # ------------------------------------------------------------------
    def _check_lead_consent_tour(self, user, tour):
        lead = self._create_lead(user)
        self._start_tour(f"/odoo/crm/{lead.id}", tour, user)
        consent = lead.gdpr_consent_ids
        self.assertEqual(len(consent), 1, "the tour registers one consent")
        self.assertEqual(consent.partner_id, self.partner)
        self.assertEqual(consent.category_id, self.category_marketing)
        self.assertEqual(
            consent.text_id, self.env.ref("crm_gdpr.gdpr_consent_text_marketing")
        )
        self.assertEqual(consent.contact_channel_id.kind, "email")
        self.assertEqual(consent.contact_value, "anna.kowalska@example.com")
        self.assertEqual(consent.create_uid, user)
        self.assertEqual(consent.state, "withdrawn")
        self.assertEqual(
            consent.withdrawal_reason_id,
            self.env.ref("crm_gdpr.gdpr_withdrawal_reason_unsubscribe"),
        )
        self.assertTrue(consent.date_withdrawn)
        # The consent text asks for it: the email is blacklisted.
        self.assertTrue(
            self.env["mail.blacklist"].search(
                [("email", "=", "anna.kowalska@example.com")]
            )
        )

    def test_tour_lead_consent(self):
        self._check_lead_consent_tour(self.user_sales, "crm_gdpr_lead_consent")

    def test_tour_lead_consent_polish(self):
        self._check_lead_consent_tour(self.user_sales_pl, "crm_gdpr_lead_consent_pl")

    # ------------------------------------------------------------------
    # 2. Bulk grant from the Consents tab of a contact
    # ------------------------------------------------------------------
    def _check_bulk_grant_tour(self, user, tour):
        self._start_tour(f"/odoo/contacts/{self.partner.id}", tour, user)
        consents = self.partner.gdpr_consent_ids
        self.assertEqual(
            consents.category_id, self.category_marketing | self.category_newsletter
        )
        self.assertEqual(len(consents), 2)
        self.assertEqual(set(consents.mapped("state")), {"active"})
        self.assertEqual(
            set(consents.mapped("contact_value")), {"anna.kowalska@example.com"}
        )
        self.assertEqual(consents.create_uid, user)
        self.assertEqual(self.partner.gdpr_consent_count, 2)

    def test_tour_bulk_grant(self):
        self._check_bulk_grant_tour(self.user_sales, "crm_gdpr_bulk_grant")

    def test_tour_bulk_grant_polish(self):
        self._check_bulk_grant_tour(self.user_sales_pl, "crm_gdpr_bulk_grant_pl")

    # ------------------------------------------------------------------
    # 3. The officer builds and prints a register of processing activities
    # ------------------------------------------------------------------
    def _check_processing_register_tour(self, user, tour):
        Register = self.env["gdpr.processing.register"]
        existing = Register.search([])
        self._start_tour(
            "/odoo/action-crm_gdpr.gdpr_processing_register_action", tour, user
        )
        register = Register.search([]) - existing
        self.assertEqual(len(register), 1, "the tour creates one register")
        self.assertEqual(register.title, "Customer relationship data")
        self.assertTrue(register.use_company_data)
        self.assertEqual(register.controller_id, register.company_id.partner_id)
        self.assertEqual(register.dpo_id, self.dpo)
        self.assertRegex(register.name, r"^\d{4}/\d{2}/\d{2}/\d+$")
        activity = register.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.name, "Newsletter sending")
        self.assertEqual(activity.legal_basis, "a")
        self.assertEqual(
            activity.purpose, "Sending the monthly newsletter to subscribers"
        )
        self.assertTrue(activity.code)
        transfer = activity.transfer_ids
        self.assertEqual(len(transfer), 1)
        self.assertEqual(transfer.country_id, self.env.ref("base.cl"))
        self.assertEqual(
            transfer.basis_id, self.env.ref("crm_gdpr.gdpr_transfer_basis_art46_2c")
        )
        self.assertEqual(transfer.details, "Mailing service provider in Santiago")

    def test_tour_processing_register(self):
        self._check_processing_register_tour(
            self.user_officer, "crm_gdpr_processing_register"
        )

    def test_tour_processing_register_polish(self):
        self._check_processing_register_tour(
            self.user_officer_pl, "crm_gdpr_processing_register_pl"
        )

    # ------------------------------------------------------------------
    # 4. The officer records a breach, reports it and prints it
    # ------------------------------------------------------------------
    def _check_breach_tour(self, user, tour):
        # The DPO proposed for a breach is the one of the company's register.
        self.env["gdpr.processing.register"].create(
            {"title": "Register", "dpo_id": self.dpo.id}
        )
        Breach = self.env["gdpr.breach"]
        existing = Breach.search([])
        self._start_tour("/odoo/action-crm_gdpr.gdpr_breach_action", tour, user)
        breach = Breach.search([]) - existing
        self.assertEqual(len(breach), 1, "the tour records one breach")
        self.assertEqual(breach.dpo_id, self.dpo)
        self.assertEqual(breach.records_count, 120)
        self.assertTrue(breach.breach_confidentiality)
        self.assertFalse(breach.breach_integrity)
        self.assertEqual(
            breach.nature, "A mailing list was sent to all subscribers in the To field"
        )
        self.assertEqual(
            breach.subjects_description,
            "120 newsletter subscribers, email addresses only",
        )
        self.assertTrue(breach.is_reported)
        self.assertEqual(breach.date_reported, breach.date_breach)
        self.assertEqual(breach.report_type, "initial")
        self.assertEqual(breach.risk_level, "risk")
        self.assertEqual(breach.create_uid, user)

    def test_tour_breach(self):
        self._check_breach_tour(self.user_officer, "crm_gdpr_breach")

    def test_tour_breach_polish(self):
        self._check_breach_tour(self.user_officer_pl, "crm_gdpr_breach_pl")
