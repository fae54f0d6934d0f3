"""The red-team findings on processor agreements, the processor's register
and impact assessments (SPEC section 12).

One test per finding (or aspect) of /work/notes/redteam-17.md, named after
it. The attack was made over JSON-RPC as the officers of the two companies:
the tests replay it so (``call_kw``), or through the ORM as the user where
that is the same path.
"""

from datetime import timedelta

from odoo import Command, fields
from odoo.tests import new_test_user, tagged

from .common import GdprRpcCommon

D = fields.Date.to_string
CLAUSES = (
    "clause_a_instructions",
    "clause_b_confidentiality",
    "clause_c_security",
    "clause_d_subprocessors",
    "clause_e_data_subject_rights",
    "clause_f_controller_obligations",
    "clause_g_deletion_return",
)


@tagged("post_install", "-at_install")
class TestProcessorAttacks(GdprRpcCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.context_today(cls.env["gdpr.dpia"])
        cls.secret = cls.env["res.partner"].create(
            {
                "name": "SecretB Processor",
                "email": "secretb@otherco.example",
                "company_id": cls.company_2.id,
            }
        )
        cls.secret_basis = cls.env["gdpr.transfer.basis"].create(
            {"name": "SECRET-B-BASIS", "company_id": cls.company_2.id}
        )
        cls.processor = cls.env["res.partner"].create(
            {"name": "CloudHost Polska", "is_company": True}
        )
        cls.dpo = cls.env["res.partner"].create({"name": "Anna Inspektor"})
        officer_groups = "crm_gdpr.group_gdpr_officer"
        cls.user_officer_ab = new_test_user(
            cls.env,
            login="gdpr_officer_ab",
            groups=officer_groups,
            name="Officer of both companies",
            company_ids=[Command.set((cls.company | cls.company_2).ids)],
        )
        cls.user_officer_b = new_test_user(
            cls.env,
            login="gdpr_officer_b",
            groups=officer_groups,
            name="Officer B",
            company_id=cls.company_2.id,
            company_ids=[Command.set(cls.company_2.ids)],
        )
        for user in (cls.user_officer_ab, cls.user_officer_b):
            user.password = f"{user.login}-Pa55!"
        cls.register = cls.records["gdpr.processing.register"]
        cls.activity = cls.records["gdpr.processing.activity"]
        cls.register_2 = cls.records_2["gdpr.processing.register"]
        cls.agreement_2 = cls.records_2["gdpr.processor.agreement"]
        # An agreement in force serving the activity; clause (h) missing.
        cls.agreement = (
            cls.env["gdpr.processor.agreement"]
            .with_user(cls.user_officer)
            .create(
                {
                    "processor_id": cls.processor.id,
                    "subject": "Hosting of the CRM",
                    "date_signed": D(cls.today - timedelta(days=30)),
                    "processing_activity_ids": [Command.link(cls.activity.id)],
                    **dict.fromkeys(CLAUSES, True),
                }
            )
        )
        cls.agreement.action_confirm()
        # A decided impact assessment of the activity.
        cls.dpia = cls._dpia(cls.env["gdpr.dpia"].with_user(cls.user_officer))
        cls.dpia.action_decide()
        # A processor's register with its controller.
        cls.controller = cls.env["res.partner"].create(
            {"name": "Client Controller", "is_company": True}
        )
        cls.processor_register = cls.env["gdpr.processing.register"].create(
            {
                "title": "For clients",
                "register_type": "processor",
                "processor_controller_ids": [
                    Command.create({"partner_id": cls.controller.id})
                ],
            }
        )

    @classmethod
    def _dpia(cls, Dpia, residual=("1", "2"), **vals):
        return Dpia.create(
            {
                "activity_id": cls.activity.id,
                "systematic_description": "The CRM scores each lead.",
                "necessity_proportionality": "Business contact data only.",
                "risk_ids": [
                    Command.create(
                        {
                            "name": "Leak",
                            "likelihood": "4",
                            "severity": "4",
                            "measures": "Encryption",
                            "residual_likelihood": residual[0],
                            "residual_severity": residual[1],
                        }
                    )
                ],
                "dpo_id": cls.dpo.id,
                "dpo_advice": "May go ahead.",
                "date_dpo_advice": D(cls.today - timedelta(days=2)),
                "decision": "approved",
                "date_review": D(cls.today + timedelta(days=365)),
                **vals,
            }
        )

    def _call(self, model, method, args, kwargs=None, user=None):
        self._login(user or self.user_officer)
        return self.call_kw(model, method, args, kwargs)

    def _ab(self):
        return {
            "context": {"allowed_company_ids": [self.company.id, self.company_2.id]}
        }

    def _draft_dpia(self, **vals):
        return self._dpia(self.env["gdpr.dpia"].with_user(self.user_officer), **vals)

    # ------------------------------------------------------------------
    # F1
    # ------------------------------------------------------------------
    def test_f1_computed_risk_fields_not_writable(self):
        for vals in (
            {"risk_level": "low"},
            {"residual_risk_level": "high"},
            {"prior_consultation_required": True},
        ):
            answer = self._call("gdpr.dpia", "write", [self.dpia.ids, vals])
            self.assertIn("set by the system", self.assertRpcError(answer, "UserError"))
        answer = self._call(
            "gdpr.dpia", "load", [[".id", "risk_level"], [[str(self.dpia.id), "low"]]]
        )
        self.assertTrue(answer["result"]["messages"], "the load was accepted")
        self.assertEqual(self.dpia.risk_level, "high")
        risk = self._draft_dpia().risk_ids
        answer = self._call(
            "gdpr.dpia.risk",
            "write",
            [risk.ids, {"level": "low", "score": 99, "residual_score": 1}],
        )
        self.assertRpcError(answer, "UserError")
        self.assertEqual((risk.score, risk.level), (16, "high"))

    def test_f1_art36_not_bypassed_by_writing_the_computed_risk(self):
        dpia = self._draft_dpia(residual=("4", "4"))
        answer = self._call(
            "gdpr.dpia",
            "write",
            [
                dpia.ids,
                {
                    "prior_consultation_required": False,
                    "residual_risk_level": "low",
                    "state": "decided",
                    "date_decision": D(self.today),
                },
            ],
        )
        self.assertRpcError(answer, "UserError", "ValidationError")
        self.assertEqual(dpia.state, "draft")
        self.assertTrue(dpia.prior_consultation_required)

    def test_f1_agreement_checklist_not_writable(self):
        for vals in (
            {"clauses_complete": True},
            {"missing_transfer_country_ids": [Command.set(self.country_us.ids)]},
            {"is_overdue": True},
        ):
            answer = self._call(
                "gdpr.processor.agreement", "write", [self.agreement.ids, vals]
            )
            self.assertRpcError(answer, "UserError")
        self.assertFalse(self.agreement.clauses_complete)

    # ------------------------------------------------------------------
    # F2
    # ------------------------------------------------------------------
    def test_f2_activity_side_link_to_another_company_agreement_refused(self):
        link = {"processor_agreement_ids": [Command.link(self.agreement_2.id)]}
        answer = self._call(
            "gdpr.processing.activity", "write", [self.activity.ids, link]
        )
        message = self.assertRpcError(answer, "AccessError")
        self.assertNotIn(self.agreement_2.name, message)
        answer = self._call(
            "gdpr.processing.activity",
            "write",
            [self.activity.ids, link],
            self._ab(),
            user=self.user_officer_ab,
        )
        self.assertRpcError(answer, "UserError", "ValidationError")
        self.assertFalse(self.agreement_2.processing_activity_ids & self.activity)

    # ------------------------------------------------------------------
    # F3
    # ------------------------------------------------------------------
    def test_f3_line_company_is_the_parent_company(self):
        for model in (
            "gdpr.processor.subprocessor",
            "gdpr.processor.transfer",
            "gdpr.dpia.risk",
            "gdpr.processor.controller",
        ):
            line = self.records[model]
            answer = self._call(
                model, "write", [line.ids, {"company_id": self.company_2.id}]
            )
            self.assertRpcError(answer, "UserError")
            self.assertEqual(line.company_id, self.company, model)

    # ------------------------------------------------------------------
    # F4
    # ------------------------------------------------------------------
    def test_f4_decided_dpia_does_not_change_company(self):
        answer = self._call(
            "gdpr.processing.activity",
            "write",
            [self.activity.ids, {"register_id": self.register_2.id}],
            self._ab(),
            user=self.user_officer_ab,
        )
        self.assertIn("evidence", self.assertRpcError(answer, "UserError"))
        answer = self._call(
            "gdpr.processing.register",
            "write",
            [self.register.ids, {"company_id": self.company_2.id}],
            self._ab(),
            user=self.user_officer_ab,
        )
        self.assertRpcError(answer, "UserError")
        answer = self._call(
            "gdpr.dpia",
            "write",
            [self.dpia.ids, {"company_id": self.company_2.id}],
            self._ab(),
            user=self.user_officer_ab,
        )
        self.assertRpcError(answer, "UserError")
        self.assertEqual(self.dpia.company_id, self.company)
        self.assertEqual(self.activity.company_id, self.company)

    def test_f4_activity_served_by_agreement_in_force_keeps_company(self):
        self.dpia.invalidate_recordset()
        activity = self.env["gdpr.processing.activity"].create(
            {"register_id": self.register.id, "name": "Served"}
        )
        self.agreement.with_user(self.user_officer).write(
            {"processing_activity_ids": [Command.link(activity.id)]}
        )
        answer = self._call(
            "gdpr.processing.activity",
            "write",
            [activity.ids, {"register_id": self.register_2.id}],
            self._ab(),
            user=self.user_officer_ab,
        )
        self.assertIn(self.agreement.name, self.assertRpcError(answer, "UserError"))

    # ------------------------------------------------------------------
    # F5
    # ------------------------------------------------------------------
    def test_f5_on_behalf_of_unreadable_partner_refused_namelessly(self):
        answer = self._call(
            "gdpr.processing.activity",
            "create",
            [
                {
                    "register_id": self.processor_register.id,
                    "name": "x",
                    "on_behalf_of_id": self.secret.id,
                }
            ],
        )
        message = self.assertRpcError(answer, "AccessError")
        self.assertNotIn("SecretB", message)

    def test_f5_on_behalf_of_is_one_of_the_register_controllers(self):
        answer = self._call(
            "gdpr.processing.activity",
            "create",
            [
                {
                    "register_id": self.processor_register.id,
                    "name": "x",
                    "on_behalf_of_id": self.processor.id,
                }
            ],
        )
        self.assertIn("controllers", self.assertRpcError(answer, "ValidationError"))
        answer = self._call(
            "gdpr.processing.activity",
            "create",
            [
                {
                    "register_id": self.processor_register.id,
                    "name": "x",
                    "on_behalf_of_id": self.controller.id,
                }
            ],
        )
        self.assertIn("result", answer, answer)

    def test_f5_on_behalf_of_refused_on_a_controller_register(self):
        answer = self._call(
            "gdpr.processing.activity",
            "write",
            [self.activity.ids, {"on_behalf_of_id": self.controller.id}],
        )
        self.assertIn(
            "controller's register", self.assertRpcError(answer, "ValidationError")
        )

    # ------------------------------------------------------------------
    # F6
    # ------------------------------------------------------------------
    def test_f6_agreement_in_force_keeps_its_activities(self):
        answer = self._call(
            "gdpr.processor.agreement",
            "write",
            [self.agreement.ids, {"processing_activity_ids": [Command.set([])]}],
        )
        self.assertIn("not removed", self.assertRpcError(answer, "UserError"))
        answer = self._call(
            "gdpr.processing.activity",
            "write",
            [
                self.activity.ids,
                {"processor_agreement_ids": [Command.unlink(self.agreement.id)]},
            ],
        )
        self.assertRpcError(answer, "UserError")
        self.assertEqual(self.agreement.processing_activity_ids, self.activity)

    def test_f6_activity_served_by_agreement_in_force_not_deleted(self):
        activity = self.env["gdpr.processing.activity"].create(
            {"register_id": self.register.id, "name": "tmp act"}
        )
        answer = self._call(
            "gdpr.processor.agreement",
            "write",
            [
                self.agreement.ids,
                {"processing_activity_ids": [Command.link(activity.id)]},
            ],
        )
        self.assertIn("result", answer, "adding an activity stays allowed")
        answer = self._call("gdpr.processing.activity", "unlink", [activity.ids])
        self.assertIn("is kept", self.assertRpcError(answer, "UserError"))
        self.assertIn(activity, self.agreement.processing_activity_ids)

    # ------------------------------------------------------------------
    # F7
    # ------------------------------------------------------------------
    def test_f7_responsible_is_an_officer_of_the_company(self):
        for user in (self.user_sales, self.user_portal, self.user_officer_b):
            answer = self._call(
                "gdpr.processor.agreement",
                "write",
                [self.agreement.ids, {"user_id": user.id}],
            )
            self.assertRpcError(answer, "ValidationError", "AccessError", "UserError")
            answer = self._call(
                "gdpr.dpia",
                "create",
                [{"activity_id": self.activity.id, "user_id": user.id}],
            )
            self.assertRpcError(answer, "ValidationError", "AccessError", "UserError")
        self.assertEqual(self.agreement.user_id, self.user_officer)

    def test_f7_decider_is_set_by_the_server(self):
        answer = self._call(
            "gdpr.dpia",
            "create",
            [{"activity_id": self.activity.id, "decision_by_id": self.user_portal.id}],
        )
        self.assertRpcError(answer, "UserError")
        dpia = self._draft_dpia()
        answer = self._call(
            "gdpr.dpia",
            "write",
            [
                dpia.ids,
                {"state": "decided", "date_decision": D(self.today)},
            ],
            user=self.user_manager,
        )
        self.assertIn("result", answer, answer)
        self.assertEqual(dpia.decision_by_id, self.user_manager)

    # ------------------------------------------------------------------
    # F8
    # ------------------------------------------------------------------
    def test_f8_prior_consultation_before_the_decision(self):
        dpia = self._draft_dpia(residual=("4", "4"))
        consultation = {
            "date_consultation": D(self.today),
            "consultation_reference": "DKN.1",
            "consultation_outcome": "No objection.",
        }
        answer = self._call(
            "gdpr.dpia",
            "write",
            [
                dpia.ids,
                {
                    **consultation,
                    "state": "decided",
                    "date_decision": D(self.today - timedelta(days=1)),
                },
            ],
        )
        self.assertIn(
            "before the decision", self.assertRpcError(answer, "ValidationError")
        )
        answer = self._call(
            "gdpr.dpia",
            "write",
            [
                dpia.ids,
                {
                    "date_consultation": D(self.today),
                    "state": "decided",
                    "date_decision": D(self.today),
                },
            ],
        )
        self.assertIn("case reference", self.assertRpcError(answer, "ValidationError"))
        self.assertEqual(dpia.state, "draft")
        dpia.with_user(self.user_officer).write(consultation)
        dpia.with_user(self.user_officer).action_decide()
        self.assertEqual(dpia.state, "decided")

    # ------------------------------------------------------------------
    # F9
    # ------------------------------------------------------------------
    def test_f9_decision_needs_review_plan_reasons_and_dpo(self):
        decide = {"state": "decided", "date_decision": D(self.today)}
        for vals, expected in (
            ({"date_review": False}, "review"),
            ({"decision": "approved_measures"}, "action plan"),
            ({"decision": "rejected"}, "reasons"),
            ({"dpo_id": False}, "data protection officer"),
        ):
            dpia = self._draft_dpia(**vals)
            answer = self._call("gdpr.dpia", "write", [dpia.ids, decide])
            self.assertIn(expected, self.assertRpcError(answer, "ValidationError"))
            self.assertEqual(dpia.state, "draft")

    def test_f9_review_date_not_removed_from_a_decided_dpia(self):
        answer = self._call(
            "gdpr.dpia", "write", [self.dpia.ids, {"date_review": False}]
        )
        self.assertIn("not removed", self.assertRpcError(answer, "UserError"))
        self.assertTrue(self.dpia.date_review)
        self.assertTrue(self.dpia.activity_ids, "the review reminder stays")

    # ------------------------------------------------------------------
    # F10
    # ------------------------------------------------------------------
    def test_f10_ended_agreement_not_put_in_force(self):
        agreement = (
            self.env["gdpr.processor.agreement"]
            .with_user(self.user_officer)
            .create(
                {
                    "processor_id": self.processor.id,
                    "subject": "Old hosting",
                    "date_signed": D(self.today - timedelta(days=30)),
                    "date_end": D(self.today - timedelta(days=4)),
                }
            )
        )
        answer = self._call(
            "gdpr.processor.agreement",
            "write",
            [agreement.ids, {"state": "in_force"}],
        )
        self.assertIn("already ended", self.assertRpcError(answer, "UserError"))
        self.assertEqual(agreement.state, "draft")

    def test_f10_no_termination_reason_on_a_draft(self):
        agreement = self.records["gdpr.processor.agreement"]
        answer = self._call(
            "gdpr.processor.agreement",
            "write",
            [agreement.ids, {"termination_reason": "x"}],
        )
        self.assertIn("Terminate button", self.assertRpcError(answer, "UserError"))

    # ------------------------------------------------------------------
    # F13
    # ------------------------------------------------------------------
    def test_f13_company_error_names_no_unreadable_record(self):
        answer = self._call(
            "gdpr.processor.agreement", "create", [{"processor_id": self.secret.id}]
        )
        self.assertNotIn("SecretB", self.assertRpcError(answer, "AccessError"))
        answer = self._call(
            "gdpr.processor.transfer",
            "create",
            [
                {
                    "agreement_id": self.records["gdpr.processor.agreement"].id,
                    "country_id": self.country_us.id,
                    "basis_id": self.secret_basis.id,
                }
            ],
        )
        self.assertNotIn("SECRET-B", self.assertRpcError(answer, "AccessError"))
        answer = self._call(
            "gdpr.dpia",
            "create",
            [{"activity_id": self.activity.id, "dpo_id": self.secret.id}],
        )
        self.assertNotIn("SecretB", self.assertRpcError(answer, "AccessError"))

    # ------------------------------------------------------------------
    # F14
    # ------------------------------------------------------------------
    def test_f14_creation_message_and_text_tracking(self):
        agreement = (
            self.env["gdpr.processor.agreement"]
            .with_user(self.user_officer)
            .create({"processor_id": self.processor.id})
        )
        dpia = (
            self.env["gdpr.dpia"]
            .with_user(self.user_officer)
            .create({"activity_id": self.activity.id})
        )
        self.assertIn(
            "Processor agreement registered.", agreement.message_ids[-1:].body
        )
        self.assertIn("Impact assessment registered.", dpia.message_ids[-1:].body)
        # Odoo tracks no record created in the same transaction.
        self.env.flush_all()
        self.env.cr.precommit.run()
        self.env.cr.precommit.data.clear()
        dpia.with_user(self.user_officer).write({"dpo_advice": "Go ahead."})
        self.env.flush_all()
        self.env.cr.precommit.run()
        tracking = self.env["mail.tracking.value"].search(
            [
                ("mail_message_id.model", "=", "gdpr.dpia"),
                ("mail_message_id.res_id", "=", dpia.id),
                ("field_id.name", "=", "dpo_advice"),
            ]
        )
        self.assertEqual(tracking.new_value_text, "Go ahead.")

    # ------------------------------------------------------------------
    # F15
    # ------------------------------------------------------------------
    def test_f15_controller_once_per_processor_register(self):
        answer = self._call(
            "gdpr.processor.controller",
            "create",
            [
                {
                    "register_id": self.processor_register.id,
                    "partner_id": self.controller.id,
                }
            ],
        )
        self.assertRpcError(answer, "ValidationError", "UserError")
        self.assertEqual(len(self.processor_register.processor_controller_ids), 1)

    # ------------------------------------------------------------------
    # F16
    # ------------------------------------------------------------------
    def test_f16_portal_create_refused_about_the_agreement(self):
        answer = self._call(
            "gdpr.processor.agreement",
            "create",
            [{"processor_id": self.processor.id}],
            user=self.user_portal,
        )
        message = self.assertRpcError(answer, "AccessError")
        self.assertNotIn("ir.sequence", message)
        self.assertIn("gdpr.processor.agreement", message)
