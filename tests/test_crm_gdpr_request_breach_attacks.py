"""The red-team findings on breaches, requests, register v2 and reports.

One test (or group) per finding of /work/notes/redteam-14-16.md, named after
it. The attack was made over JSON-RPC as the officer of the first company:
the tests replay it so (``call_kw``), or through the ORM as the user where
that is the same path.
"""

from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import Command, fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tools import SQL

from .common import GdprRpcCommon, html_text, pdf_text

DT = fields.Datetime.to_string


@tagged("post_install", "-at_install")
class TestRequestBreachAttacks(GdprRpcCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The second company's contact, secret to the first company's officer.
        cls.secret = cls.env["res.partner"].create(
            {
                "name": "SecretB Person",
                "email": "secretb@otherco.example",
                "phone": "+48 600 000 111",
                "company_id": cls.company_2.id,
            }
        )
        cls.secret_address = cls.env["res.partner"].create(
            {
                "name": "SecretB Address",
                "type": "other",
                "parent_id": cls.secret.id,
                "company_id": cls.company_2.id,
            }
        )
        cls.dpo = cls.env["res.partner"].create(
            {"name": "Anna Kowalska", "email": "dpo@example.com"}
        )
        cls.user_officer_ab = new_test_user(
            cls.env,
            login="gdpr_officer_ab",
            groups="crm_gdpr.group_gdpr_officer",
            name="Officer of both companies",
            company_ids=[Command.set((cls.company | cls.company_2).ids)],
        )
        cls.user_officer_ab.password = "gdpr_officer_ab-Pa55!"
        cls.category = cls.env.ref("crm_gdpr.gdpr_data_category_identity")

    def setUp(self):
        super().setUp()
        self.now = fields.Datetime.now().replace(microsecond=0)
        self.today = fields.Date.context_today(self.env["gdpr.breach"])

    def _call(self, model, method, args, kwargs=None, user=None):
        self._login(user or self.user_officer)
        return self.call_kw(model, method, args, kwargs)

    def _breach_vals(self, **vals):
        return {
            "dpo_id": self.dpo.id,
            "date_breach": fields.Date.to_string(self.today - timedelta(days=6)),
            "date_discovered": DT(self.now - timedelta(days=5)),
            **vals,
        }

    def _breach(self, **vals):
        return (
            self.env["gdpr.breach"]
            .with_user(self.user_officer)
            .create(self._breach_vals(**vals))
        )

    def _full_breach_vals(self, **vals):
        """Every Art. 33(3) item of a complete notification."""
        full = {
            "nature": "Lost laptop",
            "subjects_description": "Customers",
            "consequences": "Phishing",
            "measures": "Passwords reset",
            "records_count": 5,
            "data_category_ids": [Command.set(self.category.ids)],
            "risk_level": "risk",
            "subjects_decision_reason": "Low risk",
            "breach_confidentiality": True,
            "is_ongoing": True,
            "notifier_id": self.dpo.id,
        }
        return self._breach_vals(**{**full, **vals})

    def _request(self, received, **vals):
        return (
            self.env["gdpr.request"]
            .with_user(self.user_officer)
            .create(
                {
                    "request_type": "access",
                    "requester_name": "X",
                    "date_received": fields.Date.to_string(received),
                    **vals,
                }
            )
        )

    # F1 -----------------------------------------------------------------
    def test_f1_breach_partner_of_another_company_is_refused(self):
        for fname in ("processor_id", "notifier_id", "dpo_id"):
            with self.subTest(field=fname):
                answer = self._call(
                    "gdpr.breach",
                    "create",
                    [self._breach_vals(**{fname: self.secret.id})],
                )
                message = self.assertRpcError(answer, "AccessError")
                self.assertNotIn("SecretB", message)
        breach = self._breach()
        for fname in ("processor_id", "notifier_id"):
            with self.subTest(write=fname):
                answer = self._call(
                    "gdpr.breach", "write", [breach.ids, {fname: self.secret.id}]
                )
                self.assertNotIn("SecretB", self.assertRpcError(answer, "AccessError"))
        self.assertFalse(breach.processor_id | breach.notifier_id)

    def test_f1_breach_printout_names_no_unreadable_partner(self):
        """Linked before the fix: the printout leaves it out."""
        breach = self._breach()
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "UPDATE gdpr_breach SET processor_id = %s, notifier_id = %s "
                "WHERE id = %s",
                self.secret.id,
                self.secret.id,
                breach.id,
            )
        )
        self.env.invalidate_all()
        text = html_text(
            self.env, "crm_gdpr.report_gdpr_breach", breach, user=self.user_officer
        )
        for secret in ("SecretB", "secretb@otherco.example", "600 000 111"):
            self.assertNotIn(secret, text)

    # F2 -----------------------------------------------------------------
    def test_f2_extension_after_first_month_refused(self):
        received = self.today - relativedelta(months=1, days=5)
        request = self._request(received)
        self.assertTrue(request.is_overdue)
        backdated = fields.Date.to_string(received + timedelta(days=14))
        answer = self._call(
            "gdpr.request",
            "write",
            [
                request.ids,
                {
                    "is_extended": True,
                    "extension_reason": "x",
                    "date_extended": backdated,
                },
            ],
        )
        self.assertRpcError(answer, "UserError", "ValidationError")
        answer = self._call(
            "gdpr.request",
            "write",
            [request.ids, {"is_extended": True, "extension_reason": "x"}],
        )
        self.assertIn("first month", self.assertRpcError(answer, "ValidationError"))
        answer = self._call(
            "gdpr.request",
            "load",
            [
                [".id", "is_extended", "extension_reason", "date_extended"],
                [[str(request.id), "1", "x", backdated]],
            ],
        )
        self.assertTrue(answer["result"]["messages"], answer)
        request.invalidate_recordset()
        self.assertFalse(request.is_extended)
        self.assertTrue(request.is_overdue)

    def test_f2_extension_date_is_set_by_the_server(self):
        request = self._request(self.today - timedelta(days=3))
        answer = self._call(
            "gdpr.request",
            "write",
            [request.ids, {"date_extended": fields.Date.to_string(self.today)}],
        )
        self.assertRpcError(answer, "UserError")
        request.with_user(self.user_officer).write(
            {"is_extended": True, "extension_reason": "Complex"}
        )
        self.assertEqual(request.date_extended, self.today)

    # F3 -----------------------------------------------------------------
    def test_f3_transfer_of_another_company_activity_answers_access_error(self):
        activity_b = self.records_2["gdpr.processing.activity"]
        # Company B already transfers to the US, not to Japan: same answer.
        for country in (self.country_us, self.env.ref("base.jp")):
            with self.subTest(country=country.code):
                answer = self._call(
                    "gdpr.transfer",
                    "create",
                    [
                        {
                            "activity_id": activity_b.id,
                            "country_id": country.id,
                            "basis_id": self.basis_scc.id,
                        }
                    ],
                )
                self.assertRpcError(answer, "AccessError")

    # F4 -----------------------------------------------------------------
    def test_f4_reported_moment_of_a_late_breach_never_moves(self):
        breach = self._breach(
            nature="n",
            risk_level="risk",
            date_discovered=DT(self.now - timedelta(hours=100)),
            is_reported=True,
            delay_reason="valid reason",
        )
        self.assertTrue(breach.is_reported_late)
        for vals in (
            {"reported_at": DT(self.now - timedelta(hours=90)), "delay_reason": False},
            {"reported_at": DT(self.now - timedelta(hours=90))},
            {"date_reported": fields.Date.to_string(self.today - timedelta(days=3))},
        ):
            with self.subTest(vals=vals):
                answer = self._call("gdpr.breach", "write", [breach.ids, vals])
                self.assertRpcError(answer, "UserError")
        breach.invalidate_recordset()
        self.assertTrue(breach.is_reported_late)
        self.assertEqual(breach.delay_reason, "valid reason")

    def test_f4_closing_date_of_a_late_request_cannot_be_backdated(self):
        received = self.today - relativedelta(months=2)
        request = self._request(received)
        answer = self._call(
            "gdpr.request",
            "write",
            [
                request.ids,
                {
                    "state": "done",
                    "response": "ok",
                    "date_closed": fields.Date.to_string(received + timedelta(days=5)),
                },
            ],
        )
        self.assertRpcError(answer, "UserError")
        request.with_user(self.user_officer).write({"state": "done", "response": "ok"})
        self.assertTrue(request.is_closed_late)
        answer = self._call(
            "gdpr.request",
            "write",
            [
                request.ids,
                {"date_closed": fields.Date.to_string(received + timedelta(days=5))},
            ],
        )
        self.assertRpcError(answer, "UserError")
        request.invalidate_recordset()
        self.assertEqual(request.date_closed, self.today)
        self.assertTrue(request.is_closed_late)

    def test_f4_receipt_date_of_a_handled_request_never_moves(self):
        received = self.today - relativedelta(months=2)
        closed = self._request(received)
        closed.with_user(self.user_officer).write({"state": "done", "response": "ok"})
        overdue = self._request(received)
        overdue.with_user(self.user_officer).action_start()
        for request in (closed, overdue):
            with self.subTest(state=request.state):
                answer = self._call(
                    "gdpr.request",
                    "write",
                    [
                        request.ids,
                        {"date_received": fields.Date.to_string(self.today)},
                    ],
                )
                self.assertRpcError(answer, "UserError")
        self.assertTrue(closed.is_closed_late)
        self.assertTrue(overdue.is_overdue)

    # F5 -----------------------------------------------------------------
    def test_f5_company_of_breach_and_request_never_changes(self):
        dpo = self.env["res.partner"].create({"name": "Shared DPO"})
        breach = self._breach(dpo_id=dpo.id)
        request = self._request(self.today, user_id=False)
        context = {"allowed_company_ids": (self.company | self.company_2).ids}
        for record in (breach, request):
            with self.subTest(model=record._name):
                answer = self._call(
                    record._name,
                    "write",
                    [record.ids, {"company_id": self.company_2.id}],
                    {"context": context},
                    user=self.user_officer_ab,
                )
                self.assertRpcError(answer, "UserError")
                self.assertEqual(record.company_id, self.company)
        self.assertTrue(
            self.env["gdpr.evidence.event"].verify_chain(self.company)[0]["ok"]
        )

    # F6 -----------------------------------------------------------------
    def test_f6_complete_notification_needs_the_dpo_contact_details(self):
        no_contact = self.env["res.partner"].create({"name": "No contact DPO"})
        vals = self._full_breach_vals(
            dpo_id=no_contact.id,
            date_discovered=DT(self.now - timedelta(hours=2)),
            report_type="complete",
            is_reported=True,
        )
        answer = self._call("gdpr.breach", "create", [vals])
        message = self.assertRpcError(answer, "ValidationError")
        self.assertIn("contact details", message)
        breach = self._breach(dpo_id=no_contact.id)
        self.assertIn("contact details", breach.missing_notification_items)
        no_contact.phone = "+48 22 000 00 00"
        self._call("gdpr.breach", "create", [vals])
        self.assertNotIn("contact details", breach.missing_notification_items or "")

    # F7 -----------------------------------------------------------------
    def test_f7_reported_breach_cannot_be_unreported(self):
        breach = self._breach(
            **self._full_breach_vals(
                date_discovered=DT(self.now - timedelta(hours=2)),
                report_type="complete",
                is_reported=True,
            )
        )
        reported_at = breach.reported_at
        answer = self._call(
            "gdpr.breach", "write", [breach.ids, {"is_reported": False}]
        )
        self.assertIn("cannot be withdrawn", self.assertRpcError(answer, "UserError"))
        for report_type in ("initial", "follow_up"):
            with self.subTest(report_type=report_type):
                answer = self._call(
                    "gdpr.breach",
                    "write",
                    [
                        breach.ids,
                        {"report_type": report_type, "authority_reference": "X/1"},
                    ],
                )
                self.assertRpcError(answer, "UserError")
        answer = self._call("gdpr.breach", "write", [breach.ids, {"measures": False}])
        self.assertRpcError(answer, "ValidationError")
        breach.invalidate_recordset()
        self.assertEqual(
            (breach.is_reported, breach.reported_at, breach.report_type),
            (True, reported_at, "complete"),
        )
        self.assertFalse(breach.missing_notification_items)

    def test_f7_report_type_moves_forward(self):
        breach = self._breach()
        breach.write({"report_type": "follow_up"})
        breach.write({"report_type": "complete"})
        with self.assertRaisesRegex(UserError, "earlier phase"):
            breach.write({"report_type": "follow_up"})

    # F8 -----------------------------------------------------------------
    def test_f8_report_and_information_dates_checked_when_not_reported(self):
        breach = self._breach()
        for vals, regex in (
            ({"reported_at": "2099-01-01 00:00:00"}, "future"),
            (
                {"reported_at": DT(self.now - timedelta(days=10))},
                "before the breach date",
            ),
            (
                {"date_subjects_notified": fields.Date.to_string(self.today)},
                "were not informed",
            ),
            ({"date_subjects_notified": "2099-01-01"}, "were not informed"),
        ):
            with (
                self.subTest(vals=vals),
                self.assertRaisesRegex(ValidationError, regex),
            ):
                breach.with_user(self.user_officer).write(vals)
        # Unticking "informed" empties its date.
        breach.with_user(self.user_officer).write(
            {
                "subjects_notified": True,
                "date_subjects_notified": fields.Date.to_string(self.today),
                "subjects_notification_method": "E-mail",
            }
        )
        breach.with_user(self.user_officer).write({"subjects_notified": False})
        self.assertFalse(breach.date_subjects_notified)

    # F9 -----------------------------------------------------------------
    def test_f9_invisible_characters_are_no_reason(self):
        late = {
            "nature": "n",
            "risk_level": "risk",
            "consequences": "c",
            "date_discovered": DT(self.now - timedelta(hours=100)),
            "is_reported": True,
        }
        for blank in ("\u200b", "\u00a0\u200b", "\ufeff\u2060 \u200c\u200d"):
            with self.subTest(blank=repr(blank)):
                answer = self._call(
                    "gdpr.breach",
                    "create",
                    [self._breach_vals(**late, delay_reason=blank)],
                )
                self.assertIn(
                    "reasons for the delay",
                    self.assertRpcError(answer, "ValidationError"),
                )
        vals = self._full_breach_vals(
            date_discovered=DT(self.now - timedelta(hours=2)),
            report_type="complete",
            is_reported=True,
            measures="\u00a0\u200b",
        )
        answer = self._call("gdpr.breach", "create", [vals])
        self.assertIn("measures", self.assertRpcError(answer, "ValidationError"))
        request = self._request(self.today)
        answer = self._call(
            "gdpr.request",
            "write",
            [request.ids, {"state": "refused", "refusal_reason": "\u200b\u200b"}],
        )
        self.assertRpcError(answer, "ValidationError")

    # F10 ----------------------------------------------------------------
    def test_f10_wrong_values_get_a_clean_error(self):
        breach = self._breach()
        for method, args in (
            ("write", [breach.ids, {"attachment_ids": [(4, "x")]}]),
            ("write", [breach.ids, {"data_category_ids": [(6, 0, ["x"])]}]),
            ("create", [self._breach_vals(data_category_ids=[(4, "x")])]),
            ("create", [self._breach_vals(data_category_ids="1")]),
            ("create", [self._breach_vals(data_category_ids=[(9, 1)])]),
        ):
            with self.subTest(args=args):
                answer = self._call("gdpr.breach", method, args)
                self.assertRpcError(answer, "ValidationError")
        for vals in (
            {"dpo_id": 999999},
            {"data_category_ids": [(6, 0, [999999])]},
        ):
            with self.subTest(vals=vals):
                answer = self._call(
                    "gdpr.breach", "create", [self._breach_vals(**vals)]
                )
                message = self.assertRpcError(answer, "ValidationError")
                self.assertIn("does not exist", message)
        for model in ("gdpr.request", "gdpr.breach"):
            with self.subTest(model=model):
                answer = self._call(
                    model, "search_count", [[("is_overdue", "in", [True])]]
                )
                self.assertRpcError(answer, "UserError")

    # F11 ----------------------------------------------------------------
    def test_f11_integrity_report_of_another_company_is_a_clean_error(self):
        self._login(self.user_officer)
        report = "/report/pdf/crm_gdpr.report_gdpr_evidence_integrity"
        response = self.url_open(f"{report}/{self.company_2.id}")
        self.assertEqual(response.status_code, 403)
        response = self.url_open(f"{report}/999999")
        self.assertEqual(response.status_code, 400)
        response = self.url_open(
            f"/report/html/crm_gdpr.report_gdpr_evidence_integrity/{self.company_2.id}"
        )
        self.assertEqual(response.status_code, 403)
        # An empty document is no crash of the font step.
        self.assertEqual(self.env["ir.actions.report"]._gdpr_with_report_font(""), "")

    # F12 ----------------------------------------------------------------
    def test_f12_breach_registered_by_an_officer_without_email(self):
        dpo_user = new_test_user(
            self.env,
            login="gdpr_dpo_user",
            groups="crm_gdpr.group_gdpr_officer",
            name="DPO user",
        )
        self.user_officer.partner_id.email = False
        breach = self._breach(dpo_id=dpo_user.partner_id.id)
        self.assertTrue(breach.name)
        reminder = breach.activity_ids.filtered(
            lambda act: (
                act.activity_type_id
                == self.env.ref("crm_gdpr.mail_activity_type_gdpr_breach_deadline")
            )
        )
        self.assertEqual(reminder.user_id, dpo_user)

    # F13 ----------------------------------------------------------------
    def test_f13_long_unbroken_reference_wraps_in_the_pdf(self):
        reference = "REF" + "0123456789ABCDEFGHIJ" * 49 + "END"
        breach = self._breach(authority_reference=reference)
        text = pdf_text(
            self.env, "crm_gdpr.report_gdpr_breach", breach, user=self.user_officer
        )
        self.assertIn(reference, "".join(text.split()))

    # F14 ----------------------------------------------------------------
    def test_f14_company_error_names_no_unreadable_record(self):
        answer = self._call(
            "gdpr.breach", "create", [self._breach_vals(dpo_id=self.secret.id)]
        )
        self.assertNotIn("SecretB", self.assertRpcError(answer, "AccessError"))
        answer = self._call(
            "gdpr.processing.register",
            "create",
            [{"dpo_id": self.dpo.id, "dpo_address_id": self.secret_address.id}],
        )
        self.assertNotIn("SecretB", self.assertRpcError(answer, "AccessError"))
        answer = self._call(
            "gdpr.request",
            "create",
            [
                {
                    "partner_id": self.secret.id,
                    "request_type": "access",
                    "date_received": fields.Date.to_string(self.today),
                }
            ],
        )
        self.assertNotIn("SecretB", self.assertRpcError(answer, "AccessError"))

    # F15 ----------------------------------------------------------------
    def test_f15_request_handler_is_an_officer(self):
        request = self._request(self.today)
        for user in (self.user_portal, self.user_sales, self.user_internal):
            with self.subTest(user=user.login):
                answer = self._call(
                    "gdpr.request", "write", [request.ids, {"user_id": user.id}]
                )
                self.assertRpcError(answer, "ValidationError")
        self.assertEqual(request.user_id, self.user_officer)
        request.with_user(self.user_officer).write({"user_id": self.user_manager.id})

    def test_f15_refused_request_is_reopened_before_done(self):
        request = self._request(self.today)
        request.with_user(self.user_officer).write(
            {"state": "refused", "refusal_reason": "Manifestly unfounded"}
        )
        answer = self._call(
            "gdpr.request", "write", [request.ids, {"state": "done", "response": "ok"}]
        )
        self.assertRpcError(answer, "UserError")
        request.with_user(self.user_officer).action_reopen()
        self.assertEqual(request.state, "in_progress")
        request.with_user(self.user_officer).write({"state": "done", "response": "ok"})
        self.assertEqual(request.state, "done")

    # F16 ----------------------------------------------------------------
    def test_f16_international_organisation_once_per_activity(self):
        activity = self.records["gdpr.processing.activity"]
        vals = {
            "activity_id": activity.id,
            "is_international_organisation": True,
            "organisation_name": "WHO",
            "basis_id": self.basis_scc.id,
        }
        self.assertIn("result", self._call("gdpr.transfer", "create", [vals]))
        for name in ("WHO", "who ", " W H O"):
            with self.subTest(name=name):
                answer = self._call(
                    "gdpr.transfer", "create", [{**vals, "organisation_name": name}]
                )
                self.assertIn(
                    "only once", self.assertRpcError(answer, "ValidationError")
                )
        answer = self._call(
            "gdpr.transfer",
            "create",
            [
                {
                    "activity_id": activity.id,
                    "country_id": self.env.ref("base.jp").id,
                    "organisation_name": "hidden org",
                    "basis_id": self.basis_scc.id,
                }
            ],
        )
        self.assertRpcError(answer, "ValidationError")
        transfer = self.env["gdpr.transfer"].browse(
            self._call(
                "gdpr.transfer", "create", [vals | {"organisation_name": "OECD"}]
            )["result"]
        )
        transfer.with_user(self.user_officer).write(
            {
                "is_international_organisation": False,
                "country_id": self.env.ref("base.jp").id,
            }
        )
        self.assertFalse(transfer.organisation_name)

    # F17 ----------------------------------------------------------------
    def test_f17_followers_of_officer_documents_hidden_from_employees(self):
        request = self.records["gdpr.request"]
        request.message_subscribe(partner_ids=self.giver.ids)
        lead = self.env["crm.lead"].create({"name": "Followed lead"})
        lead.message_subscribe(partner_ids=self.giver.ids)
        domain = [("res_model", "in", ["gdpr.breach", "gdpr.request"])]
        for user in (self.user_internal, self.user_sales):
            with self.subTest(user=user.login):
                answer = self._call(
                    "mail.followers",
                    "search_read",
                    [domain],
                    {"fields": ["res_model", "res_id", "partner_id"]},
                    user=user,
                )
                self.assertEqual(answer["result"], [])
                answer = self._call(
                    "mail.followers",
                    "search_count",
                    [[("res_model", "=", "crm.lead"), ("res_id", "=", lead.id)]],
                    user=user,
                )
                self.assertGreaterEqual(answer["result"], 1)
        answer = self._call(
            "mail.followers",
            "search_count",
            [[("res_model", "=", "gdpr.request"), ("res_id", "=", request.id)]],
        )
        self.assertGreaterEqual(answer["result"], 1)
