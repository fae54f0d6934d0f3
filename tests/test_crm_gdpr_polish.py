import re
import shutil
import subprocess

import polib

from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools.misc import file_path

from .gdpr_consent_common import GdprConsentCommon

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
}
POLISH_VIEW_TERMS = {
    "crm_gdpr.report_partner_personal_data_document": ["Imię i nazwisko"],
    "crm_gdpr.gdpr_consent_category_view_list": ["Przechowywanie (mies.)"],
}


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
