from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import GdprCommon, GdprReliabilityCommon, GdprRpcCommon, html_text

SCRIPT = "<script>alert('gdpr')</script><b>bold</b>"
SQL_INJECTION = "x'); DROP TABLE gdpr_consent; --"
HUGE = "A" * 100_000
# Errors an integrator may get for values: Odoo's own, translated exceptions.
CLEAN = ("ValidationError", "UserError", "AccessError", "MissingError")


@tagged("post_install", "-at_install")
class TestCrmGdprHostileInput(GdprRpcCommon):
    """JSON-RPC as a logged-in user: every bad input is refused cleanly and
    leaves nothing half-written."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.reason = cls.env.ref("crm_gdpr.gdpr_withdrawal_reason_request")

    def _consent_vals(self, **vals):
        return {
            "partner_id": self.giver.id,
            "category_id": self.category_marketing.id,
            "text_id": self.text_marketing.id,
            **vals,
        }

    def _counts(self):
        self.env.invalidate_all()
        Consent = self.env["gdpr.consent"].with_context(active_test=False)
        return (
            Consent.search_count([]),
            self.env["mail.message"].search_count([("model", "=", "gdpr.consent")]),
            self.env["gdpr.processing.activity"].search_count([]),
            self.env["gdpr.breach"].search_count([]),
        )

    def _refused(self, model, method, args, kwargs=None):
        before = self._counts()
        answer = self.call_kw(model, method, args, kwargs)
        message = self.assertRpcError(answer, *CLEAN)
        self.assertEqual(self._counts(), before, "nothing half-written")
        return message

    def test_consent_creation_with_bad_values(self):
        self._login(self.user_sales)
        cases = {
            "partner as text": {"partner_id": "abc"},
            "partner as list": {"partner_id": [1, 2]},
            "partner unknown": {"partner_id": 999_999_999},
            "partner out of range": {"partner_id": 10**12},
            "category as dict": {"category_id": {"id": 1}},
            "text unknown": {"text_id": -1},
            "date as number": {"date_given": 20260101},
            "date as garbage": {"date_given": "garbage"},
            "date impossible": {"date_given": "2026-13-45"},
            "date as SQL": {"date_given": SQL_INJECTION},
            "date in the future": {"date_given": "2099-01-01"},
            "unknown field": {"no_such_field": 1},
            "forged huge contact": {"contact_value": HUGE},
            "contact as SQL": {"contact_value": SQL_INJECTION},
            "no giver": {"partner_id": False},
            "text of another category": {"category_id": self.category_newsletter.id},
            "withdrawn in the future": {
                "active": False,
                "date_withdrawn": "2099-01-01",
            },
            "withdrawal date garbage": {"active": False, "date_withdrawn": "soon"},
            "withdrawal reason as text": {
                "active": False,
                "withdrawal_reason_id": "because",
            },
        }
        for case, vals in cases.items():
            with self.subTest(case=case):
                self._refused("gdpr.consent", "create", [self._consent_vals(**vals)])

    def test_consent_write_with_bad_values(self):
        consent = self.records["gdpr.consent"]
        self._login(self.user_sales)
        cases = {
            "withdrawal in the future": {
                "active": False,
                "date_withdrawn": "2099-01-01",
            },
            "withdrawal date garbage": {"active": False, "date_withdrawn": "<b>x</b>"},
            "withdrawal before the consent": {
                "active": False,
                "date_withdrawn": "2000-01-01",
            },
            "reason unknown": {"active": False, "withdrawal_reason_id": 999_999_999},
            "forged wording": {"text_body": SCRIPT},
            "date given changed": {"date_given": "2020-01-01"},
            "giver changed": {"partner_id": self.giver_2.id},
            "flagged as erased": {"is_anonymized": True},
            "unknown field": {"no_such_field": SQL_INJECTION},
            "moved to another company": {"company_id": self.company_2.id},
        }
        before = consent.read(["active", "text_body", "date_given", "partner_id"])
        for case, vals in cases.items():
            with self.subTest(case=case):
                self._refused("gdpr.consent", "write", [[consent.id], vals])
        self.env.invalidate_all()
        self.assertEqual(
            consent.read(["active", "text_body", "date_given", "partner_id"]), before
        )
        for case, ids in {
            "unlink one": [consent.id],
            "unlink unknown": [999_999_999],
        }.items():
            with self.subTest(case=case):
                self._refused("gdpr.consent", "unlink", [ids])

    def test_register_texts_are_limited_and_stored_as_typed(self):
        self._login(self.user_officer)
        register = self.records["gdpr.processing.register"]
        text_fields = [
            "purpose",
            "data_subject_categories",
            "personal_data_categories",
            "recipient_categories",
            "erasure_deadlines",
            "security_measures",
        ]
        for fname in text_fields:
            with self.subTest(field=fname):
                self._refused(
                    "gdpr.processing.activity",
                    "create",
                    [{"register_id": register.id, "name": "Huge", fname: HUGE}],
                )
        answer = self.call_kw(
            "gdpr.processing.activity",
            "create",
            [
                {
                    "register_id": register.id,
                    "name": SCRIPT,
                    **{fname: f"{fname} {SCRIPT}" for fname in text_fields},
                }
            ],
        )
        self.assertIn("result", answer, answer.get("error"))
        activity = self.env["gdpr.processing.activity"].browse(answer["result"])
        self.assertEqual(activity.purpose, f"purpose {SCRIPT}", "stored as typed")

    def test_breach_bad_values_refused_and_texts_stored_as_typed(self):
        self._login(self.user_officer)
        text_fields = [
            "nature",
            "subjects_description",
            "consequences",
            "measures",
            "discovery_description",
        ]
        for case, vals in {
            "breach in the future": {"date_breach": "2099-01-01"},
            "breach date garbage": {"date_breach": "yesterday"},
            "negative records": {"records_count": -1},
            "records as text": {"records_count": "many"},
            "no DPO": {"dpo_id": False},
        }.items():
            with self.subTest(case=case):
                self._refused(
                    "gdpr.breach",
                    "create",
                    [
                        {
                            "dpo_id": self.giver.id,
                            "date_breach": "2026-01-05",
                            "date_discovered": "2026-01-05 10:00:00",
                            **vals,
                        }
                    ],
                )
        answer = self.call_kw(
            "gdpr.breach",
            "create",
            [
                {
                    "dpo_id": self.giver.id,
                    "date_breach": "2026-01-05",
                    "date_discovered": "2026-01-05 10:00:00",
                    **{fname: f"{fname} {SCRIPT}" for fname in text_fields},
                    "consequences": "A" * 10_000,
                }
            ],
        )
        self.assertIn("result", answer, answer.get("error"))
        breach = self.env["gdpr.breach"].browse(answer["result"])
        self.assertEqual(len(breach.consequences), 10_000, "stored intact")
        self.assertEqual(breach.nature, f"nature {SCRIPT}", "stored as typed")

    def test_consent_snapshot_of_a_wording_with_script_holds_none(self):
        """A wording sent with markup over RPC: what the giver agreed to, as
        the consent keeps it, is the text without anything that runs."""
        self._login(self.user_manager)
        answer = self.call_kw(
            "gdpr.consent.text",
            "create",
            [
                {
                    "name": SCRIPT,
                    "body": f"<p>I agree.</p>{SCRIPT}<img src=x onerror=alert(1)>",
                    "category_id": self.category_marketing.id,
                }
            ],
        )
        self.assertIn("result", answer, answer.get("error"))
        answer = self.call_kw(
            "gdpr.consent",
            "create",
            [self._consent_vals(text_id=answer["result"])],
        )
        self.assertIn("result", answer, answer.get("error"))
        consent = self.env["gdpr.consent"].browse(answer["result"])
        self.assertIn("I agree.", consent.text_body)
        self.assertNotIn("<script", consent.text_body)
        self.assertNotIn("onerror", consent.text_body)


@tagged("post_install", "-at_install")
class TestCrmGdprEscapedPrintouts(GdprReliabilityCommon):
    """Markup typed in a text is printed as text, never interpreted."""

    def test_register_printout_escapes_markup(self):
        register = self.records["gdpr.processing.register"]
        self.env["gdpr.processing.activity"].with_user(self.user_officer).create(
            {
                "register_id": register.id,
                "name": SCRIPT,
                "purpose": f"purpose {SCRIPT}",
                "security_measures": f"measures {SCRIPT}",
            }
        )
        text = html_text(
            self.env,
            "crm_gdpr.action_report_gdpr_processing_register",
            register,
            user=self.user_officer,
        )
        self.assertIn(f"purpose {SCRIPT}", text)
        self.assertIn(f"measures {SCRIPT}", text)

    def test_breach_printout_escapes_markup(self):
        breach = self.records["gdpr.breach"]
        breach.with_user(self.user_officer).write(
            {
                "nature": f"nature {SCRIPT}",
                "consequences": f"consequences {SCRIPT}",
                "measures": f"measures {SCRIPT}",
            }
        )
        text = html_text(
            self.env, "crm_gdpr.gdpr_breach_report", breach, user=self.user_officer
        )
        for fname in ("nature", "consequences", "measures"):
            self.assertIn(f"{fname} {SCRIPT}", text)


@tagged("post_install", "-at_install")
class TestGdprHostileValuesOtherModels(GdprCommon):
    """Registers, activities, transfers and dictionaries refuse wrong types cleanly."""

    def test_wrong_types_get_a_validation_error_and_write_nothing(self):
        register = self.env["gdpr.processing.register"].create({"title": "Register"})
        activity = self.env["gdpr.processing.activity"].create(
            {"register_id": register.id, "name": "CRM"}
        )
        cases = [
            ("gdpr.processing.register", {"title": "X", "controller_id": "abc"}),
            ("gdpr.processing.activity", {"register_id": register.id, "name": "\x00"}),
            (
                "gdpr.joint.controller",
                {"register_id": register.id, "date_from": "soon"},
            ),
            ("gdpr.transfer", {"activity_id": activity.id, "country_id": 10**12}),
            ("gdpr.consent.source", {"name": "X", "sequence": "first"}),
            ("gdpr.consent.text", {"name": "X", "date_start": "yesterday-ish"}),
        ]
        for model, vals in cases:
            with self.subTest(model=model):
                before = (
                    self.env[model].with_context(active_test=False).search_count([])
                )
                with self.assertRaises(ValidationError):
                    self.env[model].create(vals)
                after = self.env[model].with_context(active_test=False).search_count([])
                self.assertEqual(before, after)
        with self.assertRaises(ValidationError):
            activity.write({"legal_basis": 42})
        with self.assertRaises(ValidationError):
            register.write({"no_such_field": 1})
