import base64
import io

from odoo.exceptions import UserError
from odoo.tests import Form, tagged
from odoo.tools import email_normalize

from ..utils import normalize_email
from .common import GdprConsentCommon


class GdprUnsubscribeCommon(GdprConsentCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.reason_unsubscribe = cls.env.ref(
            "crm_gdpr.gdpr_withdrawal_reason_unsubscribe"
        )
        cls.consent_marketing = cls._give(cls.partner, cls.text_marketing)
        cls.consent_newsletter = cls._give(cls.partner, cls.text_newsletter)
        # Not synchronized with the blacklist: kept by a blacklisting.
        cls.consent_profiling = cls._give(cls.partner, cls.text_profiling)
        cls.consent_other = cls._give(cls.other_partner, cls.text_marketing)

    @classmethod
    def _give(cls, partner, text):
        return cls.env["gdpr.consent"].create(
            {
                "partner_id": partner.id,
                "category_id": text.category_id.id,
                "text_id": text.id,
            }
        )


@tagged("post_install", "-at_install")
class TestGdprBlacklistSync(GdprUnsubscribeCommon):
    def test_blacklist_addition_withdraws_synchronised_consents(self):
        self.env["mail.blacklist"]._add("Anna@Example.com")
        for consent in (self.consent_marketing, self.consent_newsletter):
            self.assertEqual(consent.state, "withdrawn")
            self.assertEqual(consent.withdrawal_reason_id, self.reason_unsubscribe)
            self.assertIn(
                "was put on the email blacklist",
                consent.message_ids.mapped("body")[0],
            )
        self.assertEqual(self.consent_profiling.state, "active")
        self.assertEqual(self.consent_other.state, "active")

    def test_blacklist_import_withdraws_in_one_batch(self):
        entries = self.env["mail.blacklist"].create(
            [{"email": "anna@example.com"}, {"email": "jan@example.com"}]
        )
        self.assertEqual(len(entries), 2)
        self.assertEqual(self.consent_marketing.state, "withdrawn")
        self.assertEqual(self.consent_other.state, "withdrawn")

    def test_reactivated_entry_withdraws(self):
        entry = self.env["mail.blacklist"].create({"email": "nobody@example.com"})
        entry.action_archive()
        self.partner.email = "anna@example.com"
        entry.write({"email": "anna@example.com"})
        entry.action_unarchive()
        self.assertEqual(self.consent_marketing.state, "withdrawn")

    def test_consent_withdrawal_blacklists_without_a_loop(self):
        """Withdrawing one consent blacklists its address (as before); the
        address on the blacklist withdraws the other synchronized consents
        bound to it, as any blacklisting does (red team 15, F18), once."""
        self.consent_marketing.action_withdraw()
        entries = self.env["mail.blacklist"].search(
            [("email", "=", "anna@example.com")]
        )
        self.assertEqual(len(entries), 1)
        self.assertEqual(self.consent_marketing.state, "withdrawn")
        self.assertEqual(
            self.consent_marketing.withdrawal_reason_id, self.reason_request
        )
        self.assertEqual(self.consent_newsletter.state, "withdrawn")
        self.assertEqual(
            self.consent_newsletter.withdrawal_reason_id, self.reason_unsubscribe
        )
        self.assertEqual(self.consent_profiling.state, "active")
        self.assertEqual(self.consent_other.state, "active")

    def test_bulk_withdrawal_blacklists_the_addresses_in_one_batch(self):
        malformed = self.env["res.partner"].create(
            {"name": "Malformed", "email": "a@b@example.com"}
        )
        consent_malformed = self._give(malformed, self.text_marketing)
        archived = self.env["mail.blacklist"].create(
            {"email": "jan@example.com", "active": False}
        )
        self.assertEqual(self.consent_other.state, "active")
        consents = self.consent_marketing | self.consent_other | consent_malformed
        consents.action_withdraw()
        Blacklist = self.env["mail.blacklist"]
        for consent, email in (
            (self.consent_marketing, "anna@example.com"),
            (self.consent_other, "jan@example.com"),
        ):
            entry = Blacklist.search([("email", "=", email)])
            self.assertTrue(entry.active, email)
            self.assertIn(consent.name, " ".join(entry.message_ids.mapped("body")))
            self.assertIn(
                "added to the email blacklist",
                " ".join(consent.message_ids.mapped("body")),
            )
        self.assertEqual(
            archived, Blacklist.search([("email", "=", "jan@example.com")])
        )
        # the malformed address is refused alone, the others are blacklisted
        self.assertFalse(Blacklist.search([("email", "=", "b@example.com")]))
        self.assertIn(
            "could not be added to the blacklist",
            " ".join(consent_malformed.message_ids.mapped("body")),
        )
        # the blacklisted address withdraws the person's other synchronized
        # consent too (red team 15, F18)
        self.assertEqual(self.consent_newsletter.state, "withdrawn")
        self.assertEqual(self.consent_profiling.state, "active")

    def _blacklist_queries(self, emails):
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.cr.sql_log_count
        self.env["mail.blacklist"].create([{"email": email} for email in emails])
        self.env.flush_all()
        return self.cr.sql_log_count - before

    def test_blacklist_sync_costs_no_query_per_consent(self):
        partners = self.env["res.partner"].create(
            [{"name": f"P{i}", "email": f"p{i}@example.com"} for i in range(60)]
        )
        for partner in partners:
            self._give(partner, self.text_marketing)
        # the first batch reads what later ones find cached (sources, reasons)
        self._blacklist_queries([f"p{i}@example.com" for i in range(5)])
        few = self._blacklist_queries([f"p{i}@example.com" for i in range(5, 15)])
        many = self._blacklist_queries([f"p{i}@example.com" for i in range(15, 60)])
        self.assertEqual(
            self.env["gdpr.consent"].search_count(
                [("partner_id", "in", partners.ids), ("state", "=", "active")]
            ),
            0,
        )
        self.assertEqual(few, many, "4.5 times the consents, the same queries")


@tagged("post_install", "-at_install")
class TestGdprWithdrawImport(GdprUnsubscribeCommon):
    def _wizard(self, **vals):
        return self.env["gdpr.consent.withdraw.import"].create(vals)

    def _csv(self, text):
        return base64.b64encode(text.encode())

    def test_csv_with_header_and_semicolons(self):
        wizard = self._wizard(
            file=self._csv(
                "Email Address;First Name\nanna@example.com;Anna\n"
                "unknown@example.com;X\nnot an address;Y\n"
            ),
            filename="unsubscribed.csv",
        )
        wizard.action_preview()
        self.assertEqual(wizard.state, "preview")
        self.assertEqual(wizard.address_count, 2)
        self.assertEqual(wizard.matched_count, 1)
        self.assertEqual(wizard.unmatched_count, 1)
        self.assertEqual(wizard.invalid_count, 1)
        self.assertEqual(wizard.consent_count, 3)
        self.assertIn("unknown@example.com", wizard.unmatched_preview)
        # nothing withdrawn by the preview
        self.assertEqual(self.consent_marketing.state, "active")
        wizard.action_withdraw()
        self.assertEqual(wizard.state, "done")
        self.assertEqual(wizard.withdrawn_count, 3)
        for consent in (
            self.consent_marketing,
            self.consent_newsletter,
            self.consent_profiling,
        ):
            self.assertEqual(consent.state, "withdrawn")
            self.assertEqual(consent.withdrawal_reason_id, self.reason_unsubscribe)
        self.assertEqual(self.consent_other.state, "active")

    def test_csv_without_header_with_commas_and_categories(self):
        wizard = self._wizard(
            file=self._csv("anna@example.com,2024-01-01\njan@example.com,2024-01-02\n"),
            filename="export.csv",
            category_ids=[(6, 0, self.category_marketing.ids)],
        )
        wizard.action_preview()
        self.assertEqual(wizard.matched_count, 2)
        self.assertEqual(wizard.consent_count, 2)
        wizard.action_withdraw()
        self.assertEqual(self.consent_marketing.state, "withdrawn")
        self.assertEqual(self.consent_other.state, "withdrawn")
        # the withdrawal blacklisted anna@example.com: her other synchronized
        # consent goes with it (red team 15, F18), the others stay
        self.assertEqual(self.consent_newsletter.state, "withdrawn")
        self.assertEqual(
            self.consent_newsletter.withdrawal_reason_id, self.reason_unsubscribe
        )
        self.assertEqual(self.consent_profiling.state, "active")

    def test_xlsx_export(self):
        import openpyxl  # pylint: disable=import-outside-toplevel

        book = openpyxl.Workbook()
        sheet = book.active
        sheet.append(["EMAIL"])
        sheet.append(["JAN@example.com"])
        buffer = io.BytesIO()
        book.save(buffer)
        wizard = self._wizard(
            file=base64.b64encode(buffer.getvalue()), filename="export.xlsx"
        )
        wizard.action_preview()
        self.assertEqual(wizard.matched_count, 1)
        wizard.action_withdraw()
        self.assertEqual(self.consent_other.state, "withdrawn")
        self.assertEqual(self.consent_marketing.state, "active")

    def test_pasted_list(self):
        wizard = self._wizard(pasted="anna@example.com\n jan@example.com; x@y.pl")
        wizard.action_preview()
        self.assertEqual(wizard.address_count, 3)
        self.assertEqual(wizard.matched_count, 2)
        self.assertEqual(wizard.unmatched_preview, "x@y.pl")

    def test_withdraw_needs_the_preview(self):
        wizard = self._wizard(pasted="anna@example.com")
        with self.assertRaises(UserError):
            wizard.action_withdraw()
        self.assertEqual(self.consent_marketing.state, "active")

    def test_empty_input_is_refused(self):
        with self.assertRaises(UserError):
            self._wizard(pasted="  ").action_preview()

    def test_salesperson_matches_only_consents_they_read(self):
        """The import searches as the user: company 2's salesperson finds
        none of company 1's consents."""
        wizard = (
            self.env["gdpr.consent.withdraw.import"]
            .with_user(self.user_sales_2)
            .with_company(self.company_2)
        )
        self.user_sales_2.groups_id |= self.env.ref("crm_gdpr.group_gdpr_user")
        wizard = wizard.create({"pasted": "anna@example.com"})
        wizard.action_preview()
        self.assertEqual(wizard.consent_count, 0)
        self.assertEqual(wizard.unmatched_count, 1)

    def test_form_previews_then_withdraws(self):
        form = Form(self.env["gdpr.consent.withdraw.import"])
        form.pasted = "anna@example.com"
        wizard = form.save()
        wizard.action_preview()
        self.assertEqual(wizard.matched_preview, "anna@example.com")

    def test_fast_normalisation_is_odoos(self):
        for value in (
            "Anna@Example.com",
            " o'brien@x.co.uk ",
            "a.b-c+d%e_f@sub-dom.example.org",
            "Anna <anna@example.com>",
            "a@b@example.com",
            "a..b@example.com",
            "żółw@example.pl",
            "no address",
            "a@b.c",
        ):
            with self.subTest(value=value):
                self.assertEqual(normalize_email(value), email_normalize(value))
