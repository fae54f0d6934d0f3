import re

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.base.models.ir_qweb import QWebException

from .common import CLAUSES, GdprAgreementCommon, GdprDpiaCommon, html_text, pdf_text

AGREEMENT_REPORT = "crm_gdpr.gdpr_processor_agreement_report"
DPIA_REPORT = "crm_gdpr.gdpr_dpia_report"
REGISTER_REPORT = "crm_gdpr.action_report_gdpr_processing_register"


def load_polish(env):
    env["res.lang"]._activate_lang("pl_PL")
    env["ir.module.module"]._load_module_terms(["base", "crm_gdpr"], ["pl_PL"])


@tagged("post_install", "-at_install")
@freeze_time("2026-04-15 10:00:00")
class TestGdprProcessorAgreementReport(GdprAgreementCommon):
    def _agreement(self):
        clauses = dict(CLAUSES, clause_h_audits=False, clause_b_confidentiality=False)
        agreement = self._with_us_subprocessor(
            date_end="2027-12-31",
            nature_purpose="Storage and backups of the CRM",
            security_measures="Encryption at rest",
            **clauses,
        )
        agreement.action_confirm()
        return agreement

    def test_agreement_printout_lists_the_art_28_terms(self):
        agreement = self._agreement()
        text = pdf_text(self.env, AGREEMENT_REPORT, agreement, user=self.user_officer)
        for expected in [
            f"Processor Agreement {agreement.name}",
            "CloudHost Sp. z o.o.",
            "State In Force",
            "Signed On 03/01/2026",
            "End Date 12/31/2027",
            "Storage and backups of the CRM",
            "(a) Documented Instructions",
            "Missing clauses: (b) Confidentiality, (h) Information and Audits",
            "Sub-Processing: General authorization",
            "Example Cloud Inc. Backups United States",
            "United States Art. 46(2)(c)",
            "Encryption at rest",
            "Page 1 of",
        ]:
            self.assertIn(expected, text)

    def test_agreement_pdf_in_polish(self):
        load_polish(self.env)
        agreement = self._agreement()
        text = pdf_text(
            self.env, AGREEMENT_REPORT, agreement, user=self.user_officer, lang="pl_PL"
        )
        for expected in [
            f"Umowa powierzenia przetwarzania {agreement.name}",
            "Stan Obowiązujące",
            "Data zawarcia 01.03.2026",
            "Brakujące klauzule: (b) Poufność, (h) Informacje i audyty",
            "Dalsze powierzenie: Ogólna zgoda",
            "Dalsze podmioty przetwarzające",
            "Stany Zjednoczone",
            "Art. 46 ust. 2 lit. c",
            "Strona 1 z",
        ]:
            self.assertIn(expected, text)

    def test_only_officers_print_agreements(self):
        agreement = self._create()
        # QWeb wraps the AccessError of the first field it reads from the
        # database.
        self.env.invalidate_all()
        with self.assertRaises(QWebException) as caught:
            self.env["ir.actions.report"].with_user(self.user_sales)._render_qweb_html(
                AGREEMENT_REPORT, agreement.ids
            )
        self.assertIsInstance(caught.exception.__cause__, AccessError)


