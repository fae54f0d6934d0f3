from odoo.exceptions import UserError
from odoo.tests import tagged

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
# Source strings changed because they forced wrong Polish; their pl.po
# entries are edited but Odoo reads them only once the pot is regenerated
# (the po is merged with the pot). Lead: assert these after regenerating.
POLISH_FOR_THE_LEAD = {
    "Anonymized consent %(details)s": "Zanonimizowano zgodę %(details)s",
    "Consents are anonymised only by the logged erasure "
    "(CRM → GDPR → Privacy Lookup).": (
        "Zgody anonimizuje wyłącznie rejestrowane usunięcie danych "
        "(CRM → RODO → Wyszukiwanie informacji o prywatności)."
    ),
    # new strings
    "Full name": "Imię i nazwisko",
    "Consent registered.": "Zarejestrowano zgodę.",
    "Retention (months)": "Przechowywanie (mies.)",
    "Printed on %s": "Wydrukowano %s",
    "Page %(page)s of %(total)s": "Strona %(page)s z %(total)s",
    "Not a third country": "To nie jest państwo trzecie",
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

    def test_refusals_point_to_the_real_menu(self):
        consent = self._create_consent()
        with self.assertRaisesRegex(UserError, "CRM → GDPR → Privacy Lookup"):
            consent.unlink()
        menu = self.env.ref("crm_gdpr.crm_gdpr_menu_privacy_lookup")
        self.assertEqual(menu.parent_id, self.env.ref("crm_gdpr.crm_gdpr_menu_root"))
        self.assertEqual(menu.parent_id.parent_id, self.env.ref("crm.crm_menu_root"))
