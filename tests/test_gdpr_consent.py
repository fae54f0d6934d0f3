from datetime import date

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .common import GdprConsentCommon


@tagged("post_install", "-at_install")
class TestGdprConsent(GdprConsentCommon):
    # ------------------------------------------------------------------
    # Creation and defaults
    # ------------------------------------------------------------------
    @freeze_time("2025-06-15")
    def test_defaults_at_creation(self):
        consent = self.env["gdpr.consent"].create(
            {"partner_id": self.partner.id, "text_id": self.text_marketing.id}
        )
        self.assertEqual(consent.category_id, self.category_marketing)
        self.assertEqual(consent.date_given, date(2025, 6, 15))
        self.assertEqual(consent.company_id, self.company)
        self.assertEqual(consent.state, "active")
        self.assertTrue(consent.active)
        self.assertTrue(consent.name.startswith("CONS/2025/"))

    def test_source_defaults_to_default_source(self):
        source = self.env.ref("crm_gdpr.gdpr_consent_source_website")
        source.is_default = True
        consent = self._create_consent()
        self.assertEqual(consent.source_id, source)
        self.assertFalse(consent.source_company_id)

    def test_source_is_company_without_default_source(self):
        self.env["gdpr.consent.source"].search([]).is_default = False
        consent = self._create_consent()
        self.assertFalse(consent.source_id)
        self.assertEqual(consent.source_company_id, self.company)

    def test_attachment_defaults_to_text_attachment(self):
        consent = self._create_consent(
            category_id=self.category_post.id, text_id=self.text_post.id
        )
        self.assertEqual(consent.attachment_id, self.terms)

    def test_sequence_gives_unique_ids(self):
        consents = self.env["gdpr.consent"].create(
            [self._consent_vals() for _i in range(5)]
        )
        consents |= self._create_consent()
        names = consents.mapped("name")
        self.assertEqual(len(set(names)), 6)
        self.assertNotIn("New", names)

    def test_id_cannot_be_chosen_by_caller(self):
        consent = self._create_consent(name="MY-OWN-ID")
        self.assertNotEqual(consent.name, "MY-OWN-ID")

    def test_giver_or_lead_required(self):
        with self.assertRaises(ValidationError):
            self._create_consent(partner_id=False)
        lead = self.env["crm.lead"].create({"name": "Fair contact"})
        consent = self._create_consent(partner_id=False, lead_id=lead.id)
        self.assertEqual(consent.lead_id, lead)

    # ------------------------------------------------------------------
    # Text and dates
    # ------------------------------------------------------------------
    @freeze_time("2025-06-15")
    def test_date_given_in_future_refused(self):
        with self.assertRaises(ValidationError):
            self._create_consent(date_given="2025-06-16")
        consent = self._create_consent(date_given="2025-06-15")
        self.assertEqual(consent.date_given, date(2025, 6, 15))

    def test_text_of_another_category_refused(self):
        with self.assertRaises(ValidationError):
            self._create_consent(category_id=self.category_newsletter.id)

    @freeze_time("2025-06-15")
    def test_text_not_yet_in_force_refused(self):
        future_text = self.text_marketing.copy({"date_start": "2025-07-01"})
        with self.assertRaises(ValidationError):
            self._create_consent(text_id=future_text.id)
        older_text = self.text_marketing.copy({"date_start": "2025-06-01"})
        with self.assertRaises(ValidationError):
            self._create_consent(text_id=older_text.id, date_given="2025-05-31")
        consent = self._create_consent(text_id=older_text.id, date_given="2025-06-01")
        self.assertEqual(consent.text_id, older_text)

    def test_text_body_snapshot_unchanged_after_text_edit(self):
        consent = self._create_consent()
        original = consent.text_body
        self.assertIn("marketing information", original)
        self.text_marketing.body = "<p>A completely different wording.</p>"
        consent.invalidate_recordset()
        self.assertEqual(consent.text_body, original)

    def test_text_body_cannot_be_supplied_or_written(self):
        consent = self._create_consent(text_body="<p>Forged wording</p>")
        self.assertIn("marketing information", consent.text_body)
        with self.assertRaises(UserError):
            consent.write({"text_body": "<p>Forged wording</p>"})

    # ------------------------------------------------------------------
    # Immutability and deletion
    # ------------------------------------------------------------------
    def test_evidence_fields_never_change(self):
        consent = self._create_consent(date_given="2024-01-10")
        for vals in (
            {"text_id": self.text_newsletter.id},
            {"category_id": self.category_newsletter.id},
            {"date_given": "2024-01-11"},
            {"partner_id": self.other_partner.id},
            {"partner_id": False},
        ):
            with self.subTest(vals=vals), self.assertRaises(UserError):
                consent.write(vals)
        # Writing the same values (e.g. an import) is harmless.
        consent.write(
            {
                "text_id": self.text_marketing.id,
                "date_given": "2024-01-10",
                "partner_id": self.partner.id,
            }
        )
        self.assertEqual(consent.date_given, date(2024, 1, 10))

    def test_giver_can_be_set_once_on_lead_consent(self):
        lead = self.env["crm.lead"].create({"name": "Fair contact"})
        consent = self._create_consent(partner_id=False, lead_id=lead.id)
        # The lead hand-over: the lead's own contact only (an unrelated
        # partner is refused, see test_crm_gdpr_evidence_attacks F9).
        lead.partner_id = self.partner
        self.assertEqual(consent.partner_id, self.partner)
        with self.assertRaises(UserError):
            consent.partner_id = self.other_partner

    def test_unlink_refused_for_manager_and_superuser(self):
        consent = self._create_consent()
        with self.assertRaisesRegex(UserError, "Privacy Lookup"):
            consent.with_user(self.user_manager).unlink()
        with self.assertRaisesRegex(UserError, "Privacy Lookup"):
            consent.sudo().unlink()
        self.assertTrue(consent.exists())

    # ------------------------------------------------------------------
    # Withdrawal
    # ------------------------------------------------------------------
    @freeze_time("2025-06-15")
    def test_writing_inactive_withdraws_with_defaults(self):
        self.env["gdpr.withdrawal.source"].search([]).is_default = False
        consent = self._create_consent(date_given="2025-01-01")
        consent.write({"active": False})
        self.assertEqual(consent.state, "withdrawn")
        self.assertEqual(consent.date_withdrawn, date(2025, 6, 15))
        self.assertEqual(consent.withdrawal_reason_id, self.reason_request)
        self.assertFalse(consent.withdrawal_source_id)
        self.assertEqual(consent.withdrawal_source_company_id, self.company)

    def test_withdrawal_uses_default_withdrawal_source(self):
        source = self.env.ref("crm_gdpr.gdpr_withdrawal_source_phone")
        source.is_default = True
        consent = self._create_consent(date_given="2025-01-01")
        consent.action_withdraw(reason=self.reason_mistake)
        self.assertEqual(consent.withdrawal_source_id, source)
        self.assertEqual(consent.withdrawal_reason_id, self.reason_mistake)
        self.assertFalse(consent.withdrawal_source_company_id)

    @freeze_time("2025-06-15")
    def test_withdrawal_date_before_date_given_refused(self):
        consent = self._create_consent(date_given="2025-06-01")
        with self.assertRaises(ValidationError):
            consent.write({"active": False, "date_withdrawn": "2025-05-31"})
        self.assertTrue(consent.active)

    @freeze_time("2025-06-15")
    def test_withdrawal_date_in_future_refused(self):
        consent = self._create_consent(date_given="2025-06-01")
        with self.assertRaises(ValidationError):
            consent.write({"active": False, "date_withdrawn": "2025-06-16"})
        consent.write({"active": False, "date_withdrawn": "2025-06-15"})
        self.assertEqual(consent.date_withdrawn, date(2025, 6, 15))

    def test_withdrawal_date_required_once_withdrawn(self):
        consent = self._create_consent(date_given="2025-01-01")
        consent.action_withdraw()
        # Refused as a change of the recorded withdrawal (SPEC section 7).
        with self.assertRaises(UserError):
            consent.date_withdrawn = False

    def test_active_consent_has_no_withdrawal_date(self):
        consent = self._create_consent(date_given="2025-01-01")
        with self.assertRaises(ValidationError):
            consent.date_withdrawn = "2025-02-01"

    def test_withdrawn_consent_never_reactivated(self):
        consent = self._create_consent(date_given="2025-01-01")
        consent.action_withdraw()
        with self.assertRaisesRegex(UserError, "never re-activated"):
            consent.write({"active": True})
        with self.assertRaises(UserError):
            consent.action_unarchive()
        self.assertEqual(consent.state, "withdrawn")

    @freeze_time("2025-06-15")
    def test_form_unticking_active_proposes_withdrawal_defaults(self):
        consent = self._create_consent(date_given="2025-01-01")
        with Form(consent.with_user(self.user_sales)) as form:
            self.assertFalse(form.date_withdrawn)
            form.active = False
            self.assertEqual(form.date_withdrawn, date(2025, 6, 15))
            self.assertEqual(form.withdrawal_reason_id, self.reason_request)
            form.withdrawal_reason_id = self.reason_mistake
        self.assertEqual(consent.state, "withdrawn")
        self.assertEqual(consent.withdrawal_reason_id, self.reason_mistake)

    def test_chatter_tracks_withdrawal(self):
        consent = self._create_consent(date_given="2025-01-01").with_context(
            tracking_disable=False
        )
        self._flush_tracking()  # changes in the creating transaction are not logged
        consent.with_user(self.user_sales).action_withdraw()
        self._flush_tracking()
        message = consent.message_ids.filtered("tracking_value_ids")
        self.assertEqual(len(message), 1)
        self.assertEqual(message.author_id, self.user_sales.partner_id)
        tracked = message.sudo().tracking_value_ids.field_id.mapped("name")
        self.assertIn("state", tracked)
        self.assertIn("date_withdrawn", tracked)
        self.assertIn("withdrawal_reason_id", tracked)

    def _flush_tracking(self):
        self.env.flush_all()
        self.env.cr.precommit.run()

    # ------------------------------------------------------------------
    # Related address and contact
    # ------------------------------------------------------------------
    def test_form_offers_contact_fields_only_when_text_concerns_them(self):
        form = Form(
            self.env["gdpr.consent"]
            .with_user(self.user_sales)
            .with_context(default_partner_id=self.partner.id)
        )
        self.assertEqual(form.category_id, self.category_marketing)
        form.category_id = self.category_profiling
        form.text_id = self.text_profiling
        self.assertFalse(form.address_id)
        self.assertFalse(form.contact_channel_id)
        with self.assertRaises(AssertionError):
            form.address_id = self.partner_address  # read-only field
        form.category_id = self.category_post
        form.text_id = self.text_post
        self.assertEqual(form.address_id, self.partner)
        self.assertEqual(form.contact_channel_id, self.channel_phone)
        self.assertEqual(form.contact_value, "+48 22 123 45 67")
        form.address_id = self.partner_address
        form.contact_channel_id = self.channel_mobile
        self.assertEqual(form.contact_value, "+48 601 234 567")
        consent = form.save()
        self.assertTrue(consent.name.startswith("CONS/"))
        self.assertEqual(consent.address_id, self.partner_address)
        self.assertEqual(consent.contact_value, "+48 601 234 567")
        self.assertIn("offers by post or phone", consent.text_body)

    def test_address_of_another_partner_refused(self):
        with self.assertRaises(ValidationError):
            self._create_consent(
                category_id=self.category_post.id,
                text_id=self.text_post.id,
                address_id=self.other_partner.id,
            )

    def test_address_is_the_giver_or_any_of_its_active_addresses(self):
        """One definition of "an address of the giver" (consents, the bulk
        grant, the registers, the forms' ``child_of`` domains): the giver and
        its active descendants; an archived one is refused."""
        door = self.env["res.partner"].create(
            {
                "name": "Anna, back door",
                "type": "other",
                "parent_id": self.partner_address.id,
            }
        )
        offered = self.env["res.partner"].search([("id", "child_of", self.partner.id)])
        self.assertEqual(offered, self.partner | self.partner_address | door)
        consent = self._create_consent(
            category_id=self.category_post.id,
            text_id=self.text_post.id,
            address_id=door.id,
        )
        self.assertEqual(consent.address_id, door)
        self.partner_address.active = False
        with self.assertRaises(ValidationError):
            self._create_consent(
                category_id=self.category_post.id,
                text_id=self.text_post.id,
                address_id=self.partner_address.id,
            )

    def test_address_refused_when_text_does_not_concern_addresses(self):
        with self.assertRaises(ValidationError):
            self._create_consent(address_id=self.partner.id)

    def test_channel_not_covered_by_text_refused(self):
        with self.assertRaises(ValidationError):
            self._create_consent(
                category_id=self.category_post.id,
                text_id=self.text_post.id,
                contact_channel_id=self.channel_email.id,
            )

    def test_contact_value_is_kept_as_at_consent_time(self):
        consent = self._create_consent()
        self.assertEqual(consent.contact_channel_id, self.channel_email)
        self.assertEqual(consent.contact_value, "anna@example.com")
        self.partner.email = "anna.new@example.com"
        self.assertEqual(consent.contact_value, "anna@example.com")

    # ------------------------------------------------------------------
    # Blacklist synchronization
    # ------------------------------------------------------------------
    def test_withdrawal_blacklists_email(self):
        consent = self._create_consent(date_given="2025-01-01")
        consent.with_user(self.user_sales).action_withdraw()
        blacklisted = self.env["mail.blacklist"].search(
            [("email", "=", "anna@example.com")]
        )
        self.assertTrue(blacklisted)
        self.assertTrue(self.partner.is_blacklisted)
        self.assertIn("email blacklist", " ".join(consent.message_ids.mapped("body")))

    def test_withdrawal_blacklists_phone(self):
        consent = self._create_consent(
            category_id=self.category_post.id,
            text_id=self.text_post.id,
            contact_channel_id=self.channel_mobile.id,
            date_given="2025-01-01",
        )
        consent.with_user(self.user_sales).action_withdraw()
        number = self.env.user._phone_format(number="+48 601 234 567")
        self.assertTrue(self.env["phone.blacklist"].search([("number", "=", number)]))

    def test_no_blacklist_without_sync(self):
        self.text_marketing.sync_blacklist = False
        consent = self._create_consent(date_given="2025-01-01")
        consent.action_withdraw()
        self.assertFalse(
            self.env["mail.blacklist"].search([("email", "=", "anna@example.com")])
        )

    # ------------------------------------------------------------------
    # Access
    # ------------------------------------------------------------------
    def test_sales_user_creates_and_withdraws_but_cannot_delete(self):
        Consent = self.env["gdpr.consent"].with_user(self.user_sales)
        consent = Consent.create(self._consent_vals(date_given="2025-01-01"))
        consent.action_withdraw()
        self.assertEqual(consent.state, "withdrawn")
        with self.assertRaisesRegex(UserError, "Privacy Lookup"):
            consent.unlink()
        self.assertTrue(consent.exists())

    def test_internal_user_without_gdpr_rights_cannot_read(self):
        consent = self._create_consent()
        with self.assertRaises(AccessError):
            consent.with_user(self.user_internal).read(["name"])

    def test_other_company_consents_are_invisible(self):
        consent = self._create_consent()
        self.assertFalse(
            self.env["gdpr.consent"]
            .with_user(self.user_sales_2)
            .search([("id", "=", consent.id)])
        )
