from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .common import GdprDpiaCommon


@tagged("post_install", "-at_install")
@freeze_time("2026-04-15 10:00:00")
class TestGdprDpia(GdprDpiaCommon):
    def test_reference_is_assigned_by_the_server(self):
        dpia = self._create(name="MINE")
        self.assertRegex(dpia.name, r"^DPIA/2026/\d{4}$")
        self.assertEqual(dpia.company_id, self.activity.company_id)

    def test_risk_is_likelihood_times_severity(self):
        dpia = self._create(
            risks=[("4", "3", "2", "2"), ("1", "2", "1", "1"), ("2", "2", "", "")]
        )
        first, second, third = dpia.risk_ids
        self.assertEqual((first.score, first.level), (12, "high"))
        self.assertEqual((first.residual_score, first.residual_level), (4, "medium"))
        self.assertEqual((second.score, second.level), (2, "low"))
        self.assertEqual((third.score, third.level), (4, "medium"))
        self.assertFalse(third.residual_level)
        self.assertEqual(dpia.risk_level, "high")
        self.assertEqual(dpia.residual_risk_level, "medium")
        self.assertFalse(dpia.prior_consultation_required)

    def test_residual_risk_is_scored_fully_and_not_above_the_risk(self):
        with self.assertRaisesRegex(ValidationError, "both its likelihood"):
            self._create(risks=[("2", "3", "1", "")])
        with self.assertRaisesRegex(ValidationError, "not higher"):
            self._create(risks=[("2", "3", "3", "3")])

    def test_high_residual_risk_requires_prior_consultation(self):
        dpia = self._create(risks=[("4", "4", "3", "3")])
        self.assertEqual(dpia.residual_risk_level, "high")
        self.assertTrue(dpia.prior_consultation_required)
        with self.assertRaisesRegex(ValidationError, r"Art\. 36\(1\)"):
            dpia.action_decide()
        self.assertEqual(dpia.state, "draft")
        dpia.write({"date_consultation": "2026-04-12", "consultation_reference": "X"})
        with self.assertRaisesRegex(ValidationError, r"Art\. 36\(1\)"):
            dpia.action_decide()
        dpia.write({"consultation_outcome": "No objection."})
        dpia.action_decide()
        self.assertEqual(dpia.state, "decided")

    def test_rejection_needs_no_consultation(self):
        dpia = self._create(
            risks=[("4", "4", "4", "4")],
            decision="rejected",
            decision_reason="The risk stays too high.",
        )
        dpia.action_decide()
        self.assertEqual(dpia.decision, "rejected")

    def test_decision_needs_risks_scored_and_the_dpo_advice(self):
        with self.assertRaisesRegex(ValidationError, "assess the risks"):
            self._create(risks=[]).action_decide()
        with self.assertRaisesRegex(ValidationError, "residual risk of"):
            self._create(risks=[("2", "2", "", "")]).action_decide()
        with self.assertRaisesRegex(ValidationError, r"Art\. 35\(2\)"):
            self._create(dpo_advice=False).action_decide()
        with self.assertRaisesRegex(ValidationError, "give the decision"):
            self._create(decision=False).action_decide()
        with self.assertRaisesRegex(ValidationError, "describe the processing"):
            self._create(systematic_description=" ").action_decide()

    def test_state_written_over_rpc_obeys_the_same_rules(self):
        dpia = self._create(dpo_advice=False)
        with self.assertRaisesRegex(ValidationError, r"Art\. 35\(2\)"):
            dpia.write({"state": "decided", "date_decision": "2026-04-15"})
        with self.assertRaisesRegex(UserError, "draft"):
            self._create(state="decided")
        with self.assertRaisesRegex(ValidationError, "not a valid value"):
            dpia.write({"state": "approved"})

    def test_decide_records_the_date_and_who(self):
        dpia = self._create()
        dpia.action_decide()
        self.assertEqual(str(dpia.date_decision), "2026-04-15")
        self.assertEqual(dpia.decision_by_id, self.user_officer)

    def test_decided_dpia_is_locked_evidence(self):
        dpia = self._create()
        dpia.action_decide()
        for vals in (
            {"systematic_description": "Other"},
            {"decision": "rejected"},
            {"dpo_advice": "Changed"},
            {"activity_id": self.activity.copy().id},
        ):
            with self.subTest(vals=vals):
                with self.assertRaisesRegex(UserError, "evidence"):
                    dpia.write(vals)
        with self.assertRaisesRegex(UserError, "evidence"):
            dpia.risk_ids.write({"measures": "Other"})
        with self.assertRaisesRegex(UserError, "evidence"):
            dpia.risk_ids.unlink()
        with self.assertRaisesRegex(UserError, "evidence"):
            self.env["gdpr.dpia.risk"].create(
                {"dpia_id": dpia.id, "name": "New", "likelihood": "1", "severity": "1"}
            )
        with self.assertRaisesRegex(UserError, "stays as decided"):
            dpia.write({"state": "draft"})
        with self.assertRaisesRegex(UserError, "never deleted"):
            dpia.unlink()
        with self.assertRaisesRegex(UserError, "duplicated"):
            dpia.copy()
        dpia.write({"date_review": "2027-04-15", "user_id": self.user_manager.id})

    def test_draft_can_be_changed_and_deleted(self):
        dpia = self._create()
        dpia.risk_ids.write({"measures": "Encryption"})
        dpia.write({"systematic_description": "Changed"})
        dpia.unlink()

    def test_review_reminder_and_daily_job(self):
        dpia = self._create(date_review="2026-10-15")
        self.assertFalse(dpia.activity_ids, "a draft runs no clock")
        dpia.action_decide()
        activity = dpia.activity_ids
        self.assertEqual(
            activity.activity_type_id,
            self.env.ref("crm_gdpr.mail_activity_type_gdpr_dpia_review"),
        )
        self.assertEqual(str(activity.date_deadline), "2026-10-01")
        Dpia = self.env["gdpr.dpia"]
        self.assertFalse(Dpia._cron_post_overdue())
        with freeze_time("2026-10-16 10:00:00"):
            self.assertTrue(dpia.is_overdue)
            self.assertIn(dpia, Dpia.search([("is_overdue", "=", True)]))
            self.assertEqual(Dpia._cron_post_overdue(), dpia)
            self.assertFalse(Dpia._cron_post_overdue(), "noted once")
        self.assertIn("review", "".join(dpia.message_ids.mapped("body")))

    def test_review_after_the_decision(self):
        with self.assertRaisesRegex(ValidationError, "reviewed after"):
            self._create(date_decision="2026-04-14", date_review="2026-04-01")

    def test_dates_not_in_the_future(self):
        with self.assertRaisesRegex(ValidationError, "future"):
            self._create(date_dpo_advice="2026-05-01")

    def test_activity_shows_that_a_dpia_is_required(self):
        register = self.register
        plain = self.env["gdpr.processing.activity"].create(
            {"register_id": register.id, "name": "Invoicing"}
        )
        self.assertFalse(plain.dpia_required)
        special = self.env["gdpr.processing.activity"].create(
            {
                "register_id": register.id,
                "name": "Health data",
                "processes_special_categories": True,
                "special_category_condition": "a",
            }
        )
        self.assertTrue(special.dpia_required)
        self.assertTrue(self.activity.dpia_required)
        self.assertEqual(
            self.env["gdpr.processing.activity"].search(
                [("dpia_required", "=", True), ("register_id", "=", register.id)]
            ),
            self.activity | special,
        )
        self.assertEqual(
            self.env["gdpr.processing.activity"].search(
                [("dpia_required", "!=", True), ("register_id", "=", register.id)]
            ),
            plain,
        )
        self.assertTrue(self.activity.dpia_missing)
        dpia = self._create()
        self.assertEqual(self.activity.dpia_count, 1)
        self.assertTrue(self.activity.dpia_missing, "a draft is no assessment yet")
        dpia.action_decide()
        self.activity.invalidate_recordset(["dpia_missing", "dpia_count"])
        self.assertFalse(self.activity.dpia_missing)
        plain.write({"automated_decision": True, "automated_decision_logic": "x"})
        self.assertTrue(plain.dpia_required)

    def test_form_scores_risks_as_they_are_entered(self):
        with Form(self.Dpia) as form:
            form.activity_id = self.activity
            with form.risk_ids.new() as risk:
                risk.name = "Data leak"
                risk.likelihood = "3"
                risk.severity = "4"
                self.assertEqual(risk.score, 12)
                self.assertEqual(risk.level, "high")
                risk.residual_likelihood = "3"
                risk.residual_severity = "3"
            self.assertTrue(form.prior_consultation_required)

    def test_officers_only_and_per_company(self):
        dpia = self._create()
        for user in (self.user_sales, self.user_internal):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    dpia.with_user(user).read(["name"])
        register_2 = (
            self.env["gdpr.processing.register"]
            .with_company(self.company_2)
            .create({"title": "B"})
        )
        activity_2 = self.env["gdpr.processing.activity"].create(
            {"register_id": register_2.id, "name": "B"}
        )
        other = self.env["gdpr.dpia"].create({"activity_id": activity_2.id})
        self.assertEqual(other.company_id, self.company_2)
        with self.assertRaises(AccessError):
            other.with_user(self.user_officer).read(["name"])

    def test_every_field_is_tracked(self):
        untracked = [
            name
            for name, field in self.env["gdpr.dpia"]._fields.items()
            if field.store
            and field.model_name == "gdpr.dpia"
            and field._module == "crm_gdpr"
            and field.type not in ("one2many", "many2many")
            and name
            not in (
                "overdue_notified",
                "company_id",
                "risk_level",
                "residual_risk_level",
                "prior_consultation_required",
            )
            and not field.automatic
            and not getattr(field, "tracking", None)
        ]
        self.assertEqual(untracked, [])

    def test_activity_with_a_decided_dpia_is_kept(self):
        dpia = self._create()
        dpia.action_decide()
        with self.assertRaisesRegex(UserError, "decided impact assessment"):
            self.activity.unlink()
        with self.assertRaisesRegex(UserError, "decided impact assessment"):
            self.register.unlink()
        self.assertTrue(self.activity.exists())

    def test_activity_goes_with_its_draft_dpias(self):
        dpia = self._create()
        self.activity.unlink()
        self.assertFalse(dpia.exists())

    def test_review_starts_a_new_draft_and_keeps_the_decided_one(self):
        dpia = self._create(risks=[("3", "3", "2", "2")], action_plan="Encrypt")
        with self.assertRaisesRegex(UserError, "not decided"):
            dpia.action_review()
        dpia.action_decide()
        action = dpia.action_review()
        review = self.env["gdpr.dpia"].browse(action["res_id"])
        self.assertNotEqual(review, dpia)
        self.assertEqual(review.state, "draft")
        self.assertEqual(review.previous_id, dpia)
        self.assertEqual(review.activity_id, self.activity)
        self.assertEqual(review.systematic_description, dpia.systematic_description)
        self.assertEqual(review.action_plan, "Encrypt")
        self.assertFalse(review.decision, "decided again")
        self.assertEqual(review.risk_ids.mapped("score"), [9])
        self.assertEqual(review.risk_ids.residual_level, "medium")
        self.assertNotEqual(review.risk_ids, dpia.risk_ids)
        review.risk_ids.write({"residual_likelihood": "1"})
        self.assertEqual(dpia.state, "decided")
        self.assertEqual(dpia.risk_ids.residual_likelihood, "2")
