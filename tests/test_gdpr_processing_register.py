import re

from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.service.model import _as_validation_error
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .common import REGISTER_MODELS, GdprRegisterCommon


@tagged("post_install", "-at_install")
class TestGdprProcessingRegister(GdprRegisterCommon):
    # ------------------------------------------------------------------
    # Register ID
    # ------------------------------------------------------------------
    @freeze_time("2026-03-05 10:00:00")
    def test_register_id_is_date_and_running_number(self):
        first, second = self.env["gdpr.processing.register"].create(
            [{"title": "First"}, {"title": "Second"}]
        )
        numbers = []
        for register in (first, second):
            match = re.fullmatch(r"2026/03/05/(\d+)", register.name)
            self.assertTrue(match, f"unexpected register ID {register.name}")
            numbers.append(int(match.group(1)))
        self.assertEqual(numbers[1], numbers[0] + 1)

    def test_register_id_follows_creation_day(self):
        with freeze_time("2026-12-31 12:00:00"):
            december = self._create_register()
        with freeze_time("2027-01-02 12:00:00"):
            january = self._create_register()
        self.assertTrue(december.name.startswith("2026/12/31/"))
        self.assertTrue(january.name.startswith("2027/01/02/"))

    def test_register_id_is_assigned_not_chosen(self):
        register = self._create_register(name="MY-OWN-ID")
        self.assertRegex(register.name, r"^\d{4}/\d{2}/\d{2}/\d+$")
        with self.assertRaises(UserError), self.cr.savepoint():
            register.write({"name": "2020/01/01/1"})
        copy = register.copy()
        self.assertNotEqual(copy.name, register.name)
        self.assertRegex(copy.name, r"^\d{4}/\d{2}/\d{2}/\d+$")

    @mute_logger("odoo.sql_db")
    def test_register_id_is_unique_in_database(self):
        first = self._create_register()
        second = self._create_register()
        self.assertNotEqual(first.name, second.name)
        with self.assertRaises(IntegrityError), self.cr.savepoint():
            self.cr.execute(
                "UPDATE gdpr_processing_register SET name = %s WHERE id = %s",
                [first.name, second.id],
            )

    # ------------------------------------------------------------------
    # Controller, representative, DPO and their addresses
    # ------------------------------------------------------------------
    def test_company_stamp_fills_and_locks_the_controller(self):
        company_partner = self.company.partner_id
        form = Form(self.env["gdpr.processing.register"].with_user(self.user_officer))
        form.controller_id = self.controller
        form.use_company_data = True
        self.assertEqual(form.controller_id, company_partner)
        self.assertEqual(form.controller_address_id, company_partner)
        with self.assertRaises(AssertionError, msg="the controller is read-only"):
            form.controller_id = self.dpo
        register = form.save()
        self.assertEqual(register.controller_id, company_partner)
        self.assertEqual(register.controller_address_id, company_partner)

        form = Form(register.with_user(self.user_officer))
        form.use_company_data = False
        form.controller_id = self.controller
        self.assertEqual(form.controller_address_id, self.controller)
        form.save()
        self.assertEqual(register.controller_id, self.controller)

    def test_company_stamp_is_enforced_over_rpc(self):
        with self.assertRaises(ValidationError), self.cr.savepoint():
            self._create_register(use_company_data=True)  # another controller
        register = self.env["gdpr.processing.register"].create(
            {"use_company_data": True}
        )
        self.assertEqual(register.controller_id, self.company.partner_id)
        with self.assertRaises(ValidationError), self.cr.savepoint():
            register.write({"controller_id": self.controller.id})
        with self.assertRaises(ValidationError), self.cr.savepoint():
            register.write({"controller_address_id": self.dpo.id})

    def test_company_stamp_follows_the_company_of_the_register(self):
        register = self.env["gdpr.processing.register"].create(
            {"use_company_data": True}
        )
        register.company_id = self.company_2
        self.assertEqual(register.controller_id, self.company_2.partner_id)
        self.assertEqual(register.controller_address_id, self.company_2.partner_id)

    def test_address_is_one_of_the_partner_active_addresses(self):
        form = Form(self.env["gdpr.processing.register"].with_user(self.user_officer))
        form.controller_id = self.controller
        self.assertEqual(form.controller_address_id, self.controller)
        form.controller_address_id = self.controller_office
        form.dpo_id = self.dpo
        self.assertEqual(form.dpo_address_id, self.dpo)
        form.representative_id = self.stranger
        self.assertEqual(form.representative_address_id, self.stranger)
        register = form.save()
        self.assertEqual(register.controller_address_id, self.controller_office)

        # Changing the partner drops an address that is not his any more.
        register.controller_id = self.dpo
        self.assertEqual(register.controller_address_id, self.dpo)

        for address in (self.stranger, self.controller_old_office):
            with (
                self.subTest(address=address.name),
                self.assertRaises(ValidationError),
                self.cr.savepoint(),
            ):
                self._create_register(controller_address_id=address.id)
        with self.assertRaises(ValidationError), self.cr.savepoint():
            self.env["gdpr.processing.register"].create({"dpo_address_id": self.dpo.id})

    def test_partner_of_another_company_is_refused(self):
        foreign = self.env["res.partner"].create(
            {"name": "Company 2 contact", "company_id": self.company_2.id}
        )
        with self.assertRaises(UserError), self.cr.savepoint():
            self._create_register(dpo_id=foreign.id)

    # ------------------------------------------------------------------
    # Joint controllers
    # ------------------------------------------------------------------
    def test_joint_controller_dates(self):
        register = self._create_register()
        JointController = self.env["gdpr.joint.controller"]
        vals = {"register_id": register.id, "partner_id": self.stranger.id}
        with self.assertRaises(ValidationError), self.cr.savepoint():
            JointController.create(
                dict(vals, date_from="2026-05-01", date_to="2026-04-30")
            )
        line = JointController.create(
            dict(vals, date_from="2026-05-01", date_to="2026-05-01")
        )
        self.assertEqual(line.address_id, self.stranger)
        with self.assertRaises(ValidationError), self.cr.savepoint():
            line.date_from = "2026-06-01"
        with self.assertRaises(ValidationError), self.cr.savepoint():
            line.address_id = self.controller_office

    def test_joint_controller_added_in_the_register_form(self):
        form = Form(self.env["gdpr.processing.register"].with_user(self.user_officer))
        form.controller_id = self.controller
        with form.joint_controller_ids.new() as line:
            line.partner_id = self.controller
            self.assertEqual(line.address_id, self.controller)
            line.address_id = self.controller_office
            line.date_from = "2026-01-01"
            line.date_to = "2026-06-30"
            line.description = "Shared customer events"
        register = form.save()
        self.assertEqual(register.joint_controller_count, 1)
        self.assertEqual(
            register.joint_controller_ids.address_id, self.controller_office
        )

    def test_joint_controllers_export_to_spreadsheet(self):
        register = self._create_register()
        register.write(
            {
                "joint_controller_ids": [
                    (
                        0,
                        0,
                        {
                            "partner_id": self.controller.id,
                            "address_id": self.controller_office.id,
                            "date_from": "2026-01-01",
                            "date_to": "2026-12-31",
                            "description": "Joint marketing",
                        },
                    ),
                    (0, 0, {"partner_id": self.dpo.id}),
                ]
            }
        )
        action = register.with_user(self.user_officer).action_view_joint_controllers()
        lines = (
            self.env[action["res_model"]]
            .with_user(self.user_officer)
            .search(action["domain"])
        )
        self.assertEqual(lines, register.joint_controller_ids)
        rows = lines.export_data(
            ["partner_id", "date_from", "date_to", "address_id", "description"]
        )["datas"]
        self.assertEqual(rows[0][0], self.controller.display_name)
        self.assertEqual(rows[0][3], self.controller_office.display_name)
        self.assertEqual(rows[0][4], "Joint marketing")
        self.assertEqual(rows[1][0], self.dpo.display_name)

    def test_register_list_costs_no_query_per_register(self):
        registers = self.env["gdpr.processing.register"]
        for index in range(6):
            register = self._create_register(dpo_id=self.dpo.id, title=f"R{index}")
            activity = self._create_activity(register)
            self.env["gdpr.transfer"].create(
                {
                    "activity_id": activity.id,
                    "country_id": self.env.ref("base.us").id,
                    "basis_id": self.basis_scc.id,
                }
            )
            registers |= register
        spec = {
            name: {}
            for name in ("name", "title", "activity_count", "joint_controller_count")
        }
        spec.update(
            {
                name: {"fields": {"display_name": {}}}
                for name in ("controller_id", "dpo_id")
            }
        )

        def count_queries(records):
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            records.with_user(self.user_officer).web_read(spec)
            return self.cr.sql_log_count - before

        count_queries(registers[:2])  # warm the caches of the user and rules
        self.assertEqual(count_queries(registers[:2]), count_queries(registers))

    # ------------------------------------------------------------------
    # Processing activities
    # ------------------------------------------------------------------
    def test_activity_number_assigned_at_save(self):
        register = self._create_register()
        form = Form(
            self.env["gdpr.processing.activity"]
            .with_user(self.user_officer)
            .with_context(default_register_id=register.id)
        )
        form.name = "Newsletter"
        form.legal_basis = "a"
        self.assertFalse(form.code)
        first = form.save()
        self.assertTrue(first.code)
        second = self._create_activity(register, code="0001")
        self.assertTrue(second.code)
        self.assertNotEqual(first.code, second.code)
        self.assertIn(second.code, second.display_name)
        with self.assertRaises(UserError), self.cr.savepoint():
            second.code = first.code
        self.assertEqual(register.activity_count, 2)

    def test_activity_texts_at_most_4000_characters(self):
        register = self._create_register()
        activity = self._create_activity(register)
        for field_name in activity._get_limited_text_fields():
            with self.subTest(field=field_name):
                activity.write({field_name: "x" * 4000})
                self.assertEqual(len(activity[field_name]), 4000)
                label = activity._fields[field_name].string
                with (
                    self.assertRaisesRegex(ValidationError, re.escape(label)),
                    self.cr.savepoint(),
                ):
                    activity.write({field_name: "x" * 4001})
                with self.assertRaises(ValidationError), self.cr.savepoint():
                    self._create_activity(register, **{field_name: "y" * 4001})
        self.assertEqual(
            set(activity._get_limited_text_fields()),
            {
                "purpose",
                "data_subject_categories",
                "personal_data_categories",
                "criminal_data_basis",
                "automated_decision_logic",
                "data_source",
                "recipient_categories",
                "erasure_deadlines",
                "security_measures",
            },
        )

    # ------------------------------------------------------------------
    # Third-country transfers
    # ------------------------------------------------------------------
    @mute_logger("odoo.sql_db")
    def test_country_once_per_activity(self):
        register = self._create_register()
        activity = self._create_activity(register)
        other_activity = self._create_activity(register, name="Newsletter")
        us = self.env.ref("base.us")
        Transfer = self.env["gdpr.transfer"]
        Transfer.create(
            {
                "activity_id": activity.id,
                "country_id": us.id,
                "basis_id": self.basis_scc.id,
            }
        )
        # The same country in another activity is fine.
        Transfer.create(
            {
                "activity_id": other_activity.id,
                "country_id": us.id,
                "basis_id": self.basis_adequacy.id,
            }
        )
        with self.assertRaises(IntegrityError) as caught, self.cr.savepoint():
            Transfer.create(
                {
                    "activity_id": activity.id,
                    "country_id": us.id,
                    "basis_id": self.basis_adequacy.id,
                }
            )
        # What an RPC caller gets instead of the database error.
        error = _as_validation_error(self.env, caught.exception)
        self.assertIn("A country appears only once", str(error))
        self.assertEqual(len(activity.transfer_ids), 1)

    def test_eea_country_is_not_a_third_country(self):
        register = self._create_register()
        activity = self._create_activity(register)
        for code in ("PL", "DE", "NO", "IS", "LI", "GF"):
            country = self.env["res.country"].search([("code", "=", code)])
            with (
                self.subTest(country=code),
                self.assertRaisesRegex(ValidationError, "European Economic Area"),
                self.cr.savepoint(),
            ):
                self.env["gdpr.transfer"].create(
                    {
                        "activity_id": activity.id,
                        "country_id": country.id,
                        "basis_id": self.basis_scc.id,
                    }
                )
        transfers = self.env["gdpr.transfer"].create(
            [
                {
                    "activity_id": activity.id,
                    "country_id": self.env.ref(xmlid).id,
                    "basis_id": self.basis_adequacy.id,
                }
                for xmlid in ("base.us", "base.uk", "base.ch")
            ]
        )
        self.assertEqual(activity.transfer_country_ids, transfers.country_id)
        with self.assertRaises(ValidationError), self.cr.savepoint():
            transfers[0].country_id = self.env.ref("base.fr")

    def test_eea_hook_lists_every_member_state(self):
        codes = self.env["gdpr.transfer"]._get_eea_country_codes()
        self.assertGreaterEqual(len(codes), 30)  # EU-27, Iceland, Liechtenstein, Norway
        self.assertEqual(
            len(self.env["res.country"].search([("code", "in", list(codes))])),
            len(codes),
            "every code is an existing ISO code",
        )
        self.assertNotIn("GB", codes)
        self.assertNotIn("CH", codes)

    def test_users_add_their_own_transfer_basis(self):
        basis = (
            self.env["gdpr.transfer.basis"]
            .with_user(self.user_manager)
            .create(
                {"name": "Group data transfer agreement", "legal_reference": "Art. 46"}
            )
        )
        register = self._create_register()
        activity = self._create_activity(register)
        form = Form(activity.with_user(self.user_officer))
        with form.transfer_ids.new() as line:
            line.country_id = self.env.ref("base.jp")
            line.basis_id = basis
            line.details = "Intra-group agreement of 2026"
        form.save()
        self.assertEqual(activity.transfer_ids.basis_id, basis)
        self.assertEqual(activity.transfer_ids.register_id, register)
        self.assertEqual(register.transfer_count, 1)
        self.assertEqual(
            self.env["gdpr.transfer"].search(
                register.action_view_transfers()["domain"]
            ),
            activity.transfer_ids,
        )


