from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import ROLES, GdprReliabilityCommon

R, C, W, U = "read", "create", "write", "unlink"
NOTHING = ""
DICTIONARY = {
    "portal": NOTHING,
    "internal": NOTHING,
    "sales": "r",
    "officer": "r",
    "manager": "rcwu",
}
CONSENT = {
    "portal": NOTHING,
    "internal": NOTHING,
    "sales": "rcw",
    "officer": "rcw",
    "manager": "rcw",
}
REGISTER = {
    "portal": NOTHING,
    "internal": NOTHING,
    "sales": NOTHING,
    "officer": "rcwu",
    "manager": "rcwu",
}
WIZARD = {
    "portal": NOTHING,
    "internal": NOTHING,
    "sales": "rcwu",
    "officer": "rcwu",
    "manager": "rcwu",
}
# SPEC section 5: what each kind of user may do (r, c, w, u) on every model
# of the addon. A new model of the addon makes the test fail until it is
# added here.
ACCESS_MATRIX = {
    "gdpr.consent.category": DICTIONARY,
    "gdpr.consent.source": DICTIONARY,
    "gdpr.withdrawal.reason": DICTIONARY,
    "gdpr.withdrawal.source": DICTIONARY,
    "gdpr.transfer.basis": DICTIONARY,
    "gdpr.channel": DICTIONARY,
    "gdpr.consent.text": DICTIONARY,
    # Consents are evidence: nobody deletes them.
    "gdpr.consent": CONSENT,
    "gdpr.processing.register": REGISTER,
    "gdpr.processing.activity": REGISTER,
    "gdpr.joint.controller": REGISTER,
    "gdpr.transfer": REGISTER,
    # The officer keeps breaches; nobody deletes one (SPEC section 7).
    "gdpr.breach": {**REGISTER, "officer": "rcw", "manager": "rcw"},
    # The evidence log: read by officers, written by the system only.
    "gdpr.evidence.event": {**REGISTER, "officer": "r", "manager": "r"},
    "gdpr.evidence.chain": {**REGISTER, "officer": "r", "manager": "r"},
    # Data-subject requests are evidence: officers only, nobody deletes them.
    "gdpr.request": {**REGISTER, "officer": "rcw", "manager": "rcw"},
    "gdpr.consent.bulk.grant": WIZARD,
    "gdpr.consent.bulk.grant.line": WIZARD,
    "gdpr.consent.bulk.withdraw": WIZARD,
    "gdpr.consent.bulk.withdraw.line": WIZARD,
    "gdpr.data.category": DICTIONARY,
    # The information notice is the DPO's wording; salespeople read it.
    "gdpr.information.notice": {
        **DICTIONARY,
        "officer": "rcw",
    },
    # Records of the information duty are evidence, as consents.
    "gdpr.information.record": CONSENT,
    # Background jobs: read by their user (here the salesperson) and the
    # officers, written by the server only.
    "gdpr.bulk.job": {**REGISTER, "sales": "r", "officer": "r", "manager": "r"},
    # Processors and impact assessments (SPEC 12): officers only; drafts may
    # be deleted, agreements in force and decided assessments never.
    "gdpr.processor.agreement": REGISTER,
    "gdpr.processor.subprocessor": REGISTER,
    "gdpr.processor.transfer": REGISTER,
    "gdpr.processor.controller": REGISTER,
    "gdpr.dpia": REGISTER,
    "gdpr.dpia.risk": REGISTER,
    # Double opt-in requests: GDPR users ask; the officer erases them (Art. 17).
    "gdpr.consent.request": {**CONSENT, "officer": "rcwu", "manager": "rcwu"},
    "gdpr.consent.request.wizard": WIZARD,
    "gdpr.consent.withdraw.import": WIZARD,
    # The language of the Art. 15 report: printed by the officer only.
    "gdpr.access.report.wizard": {**WIZARD, "sales": NOTHING},
    # The termination dialog of a processor agreement: officers only.
    "gdpr.processor.agreement.terminate": {**WIZARD, "sales": NOTHING},
}
# Refusals that the model explains with a UserError rather than the ACL.
USER_ERROR_REFUSALS = {
    ("gdpr.consent", U),
    ("gdpr.information.record", U),
    ("gdpr.breach", U),
    ("gdpr.request", U),
    ("gdpr.evidence.event", C),
    ("gdpr.evidence.event", W),
    ("gdpr.evidence.event", U),
    ("gdpr.evidence.chain", C),
    ("gdpr.evidence.chain", W),
    ("gdpr.evidence.chain", U),
}


class _Rollback(Exception):
    """Undo an operation that was allowed, to keep the fixtures intact."""


