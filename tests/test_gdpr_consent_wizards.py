from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import GdprConsentCommon


@tagged("post_install", "-at_install")
class TestGdprConsentBulkGrant(GdprConsentCommon):
    def _grant_form(self, partners, **context):
        return Form(
            self.env["gdpr.consent.bulk.grant"]
            .with_user(self.user_sales)
            .with_context(
                active_model="res.partner", active_ids=partners.ids, **context
            )
        )

    def test_single_giver_with_address_and_contact_lines(self):
        form = self._grant_form(self.partner)
        self.assertEqual(form.partner_ids[:], self.partner)
        form.category_ids.add(self.category_post)
        form.category_ids.add(self.category_profiling)
        self.assertEqual(len(form.line_ids), 2)
        with form.line_ids.edit(0) as line:
            self.assertEqual(line.text_id, self.text_post)
            self.assertEqual(line.address_id, self.partner)
            self.assertEqual(line.contact_channel_id, self.channel_phone)
            line.to_create = True
            line.address_id = self.partner_address
            line.contact_channel_id = self.channel_mobile
            self.assertEqual(line.contact_value, "+48 601 234 567")
        with form.line_ids.edit(1) as line:
            self.assertEqual(line.text_id, self.text_profiling)
            self.assertFalse(line.address_id)
            self.assertFalse(line.contact_channel_id)
            line.to_create = True
        wizard = form.save()
        action = wizard.action_generate()
        consents = self.env["gdpr.consent"].search(action["domain"])
        self.assertEqual(len(consents), 2)
        post = consents.filtered(lambda c: c.text_id == self.text_post)
        self.assertEqual(post.partner_id, self.partner)
        self.assertEqual(post.address_id, self.partner_address)
        self.assertEqual(post.contact_channel_id, self.channel_mobile)
        self.assertEqual(post.contact_value, "+48 601 234 567")
        self.assertEqual(post.attachment_id, self.terms)
        profiling = consents - post
        self.assertEqual(profiling.category_id, self.category_profiling)
        self.assertFalse(profiling.address_id)

    def test_line_keeps_any_address_of_the_giver(self):
        """The line offers and keeps what the consent accepts: an address
        of the giver's address (its descendants), as the form's domain."""
        door = self.env["res.partner"].create(
            {
                "name": "Anna, back door",
                "type": "other",
                "parent_id": self.partner_address.id,
            }
        )
        form = self._grant_form(self.partner)
        form.category_ids.add(self.category_post)
        with form.line_ids.edit(0) as line:
            line.to_create = True
            line.address_id = door
        wizard = form.save()
        self.assertEqual(wizard.line_ids.address_id, door)
        wizard.action_generate()
        consent = self.env["gdpr.consent"].search(
            [("partner_id", "=", self.partner.id), ("text_id", "=", self.text_post.id)]
        )
        self.assertEqual(consent.address_id, door)

    def test_several_givers_get_their_own_data(self):
        no_email = self.env["res.partner"].create({"name": "Without email"})
        givers = self.partner | self.other_partner | no_email
        form = self._grant_form(givers)
        form.category_ids.add(self.category_marketing)
        with form.line_ids.edit(0) as line:
            self.assertEqual(line.contact_channel_id, self.channel_email)
            line.to_create = True
        form.source_id = self.env.ref("crm_gdpr.gdpr_consent_source_paper")
        wizard = form.save()
        notification = wizard.action_generate()
        # The giver without email gets no consent, and the user is told so.
        self.assertEqual(notification["tag"], "display_notification")
        self.assertIn(
            "1 consent(s) were not created", notification["params"]["message"]
        )
        action = notification["params"]["next"]
        consents = self.env["gdpr.consent"].search(action["domain"])
        self.assertEqual(consents.partner_id, self.partner | self.other_partner)
        self.assertEqual(
            sorted(consents.mapped("contact_value")),
            ["anna@example.com", "jan@example.com"],
        )
        self.assertEqual(
            consents.source_id, self.env.ref("crm_gdpr.gdpr_consent_source_paper")
        )
        self.assertEqual(len(set(consents.mapped("name"))), 2)

    @freeze_time("2025-06-15")
    def test_only_texts_in_force_are_proposed(self):
        future = self.text_marketing.copy(
            {"name": "Marketing 2026", "date_start": "2026-01-01"}
        )
        form = self._grant_form(self.partner)
        form.category_ids.add(self.category_marketing)
        texts = [form.line_ids.edit(i).text_id for i in range(len(form.line_ids))]
        self.assertIn(self.text_marketing, texts)
        self.assertNotIn(future, texts)

    def test_nothing_ticked_refused(self):
        form = self._grant_form(self.partner)
        form.category_ids.add(self.category_marketing)
        wizard = form.save()
        # Valid lines open ticked (issue 14): untick them all.
        wizard.line_ids.to_create = False
        with self.assertRaises(UserError):
            wizard.action_generate()

    def test_opened_from_lead_without_partner(self):
        lead = self.env["crm.lead"].create(
            {
                "name": "Fair visitor",
                "email_from": "visitor@example.com",
                "user_id": self.user_sales.id,
            }
        )
        action = lead.with_user(self.user_sales).action_open_gdpr_consent_bulk_grant()
        form = Form(
            self.env["gdpr.consent.bulk.grant"]
            .with_user(self.user_sales)
            .with_context(**action["context"])
        )
        form.category_ids.add(self.category_newsletter)
        with form.line_ids.edit(0) as line:
            self.assertEqual(line.contact_value, "visitor@example.com")
            line.to_create = True
        form.save().action_generate()
        self.assertEqual(lead.gdpr_consent_ids.contact_value, "visitor@example.com")
        self.assertFalse(lead.gdpr_consent_ids.partner_id)
        self.assertEqual(lead.gdpr_consent_count, 1)

    def test_bulk_grant_queries_do_not_grow_with_givers(self):
        """The consents are created in one batch, whatever the number of givers."""
        partners = self.env["res.partner"].create(
            [
                {"name": f"Giver {i}", "email": f"giver{i}@example.com"}
                for i in range(60)
            ]
        )

        def count_queries(givers):
            wizard = self.env["gdpr.consent.bulk.grant"].create(
                {
                    "partner_ids": [(6, 0, givers.ids)],
                    "category_ids": [(6, 0, self.category_marketing.ids)],
                }
            )
            wizard.line_ids.to_create = True
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            consents = self.env["gdpr.consent"].search(
                wizard.action_generate()["domain"]
            )
            self.env.flush_all()
            self.assertEqual(len(consents), len(givers))
            return self.cr.sql_log_count - before

        count_queries(partners[:5])  # warm the caches
        few = count_queries(partners[5:15])
        many = count_queries(partners[15:])
        self.assertEqual(few, many)


