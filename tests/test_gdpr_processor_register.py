from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from .common import GdprCommon


@tagged("post_install", "-at_install")
class TestGdprProcessorRegister(GdprCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.client = cls.env["res.partner"].create(
            {"name": "Shop Client S.A.", "is_company": True}
        )
        cls.client_dpo = cls.env["res.partner"].create({"name": "Jan Client-DPO"})

    def test_register_is_a_controller_register_by_default(self):
        register = self.env["gdpr.processing.register"].create({"title": "R"})
        self.assertEqual(register.register_type, "controller")

    def test_processor_register_lists_the_controllers_on_whose_behalf(self):
        register = self.env["gdpr.processing.register"].create(
            {
                "title": "Processing for clients",
                "register_type": "processor",
                "use_company_data": True,
                "processor_controller_ids": [
                    (
                        0,
                        0,
                        {
                            "partner_id": self.client.id,
                            "dpo_id": self.client_dpo.id,
                            "agreement_reference": "DPA 2026/1",
                        },
                    )
                ],
                "activity_ids": [
                    (
                        0,
                        0,
                        {
                            "name": "Hosting of the shop's customer data",
                            "on_behalf_of_id": self.client.id,
                            "security_measures": "Encryption",
                        },
                    )
                ],
            }
        )
        self.assertEqual(register.processor_controller_ids.partner_id, self.client)
        self.assertEqual(register.activity_ids.register_type, "processor")

    def test_processor_register_activity_names_its_controller(self):
        register = self.env["gdpr.processing.register"].create(
            {"title": "P", "register_type": "processor"}
        )
        with self.assertRaisesRegex(ValidationError, r"Art\. 30\(2\)\(b\)"):
            self.env["gdpr.processing.activity"].create(
                {"register_id": register.id, "name": "Hosting"}
            )

    def test_switching_to_processor_requires_the_controllers_of_activities(self):
        register = self.env["gdpr.processing.register"].create({"title": "C"})
        self.env["gdpr.processing.activity"].create(
            {"register_id": register.id, "name": "CRM"}
        )
        with self.assertRaisesRegex(ValidationError, r"Art\. 30\(2\)\(b\)"):
            register.write({"register_type": "processor"})

    def test_form_follows_the_type(self):
        register = self.env["gdpr.processing.register"].create(
            {"title": "P", "register_type": "processor"}
        )
        with Form(register) as form:
            with form.processor_controller_ids.new() as line:
                line.partner_id = self.client
        self.assertEqual(register.processor_controller_ids.partner_id, self.client)

    def test_register_type_is_checked(self):
        with self.assertRaisesRegex(ValidationError, "not a valid value"):
            self.env["gdpr.processing.register"].create({"register_type": "both"})

    def test_access_report_lists_the_controller_activities_only(self):
        controller = self.env["gdpr.processing.register"].create({"title": "Own"})
        own = self.env["gdpr.processing.activity"].create(
            {"register_id": controller.id, "name": "Own CRM"}
        )
        processor = self.env["gdpr.processing.register"].create(
            {
                "title": "For clients",
                "register_type": "processor",
                "processor_controller_ids": [(0, 0, {"partner_id": self.client.id})],
            }
        )
        on_behalf = self.env["gdpr.processing.activity"].create(
            {
                "register_id": processor.id,
                "name": "Hosting for a client",
                "on_behalf_of_id": self.client.id,
            }
        )
        activities = self.env[
            "report.crm_gdpr.report_partner_personal_data"
        ]._get_processing_activities()
        self.assertIn(own, activities)
        self.assertNotIn(on_behalf, activities)

    def test_activity_dialog_of_a_new_processor_register_asks_the_controller(self):
        with Form(self.env["gdpr.processing.register"]) as form:
            form.title = "For clients"
            form.register_type = "processor"
            with form.processor_controller_ids.new() as line:
                line.partner_id = self.client
            with form.activity_ids.new() as activity:
                activity.name = "Hosting for a client"
                activity.on_behalf_of_id = self.client
        register = form.record
        self.assertEqual(register.activity_ids.on_behalf_of_id, self.client)
