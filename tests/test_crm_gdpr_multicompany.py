from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import GdprReliabilityCommon, GdprRpcCommon


def company_bound_models(env, records):
    """Models of the fixture with a company, i.e. the ones needing a rule."""
    return [model for model in records if "company_id" in env[model]._fields]


@tagged("post_install", "-at_install")
class TestCrmGdprMultiCompany(GdprReliabilityCommon):
    def test_every_company_bound_model_has_a_fixture_and_a_rule(self):
        addon_models = (
            self.env["ir.model"]
            .browse(
                self.env["ir.model.data"]
                .search([("module", "=", "crm_gdpr"), ("model", "=", "ir.model")])
                .mapped("res_id")
            )
            .filtered(
                lambda m: (
                    not self.env[m.model]._transient
                    and not self.env[m.model]._abstract
                    and self.env[m.model]._original_module == "crm_gdpr"
                    and "company_id" in self.env[m.model]._fields
                )
            )
        )
        self.assertEqual(
            set(addon_models.mapped("model")),
            set(self.records_2),
            "fixture is complete",
        )
        for ir_model in addon_models:
            with self.subTest(model=ir_model.model):
                rules = self.env["ir.rule"].search(
                    [("model_id", "=", ir_model.id), ("global", "=", True)]
                )
                self.assertTrue(
                    any("company_ids" in rule.domain_force for rule in rules),
                    "a global multi-company rule",
                )

    def test_other_company_records_invisible_and_unwritable(self):
        tried = 0
        for model in company_bound_models(self.env, self.records_2):
            record_2 = self.records_2[model]
            for user in (self.user_sales, self.user_officer, self.user_manager):
                Model = self.env[model].with_user(user)
                try:
                    visible = Model.search([])
                except AccessError:
                    continue  # no access at all: covered by the access matrix
                with self.subTest(model=model, user=user.login):
                    tried += 1
                    self.assertNotIn(record_2, visible)
                    self.assertIn(self.records[model], visible)
                    with self.assertRaises(AccessError):
                        record_2.with_user(user).read(["display_name"])
                    if not Model.has_access("write"):
                        continue
                    with self.assertRaises(AccessError):
                        record_2.with_user(user).write({"display_name": "x"})
        self.assertGreaterEqual(tried, 20)

    def test_company_2_user_does_not_see_company_1_consents(self):
        Consent = self.env["gdpr.consent"].with_user(self.user_sales_2)
        visible = Consent.search([])
        self.assertIn(self.records_2["gdpr.consent"], visible)
        self.assertNotIn(self.records["gdpr.consent"], visible)

    def test_no_record_moved_to_a_company_of_another_user(self):
        """Record rules are checked before a write: the move itself is refused."""
        for model in company_bound_models(self.env, self.records):
            record = self.records[model]
            field = record._fields["company_id"]
            if field.related or not field.store:
                continue  # follows its parent
            with self.subTest(model=model):
                with self.assertRaises(AccessError):
                    record.with_user(self.user_manager).write(
                        {"company_id": self.company_2.id}
                    )
                self.assertEqual(record.company_id, self.company)

    def test_consent_cannot_be_moved_to_another_company(self):
        consent = self.records["gdpr.consent"]
        with self.assertRaises(AccessError):
            consent.with_user(self.user_sales).write({"company_id": self.company_2.id})
        self.assertEqual(consent.company_id, self.company)

    def test_no_creation_in_a_company_of_another_user(self):
        with self.assertRaises(AccessError):
            self.env["gdpr.processing.register"].with_user(self.user_officer).create(
                {"title": "Sneaky", "company_id": self.company_2.id}
            )
        with self.assertRaises(AccessError):
            self.env["gdpr.consent"].with_user(self.user_sales).create(
                {
                    "partner_id": self.giver.id,
                    "category_id": self.category_marketing.id,
                    "text_id": self.text_marketing.id,
                    "company_id": self.company_2.id,
                }
            )


@tagged("post_install", "-at_install")
class TestCrmGdprMultiCompanyRpc(GdprRpcCommon):
    def test_other_company_records_over_json_rpc(self):
        self._login(self.user_manager)
        for model in company_bound_models(self.env, self.records_2):
            record_2 = self.records_2[model]
            with self.subTest(model=model):
                found = self.call_kw(
                    model, "search_read", [[]], {"fields": ["display_name"]}
                )["result"]
                ids = {row["id"] for row in found}
                self.assertNotIn(record_2.id, ids)
                self.assertIn(self.records[model].id, ids)
                self.assertRpcError(
                    self.call_kw(model, "read", [[record_2.id], ["display_name"]]),
                    "AccessError",
                )
                self.assertRpcError(
                    self.call_kw(
                        model, "write", [[record_2.id], {"display_name": "x"}]
                    ),
                    "AccessError",
                )
                # Asking for the other company in the context does not help.
                self.assertRpcError(
                    self.call_kw(
                        model,
                        "read",
                        [[record_2.id], ["display_name"]],
                        {"context": {"allowed_company_ids": self.company_2.ids}},
                    ),
                    "AccessError",
                )
