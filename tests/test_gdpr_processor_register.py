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
