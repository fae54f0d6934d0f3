import re
import shutil
import subprocess

import polib
from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged
from odoo.tools.misc import file_path

from .common import GdprConsentCommon, pdf_text

# Polish a DPO would write (issue 14). Lead: keep these when translating.
# Corrected in pl.po (same msgid):
CORRECTED_POLISH = {
    # zgoda is feminine: the consent's state and "Active" filter
    "Active": "Aktywna",
    "Withdrawn": "Wycofana",
    # the form says what the PDF says
    "Report Type": "Rodzaj zgłoszenia",
    "Overdue": "Po terminie",
    "Leads and opportunities": "Leady i szanse",
    # the verb agrees whatever the country ("Niemcy należą"): "to państwo"
    "%(country)s belongs to the European Economic Area: it is not a third "
    "country, a transfer to it needs no justification under GDPR Chapter V.": (
        "%(country)s: to państwo należy do Europejskiego Obszaru Gospodarczego, "
        "nie jest państwem trzecim i przekazanie do niego danych nie wymaga "
        "uzasadnienia na podstawie rozdziału V RODO."
    ),
}
# Strings whose Polish the lead checked after regenerating the pot (issue 14
# and later): code strings (read through _()) and view terms.
POLISH_CODE_STRINGS = {
    "Anonymized consent %(details)s": "Zanonimizowano zgodę %(details)s",
    "Consent registered.": "Zarejestrowano zgodę.",
    "Printed on %s": "Wydrukowano %s",
    "Page %(page)s of %(total)s": "Strona %(page)s z %(total)s",
    "Not a third country": "To nie jest państwo trzecie",
    # issue 14, last reading: the evidence refusals name the model in Polish
    # ("Zgoda RODO"), never in the middle of a sentence
    "“%(field)s” of %(model)s is assigned automatically and never changes.": (
        "Pole „%(field)s” (%(model)s) jest nadawane automatycznie i nigdy się "
        "nie zmienia."
    ),
    "“%(value)s” is not the %(channel)s of the consent giver: the related "
    "contact records the giver's own data.": (
        "„%(value)s” to nie jest wartość kanału „%(channel)s” wyrażającego "
        "zgodę: powiązany kontakt zapisuje własne dane wyrażającego."
    ),
}
POLISH_VIEW_TERMS = {
    "crm_gdpr.report_partner_personal_data_document": [
        "Imię i nazwisko",
        # "24 miesięcy" is wrong Polish: the abbreviation fits every number
        "Przechowywana przez",
        "mies. po wycofaniu, a następnie usuwana.",
    ],
    "crm_gdpr.gdpr_consent_category_view_list": ["Przechowywanie (mies.)"],
    "crm_gdpr.gdpr_consent_category_view_form": ["<span>mies.</span>"],
    # the buttons open the wizards "Dodaj zgody" / "Wycofaj zgody"
    "crm_gdpr.gdpr_consent_view_list": ["Dodaj zgody", "Wycofaj zgody"],
    "crm_gdpr.gdpr_consent_bulk_grant_view_form": ["Utwórz zgody"],
    "crm_gdpr.gdpr_data_category_view_list": ["Dane wrażliwe"],
    # the event's number, not "Sekwencja"
    "crm_gdpr.gdpr_evidence_event_view_list": ["Nr zdarzenia"],
}
# The chatter's first line of each record: a Polish sentence, not Odoo's
# "<model> utworzono" ("Naruszenie ochrony danych osobowych RODO utworzono").
CREATION_MESSAGES = {
    "gdpr.breach": "Zarejestrowano naruszenie.",
    "gdpr.request": "Zarejestrowano żądanie.",
    "gdpr.consent": "Zarejestrowano zgodę.",
    "gdpr.processing.register": "Utworzono rejestr czynności przetwarzania.",
    "gdpr.processing.activity": "Dodano czynność przetwarzania do rejestru.",
    "gdpr.transfer": "Dodano przekazanie danych do państwa trzeciego.",
    "gdpr.joint.controller": "Dodano współadministratora.",
    "gdpr.consent.text": "Utworzono treść zgody.",
    "gdpr.consent.category": "Dodano pozycję słownika: Kategoria zgody RODO",
    "gdpr.withdrawal.reason": "Dodano pozycję słownika: Powód wycofania zgody RODO",
}
# A moment printed in Polish: the language's format and the zone named.
MOMENT = r"\d\d\.\d\d\.\d{4} \d\d:\d\d:\d\d \(%s\)"


