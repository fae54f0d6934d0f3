from odoo.tests import tagged

from .common import GdprRpcCommon


@tagged("post_install", "-at_install")
class TestCrmGdprEvidenceRpc(GdprRpcCommon):
    """SPEC section 7 over JSON-RPC, as an integrator or an attacker calls it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.consent = cls.records["gdpr.consent"]
        cls.consent_2 = cls.env["gdpr.consent"].create(
            {
                "partner_id": cls.giver_2.id,
                "category_id": cls.category_marketing.id,
                "text_id": cls.text_marketing.id,
            }
        )
        cls.breach = cls.records["gdpr.breach"]
        cls.message = cls.consent.with_user(cls.user_sales).message_post(
            body="Consent confirmed by phone.", message_type="comment"
        )

    def test_consent_ids_are_not_writable_nor_swappable(self):
        self._login(self.user_sales)
        name, name_2 = self.consent.name, self.consent_2.name
        answer = self.call_kw(
            "gdpr.consent", "write", [[self.consent.id], {"name": name_2}]
        )
        self.assertRpcError(answer, "UserError", "ValidationError")
        answer = self.call_kw(
            "gdpr.consent", "write", [[self.consent_2.id], {"name": "TMP"}]
        )
        self.assertRpcError(answer, "UserError")
        self.assertEqual((self.consent.name, self.consent_2.name), (name, name_2))

    def test_breach_reference_is_assigned_and_kept(self):
        self._login(self.user_officer)
        answer = self.call_kw(
            "gdpr.breach",
            "create",
            [
                {
                    "name": "UODO-FAKE",
                    "dpo_id": self.giver.id,
                    "date_breach": "2026-01-06",
                    "date_discovered": "2026-01-06 10:00:00",
                }
            ],
        )
        breach = self.env["gdpr.breach"].browse(answer["result"])
        self.assertNotEqual(breach.name, "UODO-FAKE")
        answer = self.call_kw("gdpr.breach", "write", [breach.ids, {"name": "X"}])
        self.assertRpcError(answer, "UserError")

    def test_chatter_is_append_only_over_rpc(self):
        self._login(self.user_sales)
        for method, args, kwargs in (
            ("write", [[self.message.id], {"body": "Forged"}], {}),
            ("write", [[self.message.id], {"date": "2020-01-01 00:00:00"}], {}),
            ("unlink", [[self.message.id]], {}),
            (
                "load",
                [[".id", "body"], [[str(self.message.id), "Forged"]]],
                {},
            ),
        ):
            with self.subTest(method=method, args=args):
                answer = self.call_kw("mail.message", method, args, kwargs)
                if method == "load":
                    self.assertFalse(answer["result"]["ids"])
                else:
                    self.assertRpcError(answer, "UserError", "AccessError")
        answer = self.call_kw(
            "gdpr.consent",
            "message_post",
            [[self.consent.id]],
            {"body": "I never consented", "author_id": self.giver.id},
        )
        self.assertRpcError(answer, "UserError")
        answer = self.call_kw(
            "mail.message",
            "create",
            [
                {
                    "model": "gdpr.consent",
                    "res_id": self.consent.id,
                    "body": "Forged",
                    "message_type": "comment",
                    "author_id": self.giver.id,
                }
            ],
        )
        self.assertRpcError(answer, "UserError", "AccessError")
        self.message.invalidate_recordset()
        self.assertIn("confirmed by phone", self.message.body)

    def test_copy_and_breach_unlink_are_refused_over_rpc(self):
        self._login(self.user_sales)
        answer = self.call_kw("gdpr.consent", "copy", [[self.consent.id]])
        self.assertRpcError(answer, "UserError")
        self._login(self.user_manager)
        answer = self.call_kw("gdpr.breach", "unlink", [[self.breach.id]])
        self.assertRpcError(answer, "UserError")
        self.assertTrue(self.breach.exists())

    def test_technical_fields_over_rpc(self):
        self._login(self.user_sales)
        for vals in (
            {"retention_expired": True},
            {"source_company_id": self.company_2.id},
            {
                "withdrawal_reason_id": self.env.ref(
                    "crm_gdpr.gdpr_withdrawal_reason_mistake"
                ).id
            },
            {"contact_value": "someone@example.com"},
        ):
            with self.subTest(vals=vals):
                answer = self.call_kw(
                    "gdpr.consent", "write", [[self.consent.id], vals]
                )
                self.assertRpcError(answer, "UserError", "ValidationError")
        self.assertFalse(self.consent.retention_expired)
        self.assertFalse(self.consent.withdrawal_reason_id)
