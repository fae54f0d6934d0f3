from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import GdprRegisterCommon, html_text, pdf_text

REPORT = "crm_gdpr.action_report_gdpr_processing_register"


@tagged("post_install", "-at_install")
class TestGdprProcessingRegisterReport(GdprRegisterCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.representative = cls.env["res.partner"].create(
            {"name": "EU Representative GmbH", "is_company": True, "city": "Berlin"}
        )
        cls.joint_partner = cls.env["res.partner"].create(
            {"name": "Partner Marketing Sp. z o.o.", "is_company": True}
        )
        cls.basis_consent = cls.env.ref("crm_gdpr.gdpr_transfer_basis_art49_1a")
        cls.register = cls.env["gdpr.processing.register"].create(
            {
                "title": "Customer data",
                "controller_id": cls.controller.id,
                "controller_address_id": cls.controller_office.id,
                "representative_id": cls.representative.id,
                "dpo_id": cls.dpo.id,
                "joint_controller_ids": [
                    (
                        0,
                        0,
                        {
                            "partner_id": cls.joint_partner.id,
                            "date_from": "2025-01-15",
                            "description": "Joint newsletter campaigns",
                        },
                    )
                ],
                "activity_ids": [
                    (
                        0,
                        0,
                        {
                            "name": "Customer relationship management",
                            "purpose": "Handling offers and contracts",
                            "legal_basis": "b",
                            "data_subject_categories": "Customers and prospects",
                            "personal_data_categories": "Name, email, phone",
                            "recipient_categories": "Courier companies",
                            "erasure_deadlines": "Five years after the contract",
                            "security_measures": "Encrypted backups",
                            "transfer_ids": [
                                (
                                    0,
                                    0,
                                    {
                                        "country_id": cls.env.ref("base.us").id,
                                        "basis_id": cls.basis_adequacy.id,
                                        "details": "Data Privacy Framework",
                                    },
                                ),
                                (
                                    0,
                                    0,
                                    {
                                        "country_id": cls.env.ref("base.in").id,
                                        "basis_id": cls.basis_scc.id,
                                    },
                                ),
                            ],
                        },
                    ),
                    (
                        0,
                        0,
                        {
                            "name": "Newsletter",
                            "legal_basis": "a",
                            "transfer_ids": [
                                (
                                    0,
                                    0,
                                    {
                                        "country_id": cls.env.ref("base.jp").id,
                                        "basis_id": cls.basis_consent.id,
                                    },
                                )
                            ],
                        },
                    ),
                ],
            }
        )

    def _pdf_text(self, register, user=None, lang="en_US"):
        return pdf_text(self.env, REPORT, register, user=user, lang=lang)

    def _html_text(self, register, user=None):
        return html_text(self.env, REPORT, register, user=user)

    def test_printed_register_contains_the_whole_register(self):
        text = self._html_text(self.register, user=self.user_officer)
        self.assertIn(self.register.name, text)
        self.assertIn("Customer data", text)
        for expected in (
            # header: controller, representative, DPO and their addresses
            "Acme Holding S.A.",
            "ul. Prosta 1",
            "Poznań",
            "EU Representative GmbH",
            "Berlin",
            "Jan Nowak",
            "Gdańsk",
            # joint controllers
            "Partner Marketing Sp. z o.o.",
            "01/15/2025",
            "Joint newsletter campaigns",
            # activities with all their fields
            "Customer relationship management",
            "Newsletter",
            "Handling offers and contracts",
            "Art. 6(1)(b)",
            "Art. 6(1)(a)",
            "Customers and prospects",
            "Name, email, phone",
            "Courier companies",
            "Five years after the contract",
            "Encrypted backups",
            # transfers: country and basis
            "United States",
            "India",
            "Japan",
            "Data Privacy Framework",
        ):
            with self.subTest(expected=expected):
                self.assertIn(expected, text)
        self.assertNotIn("--", text, "no placeholder for an empty address")
        for transfer in self.register.activity_ids.transfer_ids:
            with self.subTest(basis=transfer.basis_id.legal_reference):
                self.assertIn(transfer.basis_id.legal_reference, text)
                self.assertIn(" ".join(transfer.basis_id.name.split()), text)
        for activity in self.register.activity_ids:
            self.assertIn(activity.code, text)

    def test_printed_register_in_polish(self):
        self.env["res.lang"]._activate_lang("pl_PL")
        self.env["ir.module.module"]._load_module_terms(["base"], ["pl_PL"])
        text = self._pdf_text(self.register, lang="pl_PL")
        self.assertIn("Stany Zjednoczone", text, "country names in Polish")
        self.assertIn("Japonia", text)
        self.assertIn("15.01.2025", text, "dates in the Polish format")
        self.assertIn("Acme Holding S.A.", text)
        english = self._pdf_text(self.register, lang="en_US")
        self.assertIn("United States", english)
        self.assertNotIn("Stany Zjednoczone", english)

    def test_sales_user_cannot_print_the_register(self):
        with self.assertRaises(Exception) as caught:
            self._html_text(self.register, user=self.user_sales)
        # QWeb wraps the error raised while rendering.
        error = caught.exception
        while error and not isinstance(error, AccessError):
            error = error.__cause__ or error.__context__
        self.assertIsInstance(error, AccessError)

    def test_print_button_returns_the_report(self):
        action = self.register.with_user(self.user_officer).action_print_register()
        self.assertEqual(action["type"], "ir.actions.report")
        self.assertEqual(
            action["report_name"], "crm_gdpr.report_gdpr_processing_register"
        )
