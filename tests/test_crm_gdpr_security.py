from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import GdprCommon

DICTIONARIES = [
    "gdpr.consent.category",
    "gdpr.consent.source",
    "gdpr.withdrawal.reason",
    "gdpr.withdrawal.source",
    "gdpr.transfer.basis",
    "gdpr.channel",
    "gdpr.consent.text",
]


@tagged("post_install", "-at_install")
class TestCrmGdprSecurity(GdprCommon):
    def test_group_implications(self):
        self.assertTrue(self.user_sales.has_group("crm_gdpr.group_gdpr_user"))
        self.assertFalse(self.user_sales.has_group("crm_gdpr.group_gdpr_officer"))
        self.assertTrue(self.user_manager.has_group("crm_gdpr.group_gdpr_officer"))
        admin = self.env.ref("base.user_admin")
        self.assertTrue(admin.has_group("crm_gdpr.group_gdpr_manager"))
        self.assertFalse(self.user_internal.has_group("crm_gdpr.group_gdpr_user"))

    def test_sales_user_reads_but_cannot_write_dictionaries(self):
        for model in DICTIONARIES:
            with self.subTest(model=model):
                Model = self.env[model].with_user(self.user_sales)
                records = Model.search([])
                self.assertTrue(records, "the seeded entries are readable")
                records[:1].read(["name"])
                with self.assertRaises(AccessError):
                    records[:1].write({"name": "Changed"})
                with self.assertRaises(AccessError):
                    Model.create(self._dictionary_vals(model))
                with self.assertRaises(AccessError):
                    records[:1].unlink()

    def test_manager_edits_dictionaries(self):
        for model in DICTIONARIES:
            with self.subTest(model=model):
                Model = self.env[model].with_user(self.user_manager)
                record = Model.create(self._dictionary_vals(model))
                record.write({"name": "Renamed"})
                self.assertEqual(record.name, "Renamed")
                record.unlink()

    def test_internal_user_without_sales_rights_sees_nothing(self):
        with self.assertRaises(AccessError):
            self.env["gdpr.consent.category"].with_user(self.user_internal).search([])

    def test_other_company_private_entry_is_invisible(self):
        private = self.env["gdpr.consent.source"].create(
            {"name": "Company 2 fair stand", "company_id": self.company_2.id}
        )
        shared = self.env["gdpr.consent.source"].create({"name": "Shared stand"})
        visible = self.env["gdpr.consent.source"].with_user(self.user_sales).search([])
        self.assertIn(shared, visible)
        self.assertNotIn(private, visible)
        visible_2 = (
            self.env["gdpr.consent.source"].with_user(self.user_sales_2).search([])
        )
        self.assertIn(private, visible_2)
        with self.assertRaises(AccessError):
            private.with_user(self.user_sales).read(["name"])

    def _dictionary_vals(self, model):
        vals = {"name": "New entry"}
        if model == "gdpr.channel":
            vals["kind"] = "email"
        if model == "gdpr.consent.text":
            vals.update(
                body="<p>I agree.</p>",
                category_id=self.category_marketing.id,
            )
        return vals
