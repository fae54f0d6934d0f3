from odoo import Command
from odoo.tests import Form, tagged

from .common import GdprConsentCommon, pdf_text

REPORT = "crm_gdpr.action_report_partner_personal_data"

# The Polish of the access report's headings (i18n/pl.po).
POLISH_AFTER_TRANSLATION = [
    "Kto przetwarza Twoje dane",
    "Administrator",
    "Inspektor ochrony danych",
    "Cele, kategorie danych i okresy przechowywania",
    "Odbiorcy w państwach trzecich i zabezpieczenia",
    "Skąd pochodzą Twoje dane",
    "Zautomatyzowane podejmowanie decyzji i profilowanie",
    "Twoje prawa",
    "Kopia naszej korespondencji z Tobą",
]


@tagged("post_install", "-at_install")
class TestGdprAccessReportArticle15(GdprConsentCommon):
    """Every item of Art. 15(1)-(3) in the access report."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dpo = cls.env["res.partner"].create(
            {"name": "Iwona Inspektor", "email": "iod@kowalski.example"}
        )
        cls.env.company.partner_id.write(
            {"email": "biuro@kowalski.example", "phone": "+48 61 000 00 00"}
        )
        source = cls.env["utm.source"].create({"name": "Trade fair Poznań 2026"})
        cls.lead = cls.env["crm.lead"].create(
            {
                "name": "Anna asks for a quote",
                "partner_id": cls.partner.id,
                "source_id": source.id,
            }
        )
        cls.lead.message_post(
            body="Quote sent for 12 chairs",
            subject="Your quote",
            message_type="comment",
        )
        cls.partner.message_post(
            body="Phoned about the delivery date", message_type="comment"
        )
        cls.register = cls.env["gdpr.processing.register"].create(
            {
                "title": "Register",
                "use_company_data": True,
                "dpo_id": cls.dpo.id,
                "activity_ids": [
                    Command.create(
                        {
                            "name": "Sales",
                            "purpose": "Offers and contracts",
                            "legal_basis": "b",
                            "personal_data_categories": "Name, email, phone",
                            "recipient_categories": "Couriers",
                            "erasure_deadlines": "Six years after the contract",
                            "collected_from_subject": False,
                            "data_source": "Business directories",
                            "automated_decision": True,
                            "automated_decision_logic": "Credit limit from the "
                            "payment history",
                            "transfer_ids": [
                                Command.create(
                                    {
                                        "country_id": cls.env.ref("base.us").id,
                                        "basis_id": cls.env.ref(
                                            "crm_gdpr.gdpr_transfer_basis_art46_2c"
                                        ).id,
                                        "details": "SCC signed with the CRM host",
                                    }
                                )
                            ],
                        }
                    )
                ],
            }
        )

    def test_every_item_of_article_15(self):
        self._create_consent()
        text = pdf_text(self.env, REPORT, self.partner, user=self.user_officer)
        for expected in [
            # controller's and DPO's contacts
            "Who processes your data",
            "Controller",
            self.env.company.name,
            "biuro@kowalski.example",
            "Data protection officer Iwona Inspektor",
            "iod@kowalski.example",
            # (a)-(d) purposes, per purpose the categories, recipients, storage
            "Purposes, categories of data and storage periods",
            "Offers and contracts",
            "Name, email, phone",
            "Couriers",
            "Six years after the contract",
            # Art. 15(2) third-country recipients and safeguards
            "Recipients in third countries and their safeguards",
            "United States",
            "Art. 46(2)(c) – Standard data protection clauses",
            "SCC signed with the CRM host",
            # (e)-(f) rights and complaint
            "lodge a complaint with the supervisory authority",
            # (g) source
            "Where your data comes from",
            "Trade fair Poznań 2026",
            "Business directories",
            # (h) automated decisions
            "Automated decision-making and profiling",
            "Credit limit from the payment history",
            # Art. 15(3) copy of the data, communications included
            "Copy of our communications with you",
            "Your quote",
            "Quote sent for 12 chairs",
            "Phoned about the delivery date",
            "Page 1 of",
        ]:
            self.assertIn(expected, text)

    def test_printed_in_the_language_the_user_chooses(self):
        self.env["res.lang"]._activate_lang("pl_PL")
        self.env["ir.module.module"]._load_module_terms(
            ["base", "web", "crm_gdpr"], ["pl_PL"]
        )
        self.partner.lang = "pl_PL"
        self.user_officer.lang = "en_US"
        wizard = Form(
            self.env["gdpr.access.report.wizard"]
            .with_user(self.user_officer)
            .with_context(active_model="res.partner", active_ids=self.partner.ids)
        )
        self.assertEqual(wizard.lang, "pl_PL", "the partner's language by default")
        wizard.lang = "en_US"
        action = wizard.save().action_print()
        self.assertEqual(action["report_name"], "crm_gdpr.report_partner_personal_data")
        self.assertEqual(action["data"], {"lang": "en_US"})
        english = pdf_text(
            self.env,
            REPORT,
            self.partner,
            user=self.user_officer,
            data={"lang": "en_US"},
        )
        self.assertIn("Personal data report", english)
        polish = pdf_text(self.env, REPORT, self.partner, user=self.user_officer)
        self.assertIn("Stany Zjednoczone", polish, "the partner's language")
        self.assertIn("Raport danych osobowych", polish)
        for expected in POLISH_AFTER_TRANSLATION:
            self.assertIn(expected, polish)
        self.assertNotIn("Stany Zjednoczone", english)

    def test_rows_never_split_across_pages(self):
        html = (
            self.env["ir.actions.report"]
            .with_user(self.user_officer)
            ._render_qweb_html(REPORT, self.partner.ids)[0]
            .decode()
        )
        self.assertIn("page-break-inside: avoid", html)
        self.assertIn("display: table-header-group", html)
        self.assertIn("o_gdpr_print", html)
