from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import GdprConsentCommon


@tagged("post_install", "-at_install")
@freeze_time("2026-03-10")
class TestCrmGdprEvidence(GdprConsentCommon):
    """No path changes or deletes the evidence of a consent (SPEC section 2)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Consent = cls.env["gdpr.consent"]
        cls.consent = Consent.create(
            {
                "partner_id": cls.partner.id,
                "category_id": cls.category_marketing.id,
                "text_id": cls.text_marketing.id,
                "date_given": "2026-02-01",
            }
        )
        cls.consent_2 = Consent.create(
            {
                "partner_id": cls.other_partner.id,
                "category_id": cls.category_marketing.id,
                "text_id": cls.text_marketing.id,
                "date_given": "2026-02-02",
            }
        )
        cls.consents = cls.consent | cls.consent_2
        cls.evidence_changes = {
            "text_body": "<p>I agree to everything.</p>",
            "date_given": "2026-01-01",
            "partner_id": cls.other_partner.id,
            "text_id": cls.text_newsletter.id,
            "category_id": cls.category_newsletter.id,
        }

    def _evidence(self, consents):
        self.env.invalidate_all()
        return consents.sudo().read(
            ["text_body", "date_given", "partner_id", "text_id", "category_id", "name"]
        )

    def test_no_user_changes_evidence_field_by_field(self):
        before = self._evidence(self.consents)
        for user in (self.user_sales, self.user_officer, self.user_manager):
            for fname, value in self.evidence_changes.items():
                with self.subTest(user=user.login, field=fname):
                    with self.assertRaises(UserError):
                        self.consent.with_user(user).write({fname: value})
        # Not even the superuser outside the logged erasure.
        for fname, value in self.evidence_changes.items():
            with self.subTest(user="superuser", field=fname):
                with self.assertRaises(UserError):
                    self.consent.sudo().write({fname: value})
        self.assertEqual(self._evidence(self.consents), before)

    def test_mass_edit_is_refused_as_a_whole(self):
        before = self._evidence(self.consents)
        for fname, value in self.evidence_changes.items():
            with self.subTest(field=fname):
                with self.assertRaises(UserError):
                    self.consents.with_user(self.user_sales).write({fname: value})
        self.assertEqual(self._evidence(self.consents), before)

    def test_mass_unlink_deletes_nothing(self):
        for user in (
            self.user_sales,
            self.user_manager,
            self.env.ref("base.user_root"),
        ):
            with self.subTest(user=user.login):
                with self.assertRaises(UserError):
                    self.consents.with_user(user).unlink()
                self.assertEqual(len(self.consents.exists()), 2)

    def test_import_over_existing_consents_changes_nothing(self):
        before = self._evidence(self.consents)
        for fname, value in (
            ("date_given", "2026-01-01"),
            ("text_body", "<p>Forged wording</p>"),
            ("partner_id/.id", str(self.other_partner.id)),
            ("text_id/.id", str(self.text_newsletter.id)),
        ):
            with self.subTest(field=fname):
                result = (
                    self.env["gdpr.consent"]
                    .with_user(self.user_sales)
                    .load([".id", fname], [[str(self.consent.id), value]])
                )
                self.assertFalse(result["ids"], "the import is refused")
                self.assertTrue(
                    [m for m in result["messages"] if m["type"] == "error"],
                    "the import reports why",
                )
        self.assertEqual(self._evidence(self.consents), before)

    def test_reimport_of_unchanged_evidence_is_accepted(self):
        """An export re-imported as it is (e.g. to fix a note) is no change."""
        result = (
            self.env["gdpr.consent"]
            .with_user(self.user_sales)
            .load(
                [".id", "date_given", "partner_id/.id"],
                [[str(self.consent.id), "2026-02-01", str(self.partner.id)]],
            )
        )
        self.assertEqual(result["ids"], [self.consent.id], result["messages"])

    def test_import_cannot_create_a_consent_with_forged_wording(self):
        result = (
            self.env["gdpr.consent"]
            .with_user(self.user_sales)
            .load(
                ["partner_id/.id", "category_id/.id", "text_id/.id", "text_body"],
                [
                    [
                        str(self.partner.id),
                        str(self.category_marketing.id),
                        str(self.text_marketing.id),
                        "<p>Forged wording</p>",
                    ]
                ],
            )
        )
        consent = self.env["gdpr.consent"].browse(result["ids"])
        self.assertEqual(len(consent), 1, result["messages"])
        self.assertEqual(consent.text_body, self.text_marketing.body)

    def test_editing_the_text_leaves_the_snapshot(self):
        before = self.consent.text_body
        self.text_marketing.with_user(
            self.user_manager
        ).body = "<p>A wording written after the consent.</p>"
        self.env.flush_all()
        self.env.invalidate_all()
        self.assertEqual(self.consent.text_body, before)

    def test_withdrawal_keeps_the_evidence(self):
        before = self._evidence(self.consent)
        self.consent.with_user(self.user_sales).action_withdraw(
            reason=self.reason_mistake
        )
        self.assertEqual(self.consent.state, "withdrawn")
        self.assertEqual(self._evidence(self.consent), before)

    def test_anonymised_flag_is_set_by_the_logged_erasure_only(self):
        """Flagging a consent as erased would hide it from the real erasure."""
        for user in (self.user_sales, self.user_officer):
            with self.subTest(user=user.login):
                with self.assertRaises(UserError):
                    self.consent.with_user(user).write({"is_anonymized": True})
                self.assertFalse(self.consent.is_anonymized)
        self.consent._gdpr_anonymize()
        with self.assertRaises(UserError):
            self.consent.with_user(self.user_officer).write({"is_anonymized": False})
        self.assertTrue(self.consent.is_anonymized)