@tagged("post_install", "-at_install")
class TestCrmGdprPolish(GdprConsentCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("pl_PL")
        cls.env["ir.module.module"]._load_module_terms(
            ["base", "crm_gdpr"], ["pl_PL"], overwrite=True
        )
        cls.env_pl = cls.env(context=dict(cls.env.context, lang="pl_PL"))

    def test_corrected_polish_strings(self):
        eea = next(key for key in CORRECTED_POLISH if "%(country)s" in key)
        self.assertEqual(self.env_pl._(eea), CORRECTED_POLISH[eea])
        report = self.env.ref("crm_gdpr.report_partner_personal_data_document")
        self.assertIn(
            CORRECTED_POLISH["Leads and opportunities"],
            report.with_context(lang="pl_PL").arch_db,
        )
        self.assertIn(
            "Aktywna",
            self.env.ref("crm_gdpr.gdpr_consent_view_search")
            .with_context(lang="pl_PL")
            .arch_db,
        )

    def test_polish_code_strings_and_view_terms(self):
        for source, polish in POLISH_CODE_STRINGS.items():
            self.assertEqual(self.env_pl._(source), polish)
        for xmlid, terms in POLISH_VIEW_TERMS.items():
            arch = self.env.ref(xmlid).with_context(lang="pl_PL").arch_db
            for term in terms:
                self.assertIn(term, arch, xmlid)

    def test_pl_po_is_complete_and_valid(self):
        """Every entry of pl.po is translated, none fuzzy, placeholders kept,
        and msgfmt accepts the file."""
        po_path = file_path("crm_gdpr/i18n/pl.po")
        if not shutil.which("msgfmt"):
            self.skipTest("gettext's msgfmt is not installed")
        result = subprocess.run(
            ["msgfmt", "-c", "-o", "/dev/null", po_path],
            capture_output=True,
            text=True,
            check=False,
        )
        self.assertEqual((result.returncode, result.stderr), (0, ""))
        placeholder = re.compile(r"%\([a-z_]+\)s|%s|<[^>]+>")
        for entry in polib.pofile(po_path):
            if entry.obsolete:
                continue
            self.assertTrue(entry.msgstr, entry.msgid)
            self.assertNotIn("fuzzy", entry.flags, entry.msgid)
            self.assertEqual(
                sorted(placeholder.findall(entry.msgstr)),
                sorted(placeholder.findall(entry.msgid)),
                entry.msgid,
            )

    def test_consent_state_and_breach_labels_in_polish(self):
        Consent = self.env_pl["gdpr.consent"]
        states = dict(Consent._fields["state"]._description_selection(self.env_pl))
        self.assertEqual(states["active"], "Aktywna")
        self.assertEqual(states["withdrawn"], "Wycofana")
        Breach = self.env_pl["gdpr.breach"]
        self.assertEqual(
            Breach._fields["report_type"]._description_string(self.env_pl),
            "Rodzaj zgłoszenia",
        )
        self.assertEqual(
            Breach._fields["is_overdue"]._description_string(self.env_pl),
            "Po terminie",
        )

    def test_eea_refusal_agrees_with_a_plural_country(self):
        germany = self.env.ref("base.de").with_context(lang="pl_PL")
        message = (
            self.env_pl["gdpr.transfer"]
            .with_context(lang="pl_PL")
            ._get_eea_message(germany)
        )
        self.assertTrue(message.startswith("Niemcy: to państwo należy"), message)

    def test_adding_an_activity_reads_as_polish(self):
        """The dialog adding an activity to a register: "Utwórz czynność
        przetwarzania", not Odoo's "Create %s" with the capitalised tab name."""
        arch = self.env_pl["gdpr.processing.register"].get_view(
            self.env.ref("crm_gdpr.gdpr_processing_register_view_form").id
        )["arch"]
        self.assertIn('string="czynność przetwarzania"', arch)

    def test_refusals_point_to_the_real_menu(self):
        consent = self._create_consent()
        with self.assertRaisesRegex(UserError, "CRM → GDPR → Privacy Lookup"):
            consent.unlink()
        menu = self.env.ref("crm_gdpr.crm_gdpr_menu_privacy_lookup")
        self.assertEqual(menu.parent_id, self.env.ref("crm_gdpr.crm_gdpr_menu_root"))
        self.assertEqual(menu.parent_id.parent_id, self.env.ref("crm.crm_menu_root"))

    def test_creation_messages_are_polish_sentences(self):
        for model, message in CREATION_MESSAGES.items():
            self.assertEqual(
                str(self.env_pl[model].browse()._creation_message()), message, model
            )
        # and they are what the chatter shows
        env = self.env(context=dict(self.env_pl.context, tracking_disable=False))
        breach = env["gdpr.breach"].create(
            {
                "dpo_id": self.partner.id,
                "date_breach": "2026-03-01",
                "date_discovered": "2026-03-02 09:00:00",
            }
        )
        self.assertIn("Zarejestrowano naruszenie.", breach.message_ids[-1:].body)
        request = env["gdpr.request"].create(
            {"requester_name": "Jan Nowak", "request_type": "access"}
        )
        self.assertIn("Zarejestrowano żądanie.", request.message_ids[-1:].body)

    def test_evidence_refusals_name_the_model_in_polish(self):
        consent = self._create_consent().with_context(lang="pl_PL")
        with self.assertRaisesRegex(
            UserError,
            r"^Pole „Identyfikator zgody” \(Zgoda RODO\) jest nadawane automatycznie",
        ):
            consent.write({"name": "CONS/0000/000000"})
        with self.assertRaisesRegex(
            UserError, rf"^Zgoda RODO {consent.name}: ten rekord stanowi dowód"
        ):
            consent.copy()

    def test_retention_erasure_is_logged_in_polish(self):
        consent = self._create_consent()
        consent.action_withdraw()
        consent.with_context(lang="pl_PL")._gdpr_retention_erase()
        log = self.env["privacy.log"].search(
            [("execution_details", "ilike", consent.name)]
        )
        self.assertEqual(
            log.execution_details,
            f"Zanonimizowane zgody (1): {consent.name}; upłynął okres "
            "przechowywania po wycofaniu (kategorie: Marketing)",
        )


@tagged("post_install", "-at_install")
class TestCrmGdprPolishClocks(GdprConsentCommon):
    """Reminders, overdue notes and printed moments, read in Polish: words and
    dates in one language, every moment with its zone."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("pl_PL")
        cls.env["ir.module.module"]._load_module_terms(
            ["base", "crm_gdpr"], ["pl_PL"], overwrite=True
        )
        cls.company.partner_id.tz = "Europe/Warsaw"
        officer = "sales_team.group_sale_salesman,crm_gdpr.group_gdpr_officer"
        cls.officer_pl = new_test_user(
            cls.env,
            login="iod_pl",
            groups=officer,
            name="Inspektor",
            lang="pl_PL",
            tz="Europe/Warsaw",
        )
        cls.officer_london = new_test_user(
            cls.env,
            login="iod_london",
            groups=officer,
            name="DPO London",
            lang="pl_PL",
            tz="Europe/London",
        )

    def _breach(self, **vals):
        # Recorded in an English session: the DPO's reminder is Polish all the same.
        return (
            self.env["gdpr.breach"]
            .with_context(lang="en_US")
            .create(
                {
                    "dpo_id": self.officer_pl.partner_id.id,
                    "date_breach": "2026-03-01",
                    "date_discovered": "2026-03-02 09:00:00",
                    "nature": "Skradziony laptop",
                    "risk_level": "risk",
                    **vals,
                }
            )
        )

    def test_breach_reminder_and_overdue_note_in_the_dpos_polish(self):
        # Recorded and noted by an English-speaking session (the daily job):
        # the DPO reads Polish, with the zone of the moment.
        with freeze_time("2026-03-02 10:00:00"):
            breach = self._breach()
        self.assertEqual(
            breach.activity_ids.summary,
            "Zgłoś naruszenie organowi nadzorczemu do 05.03.2026 10:00:00 "
            "(Europe/Warsaw)",
        )
        with freeze_time("2026-03-05 09:15:00"):
            self.env["gdpr.breach"].with_context(lang="en_US")._cron_post_overdue()
        self.assertEqual(
            breach.message_ids[:1].body,
            "<p>72-godzinny termin zgłoszenia naruszenia organowi nadzorczemu "
            "minął 05.03.2026 10:00:00 (Europe/Warsaw), a naruszenie nie "
            "zostało zgłoszone.</p>",
        )

    @freeze_time("2026-03-20 12:00:00")
    def test_request_reminder_and_overdue_note_in_the_handlers_polish(self):
        request = (
            self.env["gdpr.request"]
            .with_context(lang="en_US")
            .create(
                {
                    "requester_name": "Jan Nowak",
                    "request_type": "access",
                    "date_received": "2026-02-10",
                    "user_id": self.officer_pl.id,
                }
            )
        )
        self.assertEqual(
            request.activity_ids.summary,
            f"Odpowiedz na żądanie {request.name} do 10.03.2026",
        )
        self.env["gdpr.request"].with_context(lang="en_US")._cron_post_overdue()
        self.assertEqual(
            request.message_ids[:1].body,
            "<p>Termin odpowiedzi na żądanie upłynął 10.03.2026, a odpowiedzi "
            "nie udzielono.</p>",
        )

    def test_every_moment_of_the_breach_pdf_names_its_zone(self):
        with freeze_time("2026-03-10 12:00:00"):
            breach = self._breach(
                is_reported=True,
                reported_at="2026-03-06 11:00:00",
                delay_reason="Czekaliśmy na raport policji",
            )
        text = pdf_text(
            self.env, "crm_gdpr.gdpr_breach_report", breach, user=self.officer_pl
        )
        for expected in [
            "Data stwierdzenia 02.03.2026 10:00:00 (Europe/Warsaw)",
            "Termin zgłoszenia (72 godziny) 05.03.2026 10:00:00 (Europe/Warsaw)",
            "Data zgłoszenia 06.03.2026 12:00:00 (Europe/Warsaw)",
            # what the code words too: the items still to come, the footer
            "Do uzupełnienia w kolejnym etapie (art. 33 ust. 4 RODO): czego "
            "dotyczy naruszenie (poufność, integralność, dostępność)",
            "Strona 1 z 2",
        ]:
            self.assertIn(expected, text)
        self.assertRegex(text, "Wydrukowano " + MOMENT % "Europe/Warsaw")
        # Printed by a user in another zone: every moment in that one zone,
        # the footer's too, and said so.
        text = pdf_text(
            self.env, "crm_gdpr.gdpr_breach_report", breach, user=self.officer_london
        )
        for expected in [
            "Data stwierdzenia 02.03.2026 09:00:00 (Europe/London)",
            "Termin zgłoszenia (72 godziny) 05.03.2026 09:00:00 (Europe/London)",
            "Data zgłoszenia 06.03.2026 11:00:00 (Europe/London)",
        ]:
            self.assertIn(expected, text)
        self.assertRegex(text, "Wydrukowano " + MOMENT % "Europe/London")
        self.assertNotIn("Europe/Warsaw", text)

    def test_register_and_integrity_report_moments_name_their_zone(self):
        self._create_consent()
        register = self.env.ref("crm_gdpr.gdpr_processing_register_demo")
        text = pdf_text(
            self.env,
            "crm_gdpr.action_report_gdpr_processing_register",
            register,
            user=self.officer_pl,
            lang="pl_PL",
        )
        self.assertRegex(text, "Data wydruku: " + MOMENT % "Europe/Warsaw")
        self.assertRegex(text, "Ostatnia zmiana rejestru: " + MOMENT % "Europe/Warsaw")
        text = pdf_text(
            self.env,
            "crm_gdpr.action_report_gdpr_evidence_integrity",
            self.company,
            user=self.officer_pl,
        )
        self.assertRegex(
            text, "sprawdzono " + MOMENT % "Europe/Warsaw" + " przez Inspektor"
        )
        self.assertRegex(
            text, r"Ostatnie zdarzenie nr \d+, " + MOMENT % "Europe/Warsaw"
        )
