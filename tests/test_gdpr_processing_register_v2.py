from odoo import Command, fields
from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from .common import GdprRegisterCommon, pdf_text

REPORT = "crm_gdpr.action_report_gdpr_processing_register"

# The Polish of the register's printout and transfer bases (i18n/pl.po).
POLISH_AFTER_TRANSLATION = {
    "gdpr_transfer_basis_art46_2c": "Art. 46 ust. 2 lit. c RODO",
    "gdpr_transfer_basis_art45": "Art. 45 RODO",
    "report": [
        "(a) Administrator, przedstawiciel i inspektor ochrony danych",
        "(b) Cel przetwarzania",
        "Szczególne kategorie danych (art. 9)",
        "Dane dotyczące wyroków skazujących (art. 10)",
        "Źródło danych",
        "(e) Przekazanie do państw trzecich lub organizacji międzynarodowych",
        "Zautomatyzowane podejmowanie decyzji i profilowanie (art. 22)",
        "Data wydruku",
        "Ostatnia zmiana rejestru",
    ],
}


@tagged("post_install", "-at_install")
class TestGdprRegisterSecondVersion(GdprRegisterCommon):
    def test_transfer_to_an_international_organisation(self):
        activity = self._create_activity(self._create_register())
        transfer = self.env["gdpr.transfer"].create(
            {
                "activity_id": activity.id,
                "is_international_organisation": True,
                "organisation_name": "World Health Organization",
                "basis_id": self.basis_scc.id,
            }
        )
        self.assertFalse(transfer.country_id)
        self.assertIn("World Health Organization", transfer.display_name)
        with self.assertRaisesRegex(ValidationError, "name of the international"):
            self.env["gdpr.transfer"].create(
                {
                    "activity_id": activity.id,
                    "is_international_organisation": True,
                    "basis_id": self.basis_scc.id,
                }
            )
        with self.assertRaisesRegex(ValidationError, "choose one"):
            self.env["gdpr.transfer"].create(
                {"activity_id": activity.id, "basis_id": self.basis_scc.id}
            )

    def test_eea_country_refused_the_moment_it_is_entered(self):
        """In the activity's own dialog, before anything is saved."""
        activity = self._create_activity(self._create_register())
        form = Form(activity.with_user(self.user_officer))
        with form.transfer_ids.new() as line:
            line.country_id = self.env.ref("base.de")
            # the onchange refused it (with a warning) on the spot
            self.assertFalse(line.country_id)
            line.country_id = self.env.ref("base.us")
            line.basis_id = self.basis_adequacy
        form.save()
        self.assertEqual(activity.transfer_ids.country_id, self.env.ref("base.us"))
        result = (
            self.env["gdpr.transfer"]
            .new({"activity_id": activity.id})
            .with_context(lang="en_US")
        )
        result.country_id = self.env.ref("base.de")
        warning = result._onchange_country_id()
        self.assertIn("European Economic Area", warning["warning"]["message"])

    def test_eea_is_a_country_group_the_dialog_excludes(self):
        eea = self.env.ref("crm_gdpr.res_country_group_eea")
        self.assertIn(self.env.ref("base.no"), eea.country_ids)
        self.assertIn(self.env.ref("base.gf"), eea.country_ids)
        self.assertNotIn(self.env.ref("base.ch"), eea.country_ids)
        self.assertEqual(len(eea.country_ids), 37)
        view = self.env.ref("crm_gdpr.gdpr_processing_activity_view_form")
        self.assertIn(f"[{eea.id}]", view.arch_db)
        choosable = self.env["res.country"].search(
            [("country_group_ids", "not in", [eea.id])]
        )
        self.assertNotIn(self.env.ref("base.de"), choosable)
        self.assertIn(self.env.ref("base.us"), choosable)

    def test_legal_reference_is_translatable_and_searchable(self):
        self.assertTrue(
            self.env["gdpr.transfer.basis"]._fields["legal_reference"].translate
        )
        self.env["res.lang"]._activate_lang("pl_PL")
        self.basis_scc.with_context(
            lang="pl_PL"
        ).legal_reference = "Art. 46 ust. 2 lit. c RODO"
        self.assertEqual(self.basis_scc.legal_reference, "Art. 46(2)(c)")
        Basis = self.env["gdpr.transfer.basis"].with_user(self.user_officer)
        found = Basis.name_search("46(2)")
        self.assertIn(self.basis_scc.id, [row[0] for row in found])
        # In Polish: by the Polish article and by the English one
        found_pl = Basis.with_context(lang="pl_PL").name_search("ust. 2 lit. c")
        self.assertEqual([row[0] for row in found_pl], [self.basis_scc.id])
        found_pl = Basis.with_context(lang="pl_PL").name_search("46(2)(c)")
        self.assertIn(self.basis_scc.id, [row[0] for row in found_pl])
        self.assertIn(
            "Art. 46 ust. 2 lit. c RODO",
            self.basis_scc.with_context(lang="pl_PL").display_name,
        )

    def test_special_criminal_automated_and_source_are_required_with_detail(self):
        register = self._create_register()
        for vals, regex in [
            ({"processes_special_categories": True}, "Art. 9"),
            ({"processes_criminal_data": True}, "Art. 10"),
            ({"automated_decision": True}, "automated decision"),
            ({"collected_from_subject": False}, "source"),
        ]:
            with self.subTest(vals=vals):
                with self.assertRaisesRegex(ValidationError, regex):
                    self._create_activity(register, **vals)
        activity = self._create_activity(
            register,
            processes_special_categories=True,
            special_category_condition="h",
            processes_criminal_data=True,
            criminal_data_basis="Labour Code, art. 22(1)",
            automated_decision=True,
            automated_decision_logic="Credit score from the payment history",
            collected_from_subject=False,
            data_source="National Court Register (KRS)",
        )
        self.assertEqual(activity.special_category_condition, "h")

    def test_printout_follows_article_30_with_its_dates(self):
        register = self._create_register(title="Article 30 register")
        activity = self._create_activity(
            register,
            name="Recruitment",
            purpose="Hiring staff",
            processes_special_categories=True,
            special_category_condition="b",
            processes_criminal_data=True,
            criminal_data_basis="Act on the protection of children",
            automated_decision=True,
            automated_decision_logic="CV keyword screening",
            collected_from_subject=False,
            data_source="Job portals",
            transfer_ids=[
                Command.create(
                    {
                        "is_international_organisation": True,
                        "organisation_name": "International Labour Organization",
                        "basis_id": self.basis_scc.id,
                    }
                ),
                Command.create(
                    {
                        "country_id": self.env.ref("base.us").id,
                        "basis_id": self.basis_adequacy.id,
                    }
                ),
            ],
        )
        self.env.flush_all()
        self.assertTrue(activity.code)
        text = pdf_text(self.env, REPORT, register)
        last_change = fields.Datetime.context_timestamp(
            register, register.date_last_change
        )
        self.assertEqual(
            register.date_last_change, activity.transfer_ids[:1].write_date
        )
        for expected in [
            "Printed on: ",
            "Last change of the register: " + last_change.strftime("%m/%d/%Y %H:%M"),
            "(a) Controller, representative and data protection officer",
            "Joint Controllers: None.",
            "(b) Purpose of Processing Hiring staff",
            "Special Categories (Art. 9) Art. 9(2)(b) – employment and social",
            "Criminal Data (Art. 10) Act on the protection of children",
            "(c) Categories of Data Subjects",
            "Source of the Data Job portals",
            "(d) Categories of Recipients",
            "(e) Transfers to Third Countries or International Organizations",
            # pdftotext may break the line inside the article: "46(2) (c)"
            "International Labour Organization (international organization): "
            "Art. 46(2)",
            "United States: Art. 45",
            "(f) Planned Erasure Deadlines",
            "(g) Security Measures",
            "Automated Decision-Making and Profiling (Art. 22) CV keyword screening",
            "Page 1 of",
        ]:
            self.assertIn(expected, text)

    def test_printout_and_transfer_bases_in_polish(self):
        self.env["res.lang"]._activate_lang("pl_PL")
        self.env["ir.module.module"]._load_module_terms(
            ["base", "web", "crm_gdpr"], ["pl_PL"]
        )
        for xmlid in ("gdpr_transfer_basis_art46_2c", "gdpr_transfer_basis_art45"):
            basis = self.env.ref(f"crm_gdpr.{xmlid}").with_context(lang="pl_PL")
            self.assertEqual(basis.legal_reference, POLISH_AFTER_TRANSLATION[xmlid])
            self.assertIn(POLISH_AFTER_TRANSLATION[xmlid], basis.display_name)
        register = self._create_register(title="Rejestr art. 30")
        self._create_activity(
            register,
            name="Rekrutacja",
            purpose="Zatrudnianie pracowników",
            processes_special_categories=True,
            special_category_condition="b",
            processes_criminal_data=True,
            criminal_data_basis="Ustawa o ochronie małoletnich",
            automated_decision=True,
            automated_decision_logic="Selekcja CV po słowach kluczowych",
            collected_from_subject=False,
            data_source="Portale z ofertami pracy",
            transfer_ids=[
                Command.create(
                    {
                        "country_id": self.env.ref("base.us").id,
                        "basis_id": self.basis_adequacy.id,
                    }
                ),
            ],
        )
        self.env.flush_all()
        text = pdf_text(self.env, REPORT, register, lang="pl_PL")
        for expected in POLISH_AFTER_TRANSLATION["report"]:
            self.assertIn(expected, text)
        for expected in [
            "Art. 9 ust. 2 lit. b – prawo pracy",
            "Stany Zjednoczone: Art. 45 RODO",
            "Strona 1 z",
        ]:
            self.assertIn(expected, text)
        self.assertNotIn("Page 1 of", text)

    def test_long_register_starts_on_its_first_page(self):
        """No half-empty first page: the first activity starts right after
        the parties, even when it is longer than a page."""
        register = self._create_register()
        long_text = "Lorem ipsum dolor sit amet. " * 140  # ~3900 characters
        self._create_activity(
            register,
            name="Very long activity",
            purpose=long_text,
            data_subject_categories=long_text,
        )
        text = pdf_text(self.env, REPORT, register)
        first_page = text.split("Page 1 of")[0]
        self.assertIn("Very long activity", first_page)
        self.assertIn("Lorem ipsum", first_page)
