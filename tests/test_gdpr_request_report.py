from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import GdprRequestCommon, html_text, pdf_text

REPORT = "crm_gdpr.gdpr_request_report_response"


@tagged("post_install", "-at_install")
@freeze_time("2026-03-20 12:00:00")
class TestGdprRequestReport(GdprRequestCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("pl_PL")
        cls.company.name = "Kowalski Trade sp. z o.o."
        cls.person.lang = "en_US"

    def _letter(self, request, pdf=False, **kwargs):
        """The letter's text; ``pdf``: from the printed PDF (its footer)."""
        render = pdf_text if pdf else html_text
        return render(self.env, REPORT, request, user=self.user_officer, **kwargs)

    def test_letter_states_what_was_done(self):
        request = self._create(
            response="We sent you a copy of the data we hold about you."
        )
        request.action_done()
        text = self._letter(request)
        self.assertIn(f"Your request {request.name}", text)
        self.assertIn("Ewa Nowak", text)
        self.assertIn("ul. Lipowa 3", text)
        self.assertIn("Access (Art. 15)", text)
        self.assertIn("Received on 03/10/2026", text)
        self.assertIn("This is what we did:", text)
        self.assertIn("We sent you a copy of the data we hold about you.", text)
        self.assertIn("right to lodge a complaint with a supervisory authority", text)
        self.assertIn("Data Protection Officer", text, "signed by the handler")

    def test_refusal_letter_gives_reasons_and_the_right_to_complain(self):
        request = self._create(
            request_type="erasure",
            refusal_reason="The invoices must be kept for five years (tax law).",
        )
        request.action_refuse()
        text = self._letter(request)
        self.assertIn("Erasure (Art. 17)", text)
        self.assertIn("We are not taking action on it", text)
        self.assertIn("The invoices must be kept for five years (tax law).", text)
        self.assertIn("right to lodge a complaint with a supervisory authority", text)
        self.assertIn("judicial remedy (Art. 79 GDPR)", text)
        self.assertIn("Personal Data Protection Office", text)
        self.assertIn("UODO", text)
        self.assertIn("ul. Stawki 2, 00-193 Warszawa", text)

    def test_uodo_only_for_a_polish_controller(self):
        self.company.country_id = self.env.ref("base.de")
        request = self._create(refusal_reason="Manifestly unfounded")
        request.action_refuse()
        text = self._letter(request)
        self.assertIn("right to lodge a complaint with a supervisory authority", text)
        self.assertNotIn("UODO", text)

    def test_extension_letter_gives_the_new_date_and_the_reasons(self):
        request = self._create(
            is_extended=True, extension_reason="Your request covers 20 years of data."
        )
        text = self._letter(request)
        self.assertIn("extended by two further months, until 06/10/2026", text)
        self.assertIn("Your request covers 20 years of data.", text)

    def test_acknowledgement_of_an_open_request(self):
        text = self._letter(self._create())
        self.assertIn("by 04/10/2026 at the latest", text)

    def test_letter_in_the_language_of_the_requester(self):
        self.person.lang = "pl_PL"
        request = self._create(response="Przesłaliśmy kopię danych.")
        self.assertEqual(request.lang, "pl_PL")
        request.action_done()
        # The printing user reads English; the letter is in the requester's
        # language: Polish dates (and, with pl.po, Polish wording).
        text = self._letter(request, pdf=True, lang="en_US")
        self.assertIn("10.03.2026", text)
        self.assertNotIn("03/10/2026", text)
        self.assertIn("Przesłaliśmy kopię danych.", text)
        self._load_polish()
        text = self._letter(request, pdf=True, lang="en_US")
        for expected in [
            f"Twoje żądanie {request.name}",
            "Żądanie Dostęp do danych (art. 15)",
            "Data otrzymania 10.03.2026",
            "Termin odpowiedzi 10.04.2026",
            "Rozpatrzyliśmy Twoje żądanie z dnia 10.03.2026, złożone na podstawie "
            "ogólnego rozporządzenia o ochronie danych (RODO). Podjęliśmy "
            "następujące działania:",
            "masz prawo wnieść skargę do organu nadzorczego (art. 77 RODO)",
            "Z poważaniem",
        ]:
            self.assertIn(expected, text)
        self.assertNotIn("Your request", text)

    def test_refusal_and_extension_letters_in_polish(self):
        self.person.lang = "pl_PL"
        self._load_polish()
        request = self._create(
            request_type="erasure",
            refusal_reason="Faktury przechowujemy przez pięć lat (prawo podatkowe).",
        )
        request.action_refuse()
        text = self._letter(request, pdf=True)
        for expected in [
            "Usunięcie danych (art. 17)",
            "Nie podejmujemy działań w związku z tym żądaniem z następujących "
            "przyczyn:",
            # one sentence naming Art. 12(4), no "(art. 79 RODO) (art. 12
            # ust. 4 RODO)"; a formal greeting, no name in the nominative
            "Szanowna Pani / Szanowny Panie,",
            "Zgodnie z art. 12 ust. 4 RODO informujemy, że przysługuje Ci prawo "
            "wniesienia skargi do organu nadzorczego",
            "oraz prawo do skutecznego środka ochrony prawnej przed sądem "
            "(art. 79 RODO).",
            "W Polsce organem nadzorczym jest Prezes Urzędu Ochrony Danych "
            "Osobowych (UODO), ul. Stawki 2, 00-193 Warszawa",
        ]:
            self.assertIn(expected, text)
        self.assertNotIn(") (art.", text)
        # the footer in the letter's language, not the printing officer's
        self.assertIn("Strona 1 z 1", text)
        self.assertNotIn("Dzień dobry", text)
        extended = self._create(
            is_extended=True, extension_reason="Żądanie obejmuje dane z 20 lat."
        )
        text = self._letter(extended)
        self.assertIn(
            "termin udzielenia odpowiedzi zostaje przedłużony o kolejne dwa "
            "miesiące, do dnia 10.06.2026, z następujących przyczyn:",
            text,
        )
        text = self._letter(self._create())
        self.assertIn(
            "Twoje żądanie otrzymaliśmy dnia 10.03.2026 i odpowiemy na nie bez "
            "zbędnej zwłoki, najpóźniej do dnia 10.04.2026 (art. 12 ust. 3 RODO).",
            text,
        )

    def _load_polish(self):
        self.env["ir.module.module"]._load_module_terms(["crm_gdpr"], ["pl_PL"])

    def test_only_officers_print_the_letter(self):
        request = self._create()
        with self.assertRaises(AccessError):
            self.env["ir.actions.report"].with_user(self.user_sales)._render_qweb_html(
                REPORT, request.ids
            )