@tagged("post_install", "-at_install")
class TestGdprConsentBulkWithdraw(GdprConsentCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.consent_marketing = cls.env["gdpr.consent"].create(
            {
                "partner_id": cls.partner.id,
                "category_id": cls.category_marketing.id,
                "text_id": cls.text_marketing.id,
                "date_given": "2025-01-01",
            }
        )
        cls.consent_profiling = cls.env["gdpr.consent"].create(
            {
                "partner_id": cls.partner.id,
                "category_id": cls.category_profiling.id,
                "text_id": cls.text_profiling.id,
                "date_given": "2025-01-01",
            }
        )
        cls.consent_other = cls.env["gdpr.consent"].create(
            {
                "partner_id": cls.other_partner.id,
                "category_id": cls.category_marketing.id,
                "text_id": cls.text_marketing.id,
                "date_given": "2025-01-01",
            }
        )

    @freeze_time("2025-06-15")
    def test_withdraw_ticked_consents_of_several_givers(self):
        self.consent_profiling.action_withdraw()
        form = Form(
            self.env["gdpr.consent.bulk.withdraw"]
            .with_user(self.user_sales)
            .with_context(
                active_model="res.partner",
                active_ids=(self.partner | self.other_partner).ids,
            )
        )
        consents = [form.line_ids.edit(i).consent_id for i in range(len(form.line_ids))]
        self.assertCountEqual(consents, self.consent_marketing | self.consent_other)
        self.assertEqual(form.date_withdrawn.isoformat(), "2025-06-15")
        self.assertEqual(form.reason_id, self.reason_request)
        for i in range(len(form.line_ids)):
            with form.line_ids.edit(i) as line:
                line.to_withdraw = line.consent_id == self.consent_other
        form.date_withdrawn = "2025-06-10"
        form.reason_id = self.reason_mistake
        form.save().action_withdraw()
        self.assertEqual(self.consent_other.state, "withdrawn")
        self.assertEqual(self.consent_other.date_withdrawn.isoformat(), "2025-06-10")
        self.assertEqual(self.consent_other.withdrawal_reason_id, self.reason_mistake)
        self.assertEqual(self.consent_marketing.state, "active")

    def test_withdraw_button_preselects_the_consent(self):
        action = self.consent_marketing.action_open_withdraw_wizard()
        form = Form(
            self.env["gdpr.consent.bulk.withdraw"]
            .with_user(self.user_sales)
            .with_context(**action["context"])
        )
        ticked = [
            form.line_ids.edit(i).consent_id
            for i in range(len(form.line_ids))
            if form.line_ids.edit(i).to_withdraw
        ]
        self.assertEqual(ticked, [self.consent_marketing])
        form.save().action_withdraw()
        self.assertEqual(self.consent_marketing.state, "withdrawn")
        self.assertEqual(self.consent_profiling.state, "active")

    def test_nothing_ticked_refused(self):
        wizard = self.env["gdpr.consent.bulk.withdraw"].create(
            {"partner_ids": [(6, 0, self.partner.ids)]}
        )
        self.assertEqual(len(wizard.line_ids), 2)
        wizard.line_ids.to_withdraw = False
        with self.assertRaises(UserError):
            wizard.action_withdraw()
