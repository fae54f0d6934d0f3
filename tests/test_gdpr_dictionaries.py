from psycopg2 import IntegrityError

from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import GdprCommon

DICTIONARIES = [
    "gdpr.consent.category",
    "gdpr.consent.source",
    "gdpr.withdrawal.reason",
    "gdpr.withdrawal.source",
    "gdpr.transfer.basis",
    "gdpr.channel",
]


@tagged("post_install", "-at_install")
class TestGdprDictionaries(GdprCommon):
    def test_seeded_values(self):
        seeded = {
            "gdpr.consent.category": 4,
            "gdpr.consent.source": 7,
            "gdpr.withdrawal.reason": 5,
            "gdpr.withdrawal.source": 5,
            "gdpr.transfer.basis": 16,
            "gdpr.channel": 4,
        }
        for model, count in seeded.items():
            xmlids = self.env["ir.model.data"].search_count(
                [("module", "=", "crm_gdpr"), ("model", "=", model)]
            )
            self.assertEqual(xmlids, count, model)
        categories = self.env["gdpr.consent.category"].search([])
        self.assertEqual(
            self.env["gdpr.consent.text"].search([]).category_id,
            categories,
            "every seeded category has at least one consent text",
        )
        basis = self.env.ref("crm_gdpr.gdpr_transfer_basis_art46_2c")
        self.assertEqual(basis.legal_reference, "Art. 46(2)(c)")
        self.assertIn("Art. 46(2)(c)", basis.display_name)
        self.assertEqual(
            set(self.env["gdpr.channel"].search([]).mapped("kind")),
            {"email", "phone", "mobile", "address"},
        )

    def test_marking_a_default_unmarks_the_previous_one(self):
        for model in DICTIONARIES:
            with self.subTest(model=model):
                Dictionary = self.env[model]
                first = Dictionary.create(
                    {"name": "First", "is_default": True, "kind": "email"}
                    if model == "gdpr.channel"
                    else {"name": "First", "is_default": True}
                )
                self.assertEqual(Dictionary.search([("is_default", "=", True)]), first)
                second = first.copy({"name": "Second", "is_default": True})
                self.assertTrue(second.is_default)
                self.assertFalse(first.is_default)
                first.is_default = True
                self.assertFalse(second.is_default)
                self.assertEqual(Dictionary._get_default(), first)

    def test_default_is_per_company(self):
        Source = self.env["gdpr.consent.source"]
        shared = Source.create({"name": "Shared", "is_default": True})
        mine = Source.create(
            {"name": "Mine", "is_default": True, "company_id": self.company.id}
        )
        other = Source.create(
            {"name": "Theirs", "is_default": True, "company_id": self.company_2.id}
        )
        self.assertTrue(shared.is_default and mine.is_default and other.is_default)
        self.assertEqual(Source._get_default(self.company), mine, "own entry wins")
        mine.is_default = False
        self.assertEqual(Source._get_default(self.company), shared)
        self.assertEqual(Source._get_default(self.company_2), other)
        # Moving the company default to the shared scope replaces the shared one.
        other.company_id = False
        self.assertFalse(shared.is_default)
        self.assertTrue(other.is_default)

    def test_two_defaults_at_once_are_refused(self):
        Reason = self.env["gdpr.withdrawal.reason"]
        reasons = Reason.create([{"name": "A"}, {"name": "B"}])
        with self.assertRaises(ValidationError):
            reasons.write({"is_default": True})

    @mute_logger("odoo.sql_db")
    def test_database_guards_single_default(self):
        Category = self.env["gdpr.consent.category"]
        Category.create({"name": "Default", "is_default": True})
        other = Category.create({"name": "Other"})
        with self.assertRaises(IntegrityError), self.cr.savepoint():
            self.cr.execute(
                "UPDATE gdpr_consent_category SET is_default = TRUE WHERE id = %s",
                [other.id],
            )

    def test_seeded_data_in_polish(self):
        self.env["res.lang"]._activate_lang("pl_PL")
        self.env["ir.module.module"]._load_module_terms(["crm_gdpr"], ["pl_PL"])
        marketing = self.env.ref("crm_gdpr.gdpr_consent_category_profiling")
        self.assertEqual(
            marketing.with_context(lang="pl_PL").name, "Profilowanie/analityka"
        )
        reason = self.env.ref("crm_gdpr.gdpr_withdrawal_reason_mistake")
        self.assertEqual(
            reason.with_context(lang="pl_PL").name, "Zarejestrowana przez pomyłkę"
        )
        self.assertEqual(
            reason.with_context(lang="en_US").name, "Registered by mistake"
        )
