from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .common import CLAUSES, GdprAgreementCommon


@tagged("post_install", "-at_install")
@freeze_time("2026-04-15 10:00:00")
class TestGdprProcessorAgreement(GdprAgreementCommon):
    def test_reference_is_assigned_by_the_server(self):
        agreement = self._create(name="MINE")
        self.assertRegex(agreement.name, r"^DPA/2026/\d{4}$")
        with self.assertRaisesRegex(UserError, "assigned automatically"):
            agreement.write({"name": "OTHER"})

    def test_checklist_shows_the_missing_clauses(self):
        agreement = self._create(
            clause_a_instructions=True, clause_c_security=True, clause_h_audits=True
        )
        self.assertFalse(agreement.clauses_complete)
        missing = agreement.missing_clauses.splitlines()
        self.assertEqual(len(missing), 5)
        self.assertIn("(b) Confidentiality", missing)
        self.assertIn("(g) Deletion or Return", missing)
        self.assertNotIn("(a) Documented Instructions", missing)
        agreement.write(CLAUSES)
        self.assertTrue(agreement.clauses_complete)
        self.assertFalse(agreement.missing_clauses)
        self.assertIn(
            agreement,
            self.Agreement.search([("clauses_complete", "=", True)]),
        )

    def test_put_in_force_needs_a_signature_date(self):
        agreement = self._create(date_signed=False)
        with self.assertRaisesRegex(ValidationError, "date of signature"):
            agreement.action_confirm()
        self.assertEqual(agreement.state, "draft")

    def test_signature_and_end_dates(self):
        with self.assertRaisesRegex(ValidationError, "signed in the future"):
            self._create(date_signed="2026-05-01")
        with self.assertRaisesRegex(ValidationError, "end before"):
            self._create(date_end="2026-02-01")
        agreement = self._create(date_signed="2025-01-01", date_end="2026-01-31")
        with self.assertRaisesRegex(UserError, "already ended"):
            agreement.action_confirm()

    def test_created_as_draft_only(self):
        with self.assertRaisesRegex(UserError, "draft"):
            self._create(state="in_force")

    def test_subprocessor_in_a_third_country_needs_a_transfer_basis(self):
        agreement = self._create(
            subprocessing_authorisation="general",
            subprocessor_ids=[
                (
                    0,
                    0,
                    {
                        "partner_id": self.subprocessor.id,
                        "country_id": self.country_us.id,
                    },
                )
            ],
        )
        self.assertEqual(agreement.missing_transfer_country_ids, self.country_us)
        with self.assertRaisesRegex(ValidationError, "United States"):
            agreement.action_confirm()
        agreement.write(
            {
                "transfer_ids": [
                    (
                        0,
                        0,
                        {
                            "country_id": self.country_us.id,
                            "basis_id": self.basis_scc.id,
                        },
                    )
                ]
            }
        )
        self.assertFalse(agreement.missing_transfer_country_ids)
        agreement.action_confirm()
        self.assertEqual(agreement.state, "in_force")

    def test_subprocessor_in_the_eea_needs_no_basis(self):
        agreement = self._create(
            subprocessing_authorisation="specific",
            subprocessor_ids=[
                (
                    0,
                    0,
                    {
                        "partner_id": self.subprocessor.id,
                        "country_id": self.country_de.id,
                    },
                )
            ],
        )
        self.assertFalse(agreement.missing_transfer_country_ids)
        agreement.action_confirm()

    def test_subprocessors_need_an_authorisation(self):
        agreement = self._create(
            subprocessor_ids=[(0, 0, {"partner_id": self.subprocessor.id})],
        )
        with self.assertRaisesRegex(ValidationError, r"Art\. 28\(2\)"):
            agreement.action_confirm()

    def test_transfer_to_the_eea_is_refused(self):
        with self.assertRaisesRegex(ValidationError, "European Economic Area"):
            self._create(
                transfer_ids=[
                    (
                        0,
                        0,
                        {
                            "country_id": self.country_de.id,
                            "basis_id": self.basis_scc.id,
                        },
                    )
                ]
            )

    def test_transfer_to_the_eea_is_refused_when_entered(self):
        agreement = self._create()
        with Form(agreement) as form:
            with form.transfer_ids.new() as line:
                line.country_id = self.country_de
                self.assertFalse(line.country_id)
                line.country_id = self.country_us
                line.basis_id = self.basis_scc
        self.assertEqual(agreement.transfer_ids.country_id, self.country_us)

    def test_a_country_once_per_agreement(self):
        with self.assertRaises(Exception):  # noqa: B017 - the database refuses it
            with self.env.cr.savepoint():
                self._create(
                    transfer_ids=[
                        (
                            0,
                            0,
                            {
                                "country_id": self.country_us.id,
                                "basis_id": self.basis_scc.id,
                            },
                        ),
                        (
                            0,
                            0,
                            {
                                "country_id": self.country_us.id,
                                "basis_id": self.basis_scc.id,
                            },
                        ),
                    ]
                )

    def test_agreement_in_force_is_locked_evidence(self):
        agreement = self._with_us_subprocessor(**CLAUSES)
        agreement.action_confirm()
        for vals in (
            {"subject": "Something else"},
            {"processor_id": self.subprocessor.id},
            {"date_end": "2027-01-01"},
            {"clause_h_audits": False},
            {"subprocessing_authorisation": "specific"},
        ):
            with self.subTest(vals=vals):
                with self.assertRaisesRegex(UserError, "evidence"):
                    agreement.write(vals)
        with self.assertRaisesRegex(UserError, "evidence"):
            agreement.subprocessor_ids.write({"service": "Everything"})
        with self.assertRaisesRegex(UserError, "evidence"):
            agreement.transfer_ids.unlink()
        with self.assertRaisesRegex(UserError, "evidence"):
            self.env["gdpr.processor.subprocessor"].with_user(self.user_officer).create(
                {"agreement_id": agreement.id, "partner_id": self.processor.id}
            )
        with self.assertRaisesRegex(UserError, "never deleted"):
            agreement.unlink()
        with self.assertRaisesRegex(UserError, "duplicated"):
            agreement.copy()
        # The activities it serves and its responsible person may change.
        agreement.write({"notes": "Annex 2 received", "user_id": self.user_manager.id})

    def test_draft_can_be_changed_duplicated_and_deleted(self):
        agreement = self._with_us_subprocessor()
        agreement.write({"subject": "Changed"})
        agreement.subprocessor_ids.write({"service": "Support"})
        copy = agreement.copy()
        self.assertNotEqual(copy.name, agreement.name)
        copy.unlink()
        agreement.unlink()

    def test_states_follow_the_life_of_an_agreement(self):
        agreement = self._create()
        with self.assertRaisesRegex(UserError, "cannot go from"):
            agreement.write({"state": "terminated"})
        agreement.action_confirm()
        with self.assertRaisesRegex(UserError, "cannot go from"):
            agreement.write({"state": "draft"})
        with self.assertRaisesRegex(ValidationError, "only after its end date"):
            agreement.write({"state": "expired"})
        self._terminate(agreement)
        self.assertEqual(agreement.state, "terminated")
        self.assertEqual(str(agreement.date_terminated), "2026-04-15")
        with self.assertRaisesRegex(UserError, "Terminate button"):
            agreement.write({"termination_reason": "Other"})
        with self.assertRaisesRegex(UserError, "cannot go from"):
            agreement.write({"state": "in_force"})

    def test_termination_date_within_the_life_of_the_agreement(self):
        agreement = self._create()
        agreement.action_confirm()
        with self.assertRaisesRegex(ValidationError, "cannot be terminated before"):
            self._terminate(agreement, date="2026-02-01")
        self.assertEqual(agreement.state, "in_force")

    def test_reminder_before_the_end_date(self):
        agreement = self._create(date_end="2026-12-31")
        self.assertFalse(agreement.activity_ids, "a draft runs no clock")
        agreement.action_confirm()
        activity = agreement.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(
            activity.activity_type_id,
            self.env.ref("crm_gdpr.mail_activity_type_gdpr_processor_agreement_end"),
        )
        self.assertEqual(str(activity.date_deadline), "2026-12-01")
        self.assertEqual(activity.user_id, self.user_officer)
        self._terminate(agreement)
        self.assertFalse(agreement.activity_ids, "the reminder is closed")

    def test_daily_job_expires_agreements_past_their_end_date(self):
        ending = self._create(date_end="2026-04-30")
        ending.action_confirm()
        running = self._create(date_end="2026-12-31")
        running.action_confirm()
        open_ended = self._create()
        open_ended.action_confirm()
        Agreement = self.env["gdpr.processor.agreement"]
        with freeze_time("2026-04-30 12:00:00"):
            self.assertFalse(Agreement._cron_expire(), "the last day is in force")
        with freeze_time("2026-05-01 08:00:00"):
            self.assertTrue(ending.is_overdue)
            self.assertEqual(Agreement._cron_expire(), ending)
        self.assertEqual(ending.state, "expired")
        self.assertEqual(running.state, "in_force")
        self.assertEqual(open_ended.state, "in_force")
        self.assertIn("it has expired", "".join(ending.message_ids.mapped("body")))
        self.assertFalse(ending.activity_ids)
        with self.assertRaisesRegex(UserError, "evidence"):
            ending.write({"subject": "Changed after expiry"})

    def test_daily_job_skips_an_agreement_that_fails(self):
        first = self._create(date_end="2026-04-20")
        second = self._create(date_end="2026-04-20")
        (first | second).action_confirm()
        # A constraint that fails for the first agreement only.
        self.env.cr.execute(
            "UPDATE gdpr_processor_agreement SET date_signed = '2026-06-01' "
            "WHERE id = %s",
            [first.id],
        )
        self.env.invalidate_all()
        with freeze_time("2026-05-01 08:00:00"):
            expired = self.env["gdpr.processor.agreement"]._cron_expire()
        self.assertEqual(expired, second)
        self.assertEqual(first.state, "in_force")

    def test_activities_served_and_their_agreements(self):
        register = self.env["gdpr.processing.register"].create({"title": "R"})
        activity = self.env["gdpr.processing.activity"].create(
            {"register_id": register.id, "name": "CRM"}
        )
        agreement = self._create(processing_activity_ids=[(6, 0, activity.ids)])
        self.assertEqual(activity.processor_agreement_ids, agreement)
        agreement.action_confirm()
        other = self.env["gdpr.processing.activity"].create(
            {"register_id": register.id, "name": "Newsletter"}
        )
        other.write({"processor_agreement_ids": [(4, agreement.id)]})
        self.assertEqual(agreement.processing_activity_ids, activity | other)

    def test_officers_only(self):
        agreement = self._create()
        for user in (self.user_sales, self.user_internal):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    agreement.with_user(user).read(["name"])
                with self.assertRaises(AccessError):
                    self.env["gdpr.processor.agreement"].with_user(user).create(
                        {"processor_id": self.processor.id}
                    )

    def test_other_company_agreements_are_invisible(self):
        agreement = self._create()
        other = (
            self.env["gdpr.processor.agreement"]
            .with_company(self.company_2)
            .create({"processor_id": self.processor.id})
        )
        visible = self.Agreement.search([("id", "in", (agreement | other).ids)])
        self.assertEqual(visible, agreement)
        with self.assertRaises(AccessError):
            other.with_user(self.user_officer).read(["name"])

    def test_every_field_is_tracked(self):
        untracked = [
            name
            for name, field in self.env["gdpr.processor.agreement"]._fields.items()
            if field.store
            and field.model_name == "gdpr.processor.agreement"
            and field._module == "crm_gdpr"
            and field.type not in ("one2many", "many2many", "binary")
            and name not in ("overdue_notified", "clauses_complete", "document_name")
            and not field.automatic
            and not getattr(field, "tracking", None)
        ]
        self.assertEqual(untracked, [])

    def test_changes_are_in_the_chatter(self):
        agreement = self._create().with_context(tracking_disable=False)
        self.env.flush_all()
        self.env.cr.precommit.run()
        agreement.write({"date_signed": "2026-03-02", "clause_b_confidentiality": True})
        agreement.action_confirm()
        self.env.flush_all()
        self.env.cr.precommit.run()
        tracked = agreement.sudo().message_ids.tracking_value_ids.field_id.mapped(
            "name"
        )
        for fname in ("date_signed", "clause_b_confidentiality", "state"):
            self.assertIn(fname, tracked)

    def test_rpc_values_are_checked(self):
        with self.assertRaisesRegex(ValidationError, "not a valid date"):
            self._create(date_end="soon")
        with self.assertRaisesRegex(ValidationError, "too long"):
            self._create(subject="x" * 10001)
        agreement = self._create()
        with self.assertRaisesRegex(ValidationError, "not a valid value"):
            agreement.write({"subprocessing_authorisation": "always"})