@tagged("post_install", "-at_install")
@freeze_time("2026-04-15 10:00:00")
class TestGdprDpiaReport(GdprDpiaCommon):
    def _dpia(self):
        dpia = self._create(
            risks=[("4", "4", "3", "3"), ("2", "2", "1", "1")],
            action_plan="Pseudonymise the scores by June.",
            date_consultation="2026-04-12",
            consultation_reference="DKN.123",
            consultation_outcome="No objection.",
            date_review="2027-04-15",
        )
        dpia.action_decide()
        return dpia

    def test_dpia_printout_follows_the_pia_report(self):
        dpia = self._dpia()
        text = pdf_text(self.env, DPIA_REPORT, dpia, user=self.user_officer)
        sections = [
            f"Data Protection Impact Assessment {dpia.name}",
            "1. Context",
            "2. Fundamental Principles",
            "3. Risks",
            "4. Action Plan",
            "5. Validation",
        ]
        positions = [text.index(section) for section in sections]
        self.assertEqual(positions, sorted(positions), "in the order of the PIA")
        for expected in [
            "Lead scoring",
            "Automated decision-making or profiling (Art. 35(3)(a))",
            "The CRM scores each lead.",
            "Only business contact data.",
            "Risk 1 Illegitimate access to data Maximum Maximum 16 (High) 9 (High)",
            "Pseudonymise the scores by June.",
            "Anna Inspektor 04/10/2026",
            "The processing may go ahead.",
            "Processing approved",
            "Required: the residual risk stays high.",
            "Authority consulted on 04/12/2026 (DKN.123)",
            "Review Date 04/15/2027",
        ]:
            self.assertIn(expected, text)

    def test_dpia_pdf_in_polish(self):
        load_polish(self.env)
        dpia = self._dpia()
        text = pdf_text(
            self.env, DPIA_REPORT, dpia, user=self.user_officer, lang="pl_PL"
        )
        for expected in [
            f"Ocena skutków dla ochrony danych {dpia.name}",
            "1. Kontekst",
            "2. Podstawowe zasady",
            "3. Ryzyka",
            "4. Plan działań",
            "5. Zatwierdzenie",
            "Risk 1 Nieuprawniony dostęp do danych Maksymalne Maksymalne 16 (Wysokie)",
            "Przetwarzanie zatwierdzone",
            "Wymagane: ryzyko szczątkowe pozostaje wysokie.",
            "Konsultacja z organem nadzorczym 12.04.2026 (DKN.123)",
        ]:
            self.assertIn(expected, text)

    def test_largest_dpia_keeps_every_footer_and_its_pages_compressed(self):
        """Red-team finding F11: 20 risks with 10,000 characters of measures
        and every text at 10,000 characters took about a minute, nearly all
        of it stamping the page footers by rewriting every page (7 MB). The
        pages are no longer rewritten and the footers are still on every
        page (the time is measured by make bench, not here)."""
        text = ("Lorem ipsum dolor sit amet consectetur " * 260)[:9999]
        dpia = self._create(
            risks=[("3", "3", "2", "2")] * 20,
            systematic_description=text,
            necessity_proportionality=text,
            data_subjects_views=text,
            action_plan=text,
            dpo_advice=text,
            decision_reason=text,
        )
        dpia.risk_ids.write({"measures": text})
        Report = self.env["ir.actions.report"].with_context(force_report_rendering=True)
        pdf, _type = Report.with_user(self.user_officer)._render_qweb_pdf(
            DPIA_REPORT, dpia.ids
        )
        self.assertLess(len(pdf), 2_000_000, "the pages are not rewritten")
        text = pdf_text(self.env, DPIA_REPORT, dpia, user=self.user_officer)
        total = int(re.search(r"Page 1 of (\d+)", text).group(1))
        self.assertGreater(total, 20)
        for number in range(1, total + 1):
            self.assertIn(f"Page {number} of {total}", text)
        self.assertEqual(text.count("Printed on "), total)

    def test_draft_dpia_says_it_is_not_decided(self):
        text = html_text(self.env, DPIA_REPORT, self._create(), user=self.user_officer)
        self.assertIn("Not decided yet (draft)", text)
        self.assertIn("Not required: the residual risk is not high.", text)


@tagged("post_install", "-at_install")
@freeze_time("2026-04-15 10:00:00")
class TestGdprProcessorRegisterReport(GdprAgreementCommon):
    def _register(self):
        client = self.env["res.partner"].create(
            {"name": "Shop Client S.A.", "is_company": True}
        )
        client_dpo = self.env["res.partner"].create({"name": "Jan Client-DPO"})
        return self.env["gdpr.processing.register"].create(
            {
                "title": "Processing for clients",
                "register_type": "processor",
                "use_company_data": True,
                "processor_controller_ids": [
                    (
                        0,
                        0,
                        {
                            "partner_id": client.id,
                            "dpo_id": client_dpo.id,
                            "agreement_reference": "DPA 2026/1",
                        },
                    )
                ],
                "activity_ids": [
                    (
                        0,
                        0,
                        {
                            "name": "Hosting of the shop's customer data",
                            "on_behalf_of_id": client.id,
                            "purpose": "Storage and backups",
                            "security_measures": "Encryption at rest",
                            "transfer_ids": [
                                (
                                    0,
                                    0,
                                    {
                                        "country_id": self.country_us.id,
                                        "basis_id": self.basis_scc.id,
                                    },
                                )
                            ],
                        },
                    )
                ],
            }
        )

    def test_processor_register_printout_follows_art_30_2(self):
        register = self._register()
        text = html_text(self.env, REGISTER_REPORT, register, user=self.user_officer)
        for expected in [
            f"Register of Categories of Processing Activities {register.name}",
            "Article 30(2)",
            "(a) Processor, representative and data protection officer",
            "Controllers on Whose Behalf the Processor Acts",
            "Shop Client S.A.",
            "Jan Client-DPO",
            "DPA 2026/1",
            "On Behalf of Controller Shop Client S.A.",
            "(b) Categories of Processing Storage and backups",
            "United States: ",
            "(d) Security Measures Encryption at rest",
        ]:
            self.assertIn(expected, text)
        self.assertNotIn("Legal Basis (Art. 6)", text)
        self.assertNotIn("Joint Controllers", text)

    def test_processor_register_pdf_in_polish(self):
        load_polish(self.env)
        register = self._register()
        text = pdf_text(
            self.env, REGISTER_REPORT, register, user=self.user_officer, lang="pl_PL"
        )
        for expected in [
            "Rejestr kategorii czynności przetwarzania",
            "art. 30 ust. 2",
            "Administratorzy, w imieniu których działa podmiot przetwarzający",
            "W imieniu administratora Shop Client S.A.",
            "(d) Środki bezpieczeństwa Encryption at rest",
        ]:
            self.assertIn(expected, text)
