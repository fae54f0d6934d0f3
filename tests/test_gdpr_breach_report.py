from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from .common import GdprBreachCommon, html_text, pdf_text

REPORT = "crm_gdpr.gdpr_breach_report"

# The Polish of the breach PDF's headings and labels (i18n/pl.po).
POLISH_AFTER_TRANSLATION = [
    "1. Zgłoszenie",
    "2. Administrator",
    "3. Inspektor ochrony danych",
    "Zakończenie naruszenia 22.10.2026",
    "6. Kategorie danych osobowych",
    "☒ Dane kontaktowe",
    "☒ Numer PESEL",
    "7. Osoby i rekordy, których dotyczy naruszenie",
    "8. Możliwe konsekwencje",
    "9. Podjęte lub proponowane środki",
    "10. Zawiadomienie osób, których dane dotyczą (art. 34 RODO)",
    "Liczba zawiadomionych osób 790",
    "Treść zawiadomienia Your contact data may have leaked",
    "11. Naruszenie transgraniczne",
    "Inne organy nadzorcze BfDI (Germany)",
    "12. Podmiot przetwarzający",
    "13. Osoba dokonująca zgłoszenia",
    "14. Załączniki",
    "Strona 1 z",
    "Wydrukowano",
]


@tagged("post_install", "-at_install")
class TestGdprBreachReport(GdprBreachCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write({"name": "Kowalski Trade sp. z o.o.", "vat": "PL5260250274"})
        cls.processor = cls.env["res.partner"].create(
            {"name": "Hosting Serwis S.A.", "email": "abuse@hosting.example"}
        )
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
                    "communication_content": "Your contact data may have leaked",
                    "subjects_notified_count": 790,
                    "date_breach_end": "2026-10-22",
                    "data_category_ids": [
                        Command.set(
                            [
                                cls.env.ref("crm_gdpr.gdpr_data_category_contact").id,
                                cls.env.ref(
                                    "crm_gdpr.gdpr_data_category_national_id"
                                ).id,
                            ]
                        )
                    ],
                    "processor_id": cls.processor.id,
                    "notifier_id": cls.dpo.id,
                    "is_cross_border": True,
                    "other_authorities": "BfDI (Germany)",
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
            cls.initial = cls.Breach.create(
                {
                    "dpo_id": cls.dpo.id,
                    "date_breach": "2026-10-26",
                    "date_discovered": "2026-10-26 08:00:00",
                    "nature": "Ransomware on the file server",
                    "risk_level": "high",
                    "is_ongoing": True,
                    "is_reported": True,
                    "reported_at": "2026-10-27 11:59:00",
                    "report_type": "initial",
                    "subjects_decision_reason": "Still being assessed",
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

    def _html_text(self, records, user=None):
        lang = (user or self.env.user).lang
        return html_text(self.env, REPORT, records, user=user, lang=lang)

    def test_report_printable_from_form_and_list(self):
        report = self.env.ref(REPORT)
        self.assertEqual(report.binding_model_id.model, "gdpr.breach")
        self.assertEqual(report.binding_type, "report")
        self.assertEqual(report.report_type, "qweb-pdf")

    def test_notification_lists_every_item_in_english(self):
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
            "Report date 10/27/2026 13:00:00",
            "Reported after the deadline Yes",
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
            "Number of data subjects informed 790",
            "Content of the communication Your contact data may have leaked",
            # the UODO form's items of Art. 33(3)
            "Breach end 10/22/2026",
            "Categories of personal data",
            "☒ Contact data",
            "☒ National ID number (PESEL)",
            "☐ Identity data",
            "☐ Special categories of data (Art. 9 GDPR)",
            "Cross-border breach",
            "Data subjects in other Member States Yes",
            "Other supervisory authorities BfDI (Germany)",
            "Processor involved",
            "Hosting Serwis S.A.",
            "Person submitting the notification",
            # attachments by name
            "police-report.pdf",
            # footer on every page
            "Page 1 of",
            "Printed on",
        ]:
            self.assertIn(expected, text)
        self.assertNotIn("Still to come", text, "a follow-up with every item")

    def test_initial_notification_says_what_is_still_to_come(self):
        self.user_officer.lang = "en_US"
        text = self._html_text(self.initial, user=self.user_officer)
        for expected in [
            "Report type Initial",
            "Breach end Still ongoing",
            "Report date 10/27/2026 12:59:00",
            "Reported after the deadline No",
            "Still to come in a later phase (Art. 33(4) GDPR):",
            "categories of personal data",
            "likely consequences",
            "measures taken or proposed",
            "person submitting the notification",
            "Person submitting the notification Not given yet",
        ]:
            self.assertIn(expected, text)

    def test_every_page_is_numbered(self):
        text = self._pdf_text(self.breach | self.second, user=self.user_officer)
        pages = int(text.split("Page 1 of ")[1].split()[0])
        self.assertGreaterEqual(pages, 2)
        for page in range(1, pages + 1):
            self.assertIn(f"Page {page} of {pages}", text)

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
            "Data naruszenia 22.10.2026",
            "Data stwierdzenia 23.10.2026 10:00:00",
            "Termin zgłoszenia (72 godziny) 26.10.2026 09:00:00",
            "Data zgłoszenia 27.10.2026 13:00:00",
            "Przyczyny opóźnienia",
            "Charakter naruszenia",
            "Wysokie ryzyko",
            "Wysokie ryzyko",
            "police-report.pdf",
            "Liczba rekordów, których dotyczy naruszenie: 1234",
        ]:
            self.assertIn(expected, text)
        for expected in POLISH_AFTER_TRANSLATION:
            self.assertIn(expected, text)
        self.assertNotIn("Page 1 of", text)