@tagged("post_install", "-at_install")
class TestGdprProcessingRegisterAccess(GdprRegisterCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.register = cls._create_register(dpo_id=cls.dpo.id)
        cls.activity = cls._create_activity(cls.register)
        cls.transfer = cls.env["gdpr.transfer"].create(
            {
                "activity_id": cls.activity.id,
                "country_id": cls.env.ref("base.us").id,
                "basis_id": cls.basis_scc.id,
            }
        )
        cls.joint = cls.env["gdpr.joint.controller"].create(
            {"register_id": cls.register.id, "partner_id": cls.stranger.id}
        )
        cls.register_2 = cls.env["gdpr.processing.register"].create(
            {"company_id": cls.company_2.id, "use_company_data": True}
        )
        cls.activity_2 = cls._create_activity(cls.register_2, name="Company 2 CRM")
        cls.transfer_2 = cls.env["gdpr.transfer"].create(
            {
                "activity_id": cls.activity_2.id,
                "country_id": cls.env.ref("base.us").id,
                "basis_id": cls.basis_scc.id,
            }
        )
        cls.joint_2 = cls.env["gdpr.joint.controller"].create(
            {"register_id": cls.register_2.id, "partner_id": cls.stranger.id}
        )
        cls.menu = cls.env.ref("crm_gdpr.gdpr_processing_register_menu")

    def _records(self, company=1):
        if company == 2:
            return [self.register_2, self.joint_2, self.activity_2, self.transfer_2]
        return [self.register, self.joint, self.activity, self.transfer]

    def test_sales_user_has_no_access(self):
        for user in (self.user_sales, self.user_internal):
            for record in self._records():
                with self.subTest(user=user.login, model=record._name):
                    with self.assertRaises(AccessError):
                        record.with_user(user).read(["display_name"])
                    with self.assertRaises(AccessError):
                        record.with_user(user).search([])
                    with self.assertRaises(AccessError):
                        record.with_user(user).write(
                            {"sequence": 5}
                            if "sequence" in record._fields
                            else {"title": "x"}
                        )
            with self.assertRaises(AccessError):
                self.env["gdpr.processing.register"].with_user(user).create({})

    def test_menu_is_for_officers_only(self):
        Menu = self.env["ir.ui.menu"]
        self.assertNotIn(
            self.menu.id, Menu.with_user(self.user_sales)._visible_menu_ids()
        )
        self.assertIn(
            self.menu.id, Menu.with_user(self.user_officer)._visible_menu_ids()
        )
        self.assertIn(
            self.menu.id, Menu.with_user(self.user_manager)._visible_menu_ids()
        )

    def test_officer_opens_the_register_screens(self):
        for model in REGISTER_MODELS:
            with self.subTest(model=model):
                views = (
                    self.env[model]
                    .with_user(self.user_officer)
                    .get_views([(False, "list"), (False, "form"), (False, "search")])
                )
                self.assertEqual(set(views["views"]), {"list", "form", "search"})
                self.assertIn("<chatter", views["views"]["form"]["arch"])

    def test_officer_and_manager_manage_registers(self):
        for user in (self.user_officer, self.user_manager):
            with self.subTest(user=user.login):
                Register = self.env["gdpr.processing.register"].with_user(user)
                register = Register.create(
                    {
                        "title": "Register of the officer",
                        "dpo_id": self.dpo.id,
                        "joint_controller_ids": [
                            (0, 0, {"partner_id": self.stranger.id})
                        ],
                        "activity_ids": [
                            (
                                0,
                                0,
                                {
                                    "name": "Recruitment",
                                    "legal_basis": "c",
                                    "transfer_ids": [
                                        (
                                            0,
                                            0,
                                            {
                                                "country_id": self.env.ref(
                                                    "base.in"
                                                ).id,
                                                "basis_id": self.basis_scc.id,
                                            },
                                        )
                                    ],
                                },
                            )
                        ],
                    }
                )
                register.activity_ids.transfer_ids.details = "SCC signed"
                register.joint_controller_ids.description = "Shared recruitment"
                register.activity_ids.purpose = "Hiring"
                register.title = "Renamed"
                self.assertEqual(
                    register.activity_ids.transfer_ids.company_id, self.company
                )
                register.activity_ids.transfer_ids.unlink()
                register.unlink()
                self.assertFalse(register.exists())

    def test_multi_company_isolation(self):
        for user, mine, theirs in (
            (self.user_officer, self._records(1), self._records(2)),
            (self.user_officer_2, self._records(2), self._records(1)),
        ):
            for own, foreign in zip(mine, theirs, strict=True):
                with self.subTest(user=user.login, model=own._name):
                    Model = self.env[own._name].with_user(user)
                    visible = Model.search([])
                    self.assertIn(own, visible)
                    self.assertNotIn(foreign, visible)
                    with self.assertRaises(AccessError):
                        foreign.with_user(user).read(["display_name"])
        self.assertEqual(self.transfer_2.company_id, self.company_2)
        self.assertEqual(self.joint_2.company_id, self.company_2)
        # An activity cannot be moved into another company's register.
        with self.assertRaises(AccessError):
            self.activity.with_user(self.user_officer).register_id = self.register_2
