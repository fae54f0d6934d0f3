from freezegun import freeze_time

from odoo.tests import tagged

from .common import pdf_text
from .test_gdpr_breach import GdprBreachCommon

REPORT = "crm_gdpr.gdpr_breach_report"


@tagged("post_install", "-at_install")
class TestGdprBreachReport(GdprBreachCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write({"name": "Kowalski Trade sp. z o.o.", "vat": "PL5260250274"})
        with freeze_time("2026-10-27 12:00:00"):
            cls.breach = cls.Breach.create(
                {
                    "dpo_id": cls.dpo.id,
                    "date_breach": "2026-10-22",
                    # 10:00 in Warsaw, before the end of daylight-saving time
                    "date_discovered": "2026-10-23 08:00:00",
                    "records_count": 1234,
                    "breach_confidentiality": True,
                    "breach_availability": True,
                    "nature": "Laptop stolen from the car park",
                    "discovery_description": "Reported by the employee",
                    "subjects_description": "About 800 customers' contact persons",
                    "consequences": "Phishing attempts",
                    "measures": "Remote wipe and password reset",
                    "is_reported": True,
                    "date_reported": "2026-10-27",
                    "delay_reason": "Waiting for the police report",
                    "report_type": "follow_up",
                    "authority_reference": "DKN.5130.42.2026",
                    "risk_level": "high",
                    "subjects_notified": True,
                    "date_subjects_notified": "2026-10-27",
                    "subjects_notification_method": "Individual emails",
                }
            )
            cls.second = cls.Breach.create(
                {
                    "dpo_id": cls.dpo.id,
                    "date_breach": "2026-10-26",
                    "date_discovered": "2026-10-26 08:00:00",
                    "nature": "Newsletter sent with visible recipients",
                    "no_report_reason": "Unlikely to result in a risk",
                    "risk_level": "none",
                }
            )
        cls.env["ir.attachment"].create(
            {
                "name": "police-report.pdf",
                "raw": b"%PDF-1.4",
                "res_model": "gdpr.breach",
                "res_id": cls.breach.id,
            }
        )

    def _pdf_text(self, records, user=None):
        lang = (user or self.env.user).lang
        return pdf_text(self.env, REPORT, records, user=user, lang=lang)

    def test_report_printable_from_form_and_list(self):
        report = self.env.ref(REPORT)
        self.assertEqual(report.binding_model_id.model, "gdpr.breach")
        self.assertEqual(report.binding_type, "report")
        self.assertEqual(report.report_type, "qweb-pdf")

    def test_pdf_lists_the_notification_in_english(self):
        self.user_officer.lang = "en_US"
        text = self._pdf_text(self.breach, user=self.user_officer)
        for expected in [
            "Personal data breach",
            self.breach.name,
            # controller and DPO with contact data
            "Controller",
            "Kowalski Trade sp. z o.o.",
            "Data protection officer",
            "Anna Inspektor",
            "iod@example.com",
            "+48 22 123 45 67",
            # timeline: the deadline in local time, an hour earlier after DST
            "Breach date 10/22/2026",
            "Discovered on 10/23/2026 10:00:00",
            "Notification deadline (72 hours) 10/26/2026 09:00:00 (Europe/Warsaw)",
            "Report date 10/27/2026",
            "Reasons for the delay Waiting for the police report",
            "Report type Follow-up",
            "Authority case reference DKN.5130.42.2026",
            # nature, subjects, records, consequences, measures
            "What was breached: confidentiality, availability",
            "Laptop stolen from the car park",
            "About 800 customers' contact persons",
            "Number of records affected: 1,234",
            "Phishing attempts",
            "Remote wipe and password reset",
            # Art. 34
            "Communication to the data subjects (Art. 34 GDPR)",
            "Risk to data subjects High risk",
            "Data subjects informed Yes",
            "Individual emails",
            # attachments by name
            "police-report.pdf",
        ]:
            self.assertIn(expected, text)

    def test_several_breaches_print_at_once(self):
        # One PDF from the list, also with Debian's wkhtmltopdf (one input only).
        text = self._pdf_text(self.breach | self.second, user=self.user_officer)
        for expected in [
            self.breach.name,
            self.second.name,
            "Unlikely to result in a risk",
            "Not reported",
        ]:
            self.assertIn(expected, text)

    def test_pdf_in_polish_when_the_user_language_is_polish(self):
        """Needs the Polish translations of the report's labels in i18n/pl.po."""
        self.env["res.lang"]._activate_lang("pl_PL")
        self.env["ir.module.module"]._load_module_terms(["web", "crm_gdpr"], ["pl_PL"])
        self.user_officer.lang = "pl_PL"
        text = self._pdf_text(self.breach, user=self.user_officer)
        for expected in [
            "Naruszenie ochrony danych osobowych",
            "Administrator",
            "Inspektor ochrony danych",
            "Data naruszenia 22.10.2026",
            "Data stwierdzenia 23.10.2026 10:00:00",
            "Termin zgłoszenia (72 godziny) 26.10.2026 09:00:00",
            "Data zgłoszenia 27.10.2026",
            "Przyczyny opóźnienia",
            "Charakter naruszenia",
            "Możliwe konsekwencje",
            "Podjęte lub proponowane środki",
            "Zawiadomienie osób, których dane dotyczą (art. 34 RODO)",
            "Wysokie ryzyko",
            "Załączniki",
            "police-report.pdf",
            "Liczba rekordów, których dotyczy naruszenie: 1234",
        ]:
            self.assertIn(expected, text)
