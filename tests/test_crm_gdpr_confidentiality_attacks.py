"""The red team's confidentiality and robustness findings F1-F10, kept.

Each test replays one attack of /work/attack/findings-confidentiality.md
(JSON-RPC calls there; the same ORM methods here, as the attacking user).
"""

import base64

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from .common import GdprConfidentialityCommon


@tagged("post_install", "-at_install")
class TestConfidentialityAttacks(GdprConfidentialityCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.terms_2 = cls.env["ir.attachment"].create(
            {
                "name": "SECRET_SCAN_C2.pdf",
                "raw": b"%PDF-1.4 secret",
                "res_model": "gdpr.consent",
                "res_id": cls.consent_2.id,
            }
        )
        cls.text_2.attachment_id = cls.env["ir.attachment"].create(
            {
                "name": "SECRET_TERMS_OF_TEXT_C2.pdf",
                "raw": b"%PDF-1.4 secret terms",
                "res_model": "gdpr.consent.text",
                "res_id": cls.text_2.id,
            }
        )
        # Shared by both companies: each has a consent of this person.
        cls.shared = cls.env["res.partner"].create(
            {"name": "Shared Person", "email": "shared.person@example.com"}
        )
        cls.text_2_email = cls.env["gdpr.consent.text"].create(
            {
                "name": "Company 2 e-mail text",
                "body": "<p>Company two e-mails.</p>",
                "category_id": cls.category_newsletter.id,
                "date_start": "2020-01-01",
                "company_id": cls.company_2.id,
                "applies_to_contacts": True,
                "channel_ids": [Command.set(cls.channel_email.ids)],
            }
        )
        cls.shared_consent_2 = cls.env["gdpr.consent"].create(
            {
                "partner_id": cls.shared.id,
                "category_id": cls.category_newsletter.id,
                "text_id": cls.text_2_email.id,
                "company_id": cls.company_2.id,
                "contact_channel_id": cls.channel_email.id,
            }
        )
        cls.user_sales.company_ids = [Command.link(cls.company_2.id)]

    def _sales_env(self, *companies):
        companies = companies or (self.company,)
        return self.env(
            user=self.user_sales,
            context=dict(
                self.env.context, allowed_company_ids=[c.id for c in companies]
            ),
        )

    # F1 ---------------------------------------------------------------
    def test_f1_consent_onchange_reveals_no_unreadable_text_partner_or_lead(self):
        Consent = self._sales_env()["gdpr.consent"]
        spec = {
            "text_body": {},
            "contact_value": {},
            "contact_channel_id": {},
            "attachment_id": {"fields": {"display_name": {}}},
        }
        attacks = [
            {
                "partner_id": self.partner_2.id,
                "text_id": self.text_2.id,
                "category_id": self.category_marketing.id,
            },
            {
                "partner_id": self.partner.id,
                "text_id": [self.text_2.id, "x"],
                "category_id": self.category_marketing.id,
            },
            {
                "lead_id": self.lead_other.id,
                "text_id": self.text_newsletter.id,
                "category_id": self.category_newsletter.id,
            },
        ]
        for values in attacks:
            with self.subTest(values=values), self.assertRaises(AccessError) as error:
                Consent.onchange(values, [next(iter(values))], spec)
            self.assertRevealsNothing(
                error,
                "Secret wording",
                "SECRET_TERMS",
                "greta.secret",
                "hidden.lead",
            )
        # A readable giver and text still fill the form.
        result = Consent.onchange(
            {
                "partner_id": self.partner.id,
                "text_id": self.text_marketing.id,
                "category_id": self.category_marketing.id,
            },
            ["text_id"],
            spec,
        )
        self.assertTrue(result["value"]["text_body"])

    # F2 ---------------------------------------------------------------
    def test_f2_bulk_withdraw_wizards_are_their_creators_only(self):
        own = self._create_consent(partner_id=self.partner.id)
        wizard = (
            self.env["gdpr.consent.bulk.withdraw"]
            .with_user(self.user_sales)
            .create({"partner_ids": [Command.set(self.partner.ids)]})
        )
        self.assertEqual(wizard.line_ids.consent_id, own)
        Line = self.env["gdpr.consent.bulk.withdraw.line"].with_user(self.user_sales_2)
        Wizard = self.env["gdpr.consent.bulk.withdraw"].with_user(self.user_sales_2)
        self.assertFalse(Line.search([]))
        self.assertFalse(Wizard.search([]))
        with self.assertRaises(AccessError):
            wizard.line_ids.with_user(self.user_sales_2).write({"to_withdraw": False})
        with self.assertRaises(AccessError):
            wizard.line_ids.with_user(self.user_sales_2).read(["contact_value"])
        # The colleague of the same company neither.
        with self.assertRaises(AccessError):
            wizard.line_ids.with_user(self.user_officer).read(["partner_id"])

    def test_f2_company_1_withdraws_its_own_consent_of_a_shared_person(self):
        own = self._create_consent(
            partner_id=self.shared.id,
            category_id=self.category_profiling.id,
            text_id=self.text_profiling.id,
        )
        for env in (self._sales_env(), self._sales_env(self.company)):
            wizard = env["gdpr.consent.bulk.withdraw"].create(
                {"partner_ids": [Command.set(self.shared.ids)]}
            )
            self.assertEqual(wizard.line_ids.consent_id, own)
        # Company 2 allowed as well: its consent is listed only when the user
        # works in it now, and is then readable.
        wizard = self._sales_env(self.company, self.company_2)[
            "gdpr.consent.bulk.withdraw"
        ].create({"partner_ids": [Command.set(self.shared.ids)]})
        self.assertEqual(wizard.line_ids.consent_id, own | self.shared_consent_2)
        wizard = self._sales_env()["gdpr.consent.bulk.withdraw"].create(
            {"partner_ids": [Command.set(self.shared.ids)]}
        )
        wizard.action_withdraw()
        self.assertEqual(own.state, "withdrawn")
        self.assertEqual(self.shared_consent_2.state, "active")

    def test_f2_lines_are_searched_as_the_user_even_in_sudo(self):
        own = self._create_consent(partner_id=self.shared.id)
        # Server code opening the wizard for the user in sudo: its stored
        # compute still lists what the user reads in the user's companies.
        wizard = (
            self._sales_env()["gdpr.consent.bulk.withdraw"]
            .sudo()
            .create({"partner_ids": [Command.set(self.shared.ids)]})
        )
        self.assertEqual(wizard.line_ids.consent_id, own)

    def test_f2_bulk_grant_wizards_are_their_creators_only(self):
        wizard = (
            self.env["gdpr.consent.bulk.grant"]
            .with_user(self.user_sales)
            .create(
                {
                    "partner_ids": [Command.set(self.partner.ids)],
                    "category_ids": [Command.set(self.category_post.ids)],
                }
            )
        )
        self.assertTrue(wizard.line_ids)
        for model in ("gdpr.consent.bulk.grant", "gdpr.consent.bulk.grant.line"):
            self.assertFalse(self.env[model].with_user(self.user_sales_2).search([]))
        with self.assertRaises(AccessError):
            wizard.line_ids.with_user(self.user_sales_2).write({"to_create": False})

    # F3 ---------------------------------------------------------------
    def test_f3_officer_never_reads_another_officers_lookup(self):
        officer_2 = self.env["res.users"].create(
            {
                "name": "Officer of company 2",
                "login": "gdpr_officer_2_attack",
                "company_id": self.company_2.id,
                "company_ids": [Command.set(self.company_2.ids)],
                "groups_id": [
                    Command.set(self.env.ref("crm_gdpr.group_gdpr_officer").ids)
                ],
            }
        )
        wizard = (
            self.env["privacy.lookup.wizard"]
            .with_user(self.user_officer)
            .create({"name": "Anna Kowalska", "email": "anna@example.com"})
        )
        wizard.action_lookup()
        self.assertTrue(wizard.line_ids)
        Wizard = self.env["privacy.lookup.wizard"].with_user(officer_2)
        Line = self.env["privacy.lookup.wizard.line"].with_user(officer_2)
        self.assertFalse(Wizard.search([]))
        self.assertFalse(Line.search([]))
        with self.assertRaises(AccessError):
            wizard.with_user(officer_2).read(["email", "records_description"])
        with self.assertRaises(AccessError):
            wizard.line_ids.with_user(officer_2).read(["res_name"])
        # The Settings administrator keeps Odoo's view of every lookup.
        admin = self.env.ref("base.user_admin")
        self.assertIn(
            wizard, self.env["privacy.lookup.wizard"].with_user(admin).search([])
        )

    # F4 ---------------------------------------------------------------
    def test_f4_bulk_grant_never_lists_another_companys_private_text(self):
        self.user_sales.company_ids = [Command.unlink(self.company_2.id)]
        Grant = self.env["gdpr.consent.bulk.grant"].with_user(self.user_sales)
        spec = {
            "line_ids": {
                "fields": {"text_id": {"fields": {"display_name": {}}}, "to_create": {}}
            },
            "category_ids": {},
            "partner_ids": {},
        }
        result = Grant.onchange(
            {
                "partner_ids": [Command.set(self.partner.ids)],
                "category_ids": [Command.set(self.category_marketing.ids)],
            },
            ["category_ids"],
            spec,
        )
        self.assertNotIn("Company 2 private text", str(result))
        wizard = Grant.create(
            {
                "partner_ids": [Command.set(self.partner.ids)],
                "category_ids": [Command.set(self.category_marketing.ids)],
            }
        )
        self.assertNotIn(self.text_2, wizard.line_ids.text_id)
        self.assertIn(self.text_marketing, wizard.line_ids.text_id)
        wizard.action_generate()

    # F5 / F6 ----------------------------------------------------------
    def test_f5_user_without_gdpr_rights_cannot_search_by_gdpr_fields(self):
        self._create_consent()
        Partner = self.env["res.partner"].with_user(self.user_internal)
        domains = [
            [("gdpr_active_category_ids", "in", self.category_marketing.ids)],
            [("gdpr_consent_state", "=", "active")],
            [("gdpr_consent_ids", "!=", False)],
            [("gdpr_consent_ids.name", "ilike", "CONS")],
            [("gdpr_consent_count", ">", 0)],
            ["|", ("name", "=", "x"), ("gdpr_consent_ids", "=", self.consent_2.id)],
        ]
        for domain in domains:
            with self.subTest(domain=domain), self.assertRaises(AccessError):
                Partner.search(domain)
        # Through a related partner as well.
        with self.assertRaises(AccessError):
            Partner.search([("child_ids.gdpr_consent_state", "=", "active")])
        # GDPR users search as before.
        self.assertIn(
            self.partner,
            self.env["res.partner"]
            .with_user(self.user_sales)
            .search([("gdpr_consent_state", "=", "active")]),
        )

    def test_f6_consent_search_of_partners_obeys_the_consent_rules(self):
        Partner = self._sales_env()["res.partner"]
        self.assertFalse(
            Partner.search(
                [("id", "=", self.shared.id), ("gdpr_consent_ids", "!=", False)]
            )
        )
        self.assertFalse(
            Partner.search([("gdpr_consent_ids", "=", self.shared_consent_2.id)])
        )
        self.assertFalse(
            Partner.search([("gdpr_consent_ids", "in", self.shared_consent_2.ids)])
        )
        self.assertTrue(
            Partner.search(
                [("id", "=", self.shared.id), ("gdpr_consent_ids", "=", False)]
            )
        )
        self.assertTrue(
            Partner.search(
                [
                    ("id", "=", self.shared.id),
                    ("gdpr_consent_ids", "not in", self.shared_consent_2.ids),
                ]
            )
        )
        # Its own consents, withdrawn ones included, are found as before.
        own = self._create_consent(partner_id=self.shared.id)
        own.action_withdraw()
        self.assertEqual(
            Partner.search([("gdpr_consent_ids", "=", own.id)]), self.shared
        )
        self.assertEqual(
            Partner.search(
                [("id", "=", self.shared.id), ("gdpr_consent_ids", "!=", False)]
            ),
            self.shared,
        )
        self.assertEqual(
            Partner.search([("gdpr_consent_ids", "=", own.name)]), self.shared
        )

    # F7 ---------------------------------------------------------------
    def test_f7_text_document_is_a_readable_file_of_the_text(self):
        Text = self.env["gdpr.consent.text"].with_user(self.user_manager)
        vals = {
            "name": "F7 text",
            "body": "<p>x</p>",
            "category_id": self.category_post.id,
            "date_start": "2020-01-01",
        }
        with self.assertRaises(AccessError) as error:
            Text.create({**vals, "attachment_id": self.terms_2.id})
        self.assertRevealsNothing(error, "SECRET_SCAN")
        text = Text.create(vals)
        with self.assertRaises(AccessError):
            text.write({"attachment_id": self.terms_2.id})
        # A readable file of another record is refused too.
        own_consent = self._create_consent()
        scan = self.env["ir.attachment"].create(
            {
                "name": "scan.pdf",
                "raw": b"%PDF-1.4 scan",
                "res_model": "gdpr.consent",
                "res_id": own_consent.id,
            }
        )
        with self.assertRaises(ValidationError):
            text.write({"attachment_id": scan.id})
        # The text's own upload is accepted.
        upload = (
            self.env["ir.attachment"]
            .with_user(self.user_manager)
            .create(
                {
                    "name": "terms.pdf",
                    "datas": base64.b64encode(b"%PDF-1.4 terms"),
                    "res_model": "gdpr.consent.text",
                    "res_id": text.id,
                }
            )
        )
        text.write({"attachment_id": upload.id})
        self.assertEqual(text.attachment_id, upload)

    # F8 ---------------------------------------------------------------
    def test_f8_translations_obey_the_length_limits(self):
        self.env["res.lang"]._activate_lang("pl_PL")
        text = (
            self.env["gdpr.consent.text"]
            .with_user(self.user_manager)
            .create(
                {
                    "name": "F8",
                    "body": "<p>term one</p>",
                    "category_id": self.category_post.id,
                    "date_start": "2020-01-01",
                }
            )
        )
        with self.assertRaises(ValidationError):
            text.update_field_translations("name", {"pl_PL": "N" * 5000})
        with self.assertRaises(ValidationError):
            text.update_field_translations(
                "body", {"pl_PL": {"term one": "B" * 150000}}
            )
        category = self.category_post.with_user(self.user_manager)
        with self.assertRaises(ValidationError):
            category.update_field_translations("name", {"pl_PL": "C" * 5000})
        self.assertEqual(text.with_context(lang="pl_PL").name, "F8")
        self.assertLess(len(text.with_context(lang="pl_PL").body), 100)
        self.assertEqual(
            category.with_context(lang="pl_PL").name, self.category_post.name
        )
        # Translations within the limits are written.
        text.update_field_translations("name", {"pl_PL": "Tytuł"})
        self.assertEqual(text.with_context(lang="pl_PL").name, "Tytuł")

    # F9 ---------------------------------------------------------------
    def test_f9_booleans_accept_only_booleans(self):
        Consent = self.env["gdpr.consent"].with_user(self.user_sales)
        for value in ("False", "no", "false", 2, 1.0):
            with self.subTest(value=value), self.assertRaises(ValidationError):
                Consent.create(self._consent_vals(active=value))
        consent = Consent.create(self._consent_vals(active=1))
        with self.assertRaises(ValidationError):
            consent.write({"active": "no"})
        self.assertEqual(consent.state, "active")
        consent.write({"active": 0})
        self.assertEqual(consent.state, "withdrawn")
        with self.assertRaises(ValidationError):
            self.env["gdpr.consent.text"].with_user(self.user_manager).create(
                {
                    "name": "F9",
                    "body": "<p>x</p>",
                    "category_id": self.category_post.id,
                    "applies_to_contacts": "no",
                }
            )

    # F10 --------------------------------------------------------------
    def test_f10_malformed_email_never_blacklists_another_address(self):
        text = self.env["gdpr.consent.text"].create(
            {
                "name": "E-mail offers",
                "body": "<p>Offers by e-mail.</p>",
                "category_id": self.category_newsletter.id,
                "date_start": "2020-01-01",
                "applies_to_contacts": True,
                "channel_ids": [Command.set(self.channel_email.ids)],
                "sync_blacklist": True,
            }
        )
        Blacklist = self.env["mail.blacklist"].with_context(active_test=False)
        for email, foreign in (("f10@x@example.com", "x@example.com"), ("a@b@c", "@c")):
            partner = self.env["res.partner"].create({"name": "F10", "email": email})
            consent = self._create_consent(
                partner_id=partner.id,
                category_id=self.category_newsletter.id,
                text_id=text.id,
                contact_channel_id=self.channel_email.id,
            )
            consent.with_user(self.user_sales).write({"active": False})
            self.assertEqual(consent.state, "withdrawn")
            self.assertFalse(Blacklist.search([("email", "=", foreign)]))
            self.assertIn("could not be added", consent.message_ids[0].body)
        # A mere case or space difference is the same address.
        partner = self.env["res.partner"].create(
            {"name": "Case", "email": " Case.Person@Example.com"}
        )
        consent = self._create_consent(
            partner_id=partner.id,
            category_id=self.category_newsletter.id,
            text_id=text.id,
            contact_channel_id=self.channel_email.id,
        )
        consent.write({"active": False})
        self.assertTrue(Blacklist.search([("email", "=", "case.person@example.com")]))