@tagged("post_install", "-at_install")
class TestCrmGdprAccessMatrix(GdprReliabilityCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.create_vals = {
            "gdpr.consent.category": lambda: {"name": "Loyalty programme"},
            "gdpr.consent.source": lambda: {"name": "Chat"},
            "gdpr.withdrawal.reason": lambda: {"name": "Too many messages"},
            "gdpr.withdrawal.source": lambda: {"name": "Chat"},
            "gdpr.transfer.basis": lambda: {"name": "Contract", "legal_reference": "X"},
            "gdpr.channel": lambda: {"name": "Messenger", "kind": "mobile"},
            "gdpr.data.category": lambda: {"name": "Vehicle data"},
            "gdpr.consent.text": lambda: {
                "name": "Loyalty",
                "body": "<p>I join the loyalty programme.</p>",
                "category_id": cls.category_marketing.id,
            },
            "gdpr.consent": lambda: {
                "partner_id": cls.giver.id,
                "category_id": cls.category_newsletter.id,
                "text_id": cls.env.ref("crm_gdpr.gdpr_consent_text_newsletter").id,
            },
            "gdpr.processing.register": lambda: {"title": "Another register"},
            "gdpr.processing.activity": lambda: {
                "register_id": cls.records["gdpr.processing.register"].id,
                "name": "Recruitment",
            },
            "gdpr.joint.controller": lambda: {
                "register_id": cls.records["gdpr.processing.register"].id,
                "partner_id": cls.giver_2.id,
            },
            "gdpr.transfer": lambda: {
                "activity_id": cls.records["gdpr.processing.activity"].id,
                "country_id": cls.env.ref("base.jp").id,
                "basis_id": cls.basis_scc.id,
            },
            "gdpr.breach": lambda: {
                "dpo_id": cls.giver.id,
                "date_breach": "2026-01-06",
                "date_discovered": "2026-01-06 10:00:00",
            },
            "gdpr.request": lambda: {
                "partner_id": cls.giver.id,
                "request_type": "access",
                "date_received": "2026-01-06",
            },
            "gdpr.processor.agreement": lambda: {"processor_id": cls.giver.id},
            "gdpr.processor.subprocessor": lambda: {
                "agreement_id": cls.records["gdpr.processor.agreement"].id,
                "partner_id": cls.giver_2.id,
            },
            "gdpr.processor.transfer": lambda: {
                "agreement_id": cls.records["gdpr.processor.agreement"].id,
                "country_id": cls.env.ref("base.jp").id,
                "basis_id": cls.basis_scc.id,
            },
            "gdpr.processor.controller": lambda: {
                "register_id": cls.records["gdpr.processing.register"].id,
                "partner_id": cls.giver_2.id,
            },
            "gdpr.dpia": lambda: {
                "activity_id": cls.records["gdpr.processing.activity"].id
            },
            "gdpr.dpia.risk": lambda: {
                "dpia_id": cls.records["gdpr.dpia"].id,
                "name": "Loss",
                "likelihood": "1",
                "severity": "1",
            },
            "gdpr.consent.bulk.grant": lambda: {"partner_ids": [cls.giver.id]},
            "gdpr.consent.bulk.withdraw": lambda: {"partner_ids": [cls.giver.id]},
            "gdpr.evidence.event": lambda: {
                "company_id": cls.company.id,
                "sequence": 10**6,
                "event_type": "consent_given",
                "res_model": "gdpr.consent",
                "res_id": cls.records["gdpr.consent"].id,
                "event_date": "2026-01-06 10:00:00",
            },
            "gdpr.evidence.chain": lambda: {"company_id": cls.company_2.id},
            "gdpr.information.notice": lambda: {
                "name": "Information notice, version 2",
                "body": "<p>How we process your data, updated.</p>",
            },
            "gdpr.information.record": lambda: {
                "partner_id": cls.giver.id,
                "notice_id": cls.records["gdpr.information.notice"].id,
                "method": "in_person",
            },
            "gdpr.bulk.job": lambda: {"name": "Grant", "job_type": "consent_grant"},
            "gdpr.access.report.wizard": lambda: {
                "partner_ids": [cls.giver.id],
                "lang": "en_US",
            },
            "gdpr.consent.request": lambda: {"partner_id": cls.giver.id},
            "gdpr.consent.request.wizard": lambda: {
                "text_ids": [cls.env.ref("crm_gdpr.gdpr_consent_text_newsletter").id]
            },
            "gdpr.consent.withdraw.import": lambda: {"pasted": "a@example.com"},
            "gdpr.processor.agreement.terminate": lambda: {
                "agreement_id": cls.records["gdpr.processor.agreement"].id,
                "termination_reason": "Notice given.",
            },
        }
        # Harmless writes: what a user of each model would change.
        cls.write_vals = {
            "gdpr.consent": {"active": False},
            "gdpr.processing.register": {"title": "Renamed"},
            "gdpr.processing.activity": {"purpose": "Changed purpose"},
            "gdpr.joint.controller": {"description": "Changed"},
            "gdpr.transfer": {"details": "Signed SCC 2021"},
            "gdpr.breach": {"records_count": 7},
            "gdpr.request": {"description": "A copy of my data, please"},
            "gdpr.processor.agreement": {"subject": "Hosting and backups"},
            "gdpr.processor.subprocessor": {"service": "Backups"},
            "gdpr.processor.transfer": {"details": "SCC 2021, module 3"},
            "gdpr.processor.controller": {"agreement_reference": "DPA 1"},
            "gdpr.dpia": {"action_plan": "Encrypt the backups"},
            "gdpr.dpia.risk": {"measures": "Encryption"},
            "gdpr.consent.bulk.grant": {"date_given": "2026-01-01"},
            "gdpr.consent.bulk.grant.line": {"to_create": True},
            "gdpr.consent.bulk.withdraw": {"date_withdrawn": "2026-01-01"},
            "gdpr.consent.bulk.withdraw.line": {"to_withdraw": True},
            "gdpr.access.report.wizard": {"lang": "en_US"},
            "gdpr.information.notice": {"name": "Renamed notice"},
            # The value it has: evidence never changes, a write may repeat it.
            "gdpr.information.record": {"method": "in_person"},
            "gdpr.bulk.job": {"cursor": 0},
            "gdpr.consent.request": {"partner_id": cls.giver.id},
            "gdpr.consent.request.wizard": {"partner_ids": [cls.giver.id]},
            "gdpr.consent.withdraw.import": {"pasted": "b@example.com"},
            "gdpr.processor.agreement.terminate": {"termination_reason": "Other."},
        }

    def _addon_models(self):
        """Every concrete model the addon defines, from its ir.model records."""
        model_ids = (
            self.env["ir.model.data"]
            .search([("module", "=", "crm_gdpr"), ("model", "=", "ir.model")])
            .mapped("res_id")
        )
        names = self.env["ir.model"].browse(model_ids).mapped("model")
        return {
            name
            for name in names
            if self.env[name]._original_module == "crm_gdpr"
            and not self.env[name]._abstract
        }

    def _wizard_record(self, model, env):
        """A transient record owned by the user of ``env`` (the only one it sees).

        Lines are the ones the wizards compute, as the form gets them.
        """
        if model == "gdpr.consent.bulk.grant.line":
            wizard = env["gdpr.consent.bulk.grant"].create(
                {
                    "partner_ids": [self.giver.id],
                    "category_ids": [self.category_marketing.id],
                }
            )
            wizard.flush_recordset()
            return wizard.line_ids[:1]
        if model == "gdpr.consent.bulk.withdraw.line":
            wizard = env["gdpr.consent.bulk.withdraw"].create(
                {"partner_ids": [self.giver.id]}
            )
            wizard.flush_recordset()
            return wizard.line_ids[:1]
        return env[model].create(self.create_vals[model]())

    def _attempt(self, model, operation, func):
        """Run ``func`` in a savepoint; True if allowed (then undone), False if
        refused as SPEC says it must be."""
        refusals = (
            (AccessError, UserError)
            if (model, operation) in USER_ERROR_REFUSALS
            else AccessError
        )
        try:
            with self.env.cr.savepoint():
                func()
                self.env.flush_all()
                raise _Rollback()
        except _Rollback:
            return True
        except refusals:
            return False
        finally:
            self.env.invalidate_all()

    def _record_for(self, model, role):
        user = self.users[role]
        if not self.env[model]._transient:
            return self.records[model]
        if "c" in ACCESS_MATRIX[model][role]:
            return self._wizard_record(model, self.env(user=user))
        return self._wizard_record(model, self.env)

    def _operation(self, model, operation, record, user):
        as_user = record.with_user(user)
        if operation == R:
            return lambda: as_user.read(["display_name"])
        if operation == C:
            if model.endswith(".line"):
                return lambda: self._wizard_record(model, self.env(user=user))
            return lambda: (
                self.env[model].with_user(user).create(self.create_vals[model]())
            )
        if operation == W:
            vals = self.write_vals.get(model, {"sequence": 42})
            return lambda: as_user.write(vals)
        return lambda: as_user.unlink()

    def test_matrix_covers_every_model_of_the_addon(self):
        self.assertEqual(
            set(ACCESS_MATRIX),
            self._addon_models(),
            "every model of crm_gdpr needs its row in ACCESS_MATRIX",
        )

    def test_access_matrix(self):
        for model, rights in ACCESS_MATRIX.items():
            for role in ROLES:
                user = self.users[role]
                record = self._record_for(model, role)
                for operation in (R, C, W, U):
                    expected = operation[0] in rights[role]
                    with self.subTest(model=model, role=role, operation=operation):
                        allowed = self._attempt(
                            model,
                            operation,
                            self._operation(model, operation, record, user),
                        )
                        self.assertEqual(
                            allowed,
                            expected,
                            f"{role} {operation} {model}: "
                            f"{'allowed' if allowed else 'refused'}",
                        )
                        self.assertTrue(record.exists(), "nothing was deleted")

    def test_consent_survives_unlink_by_everybody(self):
        consent = self.records["gdpr.consent"]
        for role in ROLES:
            with self.subTest(role=role):
                with self.assertRaises(UserError):
                    consent.with_user(self.users[role]).unlink()
                self.assertTrue(consent.exists())
        with self.assertRaises(UserError):
            consent.sudo().unlink()
        self.assertTrue(consent.exists())
