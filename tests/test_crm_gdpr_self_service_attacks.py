"""The findings of red team 15 (the self-service features of SPEC section 10),
each kept as a test, over JSON-RPC and HTTP where the finding was."""

import base64
import re

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from .common import GdprRpcCommon

USER_AGENT = "GdprTestBrowser/1.0 (phone)"


@tagged("post_install", "-at_install")
class TestGdprSelfServiceAttacks(GdprRpcCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.text_newsletter = cls.env.ref("crm_gdpr.gdpr_consent_text_newsletter")
        cls.text_profiling = cls.env.ref("crm_gdpr.gdpr_consent_text_profiling")
        cls.channel_email = cls.env.ref("crm_gdpr.gdpr_channel_email")
        cls.public_user = cls.env.ref("base.public_user")
        cls.person = cls.env["res.partner"].create(
            {"name": "Anna Kowalska", "email": "anna@example.com", "lang": "en_US"}
        )
        # Someone else's lead: a salesperson limited to own documents
        # cannot read it.
        cls.secret_lead = cls.env["crm.lead"].create(
            {
                "name": "Secret lead of the manager",
                "email_from": "henry@example.com",
                "user_id": cls.user_manager.id,
            }
        )
        cls.partner_2 = cls.env["res.partner"].create(
            {
                "name": "Private person of company two",
                "email": "private2@example.com",
                "company_id": cls.company_2.id,
            }
        )

    def _consent(self, partner, text, **vals):
        return self.env["gdpr.consent"].create(
            {
                "partner_id": partner.id,
                "category_id": text.category_id.id,
                "text_id": text.id,
                **vals,
            }
        )

    def _ask(self, partner, texts):
        requests, _skipped = self.env["gdpr.consent.request"]._gdpr_ask(
            partner, self.env["crm.lead"], texts
        )
        return requests

    def _csrf(self, response):
        match = re.search(r'name="csrf_token" value="([^"]+)"', response.text)
        self.assertTrue(match, "the page's forms carry Odoo's CSRF token")
        return match.group(1)

    def _open(self, url, data=None):
        return self.url_open(url, data=data, headers={"User-Agent": USER_AGENT})

    def _confirm(self, request):
        page = self._open(request._gdpr_confirmation_url())
        path = f"/gdpr/consent/{request.id}/{request._gdpr_token()}"
        return self._open(f"{path}/confirm", {"csrf_token": self._csrf(page)})

    def test_f1_request_for_unreadable_lead_refused(self):
        self._login(self.user_sales)
        lead = self.secret_lead
        answer = self.call_kw(
            "gdpr.consent.request",
            "create",
            [{"lead_id": lead.id, "text_ids": [(6, 0, self.text_newsletter.ids)]}],
        )
        message = self.assertRpcError(answer, "AccessError")
        self.assertNotIn(lead.name, message)
        self.assertFalse(
            self.env["gdpr.consent.request"].search([("lead_id", "=", lead.id)])
        )

    def test_f2_other_company_giver_refused_without_name(self):
        self._login(self.user_sales)
        lead_2 = self.env["crm.lead"].create(
            {
                "name": "Secret lead of company two",
                "email_from": "lead2@example.com",
                "company_id": self.company_2.id,
            }
        )
        for fname, record in (("partner_id", self.partner_2), ("lead_id", lead_2)):
            answer = self.call_kw(
                "gdpr.consent.request",
                "create",
                [{fname: record.id, "text_ids": [(6, 0, self.text_newsletter.ids)]}],
            )
            message = self.assertRpcError(answer, "AccessError")
            self.assertNotIn(record.name, message)

    def test_f3_public_page_acts_as_public_user_whatever_the_session(self):
        consent = self._consent(self.person, self.text_profiling)
        url = self.person._gdpr_preferences_url(self.company)
        # an employee of the other company is logged in in this browser
        self._login(self.user_sales_2)
        page = self._open(url)
        self.assertEqual(page.status_code, 200)
        response = self._open(
            f"{url.split('?')[0]}/withdraw",
            {
                "csrf_token": self._csrf(page),
                "company_id": self.company.id,
                "consent_id": consent.id,
            },
        )
        self.assertEqual(response.status_code, 200)
        consent.invalidate_recordset()
        self.assertEqual(consent.state, "withdrawn")
        self.assertEqual(consent.write_uid, self.public_user)
        authors = consent.message_ids.author_id
        self.assertNotIn(self.user_sales_2.partner_id, authors)
        # giving a public consent: created by the public user too
        self.text_newsletter.public = True
        page = self._open(url)
        self._open(
            f"{url.split('?')[0]}/give",
            {
                "csrf_token": self._csrf(page),
                "company_id": self.company.id,
                "text_id": self.text_newsletter.id,
            },
        )
        given = self.env["gdpr.consent"].search(
            [
                ("partner_id", "=", self.person.id),
                ("text_id", "=", self.text_newsletter.id),
            ]
        )
        self.assertEqual(given.create_uid, self.public_user)

    def test_f4_withdrawal_by_user_without_email_succeeds(self):
        self.user_sales.partner_id.email = False
        consent = self._consent(
            self.person, self.text_marketing, contact_channel_id=self.channel_email.id
        )
        self.assertTrue(consent.text_id.sync_blacklist)
        self._login(self.user_sales)
        answer = self.call_kw(
            "gdpr.consent", "write", [[consent.id], {"active": False}]
        )
        self.assertEqual(answer.get("result"), True, answer)
        consent.invalidate_recordset()
        self.assertEqual(consent.state, "withdrawn")
        self.assertTrue(
            self.env["mail.blacklist"].search([("email", "=", "anna@example.com")])
        )

    def test_f5_inactive_language_falls_back_to_an_active_one(self):
        # installed but inactive (Odoo keeps a contact's language when it is
        # deactivated through the database or an import)
        self.assertFalse(self.env["res.lang"]._get_code("de_DE"))
        self.env.cr.execute(
            "UPDATE res_partner SET lang = 'de_DE' WHERE id = %s", [self.person.id]
        )
        self.person.invalidate_recordset(["lang"])
        consent = self._consent(self.person, self.text_profiling)
        self.assertTrue(consent.text_body)
        page = self._open(self.person._gdpr_preferences_url(self.company))
        self.assertEqual(page.status_code, 200)
        self.assertIn("Profiling", page.text)
        request = self._ask(self.person, self.text_newsletter)
        self.assertEqual(request.state, "sent")
        self.assertTrue(self.env["res.lang"]._get_code(request.lang))

    def test_f6_request_expiry_is_set_by_the_system(self):
        request = self._ask(self.person, self.text_newsletter)
        expiry = request.date_expiry
        self._login(self.user_sales)
        answer = self.call_kw(
            "gdpr.consent.request",
            "write",
            [[request.id], {"date_expiry": "2099-01-01 00:00:00"}],
        )
        self.assertRpcError(answer, "UserError")
        request.invalidate_recordset()
        self.assertEqual(request.date_expiry, expiry)

    def test_f7_import_withdraws_what_was_previewed(self):
        consent = self._consent(self.person, self.text_profiling)
        self._login(self.user_sales)
        Import = "gdpr.consent.withdraw.import"
        wizard_id = self.call_kw(Import, "create", [{"pasted": "nobody@example.com"}])[
            "result"
        ]
        self.call_kw(Import, "action_preview", [[wizard_id]])
        # a forged preview text is refused
        answer = self.call_kw(
            Import, "write", [[wizard_id], {"matched_preview": "nothing here"}]
        )
        self.assertRpcError(answer, "UserError")
        # another input after the preview asks for a new preview
        self.call_kw(Import, "write", [[wizard_id], {"pasted": "anna@example.com"}])
        answer = self.call_kw(Import, "action_withdraw", [[wizard_id]])
        self.assertRpcError(answer, "UserError")
        consent.invalidate_recordset()
        self.assertEqual(consent.state, "active")
        # previewed again: exactly what was previewed is withdrawn
        self.call_kw(Import, "action_preview", [[wizard_id]])
        self.call_kw(Import, "action_withdraw", [[wizard_id]])
        consent.invalidate_recordset()
        self.assertEqual(consent.state, "withdrawn")

    def test_f8_confirmed_request_is_not_deleted(self):
        request = self._ask(self.person, self.text_newsletter)
        self._confirm(request)
        request.invalidate_recordset()
        self.assertEqual(request.state, "confirmed")
        consent = request.consent_ids
        self.assertTrue(consent)
        self._login(self.user_officer)
        answer = self.call_kw("gdpr.consent.request", "unlink", [request.ids])
        self.assertRpcError(answer, "UserError")
        self.assertTrue(request.exists())
        self.assertEqual(consent.request_id, request)
        # the privacy lookup's erasure anonymizes the request, keeps it
        request.with_user(self.user_officer)._privacy_lookup_erase()
        self.assertTrue(request.exists())
        self.assertFalse(request.partner_id)
        self.assertFalse(request.email)
        self.assertEqual(consent.request_id, request)

    def test_f9_confirm_skips_texts_already_consented(self):
        existing = self._consent(self.person, self.text_profiling)
        request = self._ask(self.person, self.text_newsletter | self.text_profiling)
        response = self._confirm(request)
        self.assertIn("already given", response.text)
        active = self.env["gdpr.consent"].search(
            [
                ("partner_id", "=", self.person.id),
                ("text_id", "=", self.text_profiling.id),
                ("state", "=", "active"),
            ]
        )
        self.assertEqual(active, existing)
        self.assertEqual(request.consent_ids.text_id, self.text_newsletter)
        self.assertIn("Already consented", " ".join(request.message_ids.mapped("body")))

    def test_f10_changing_blacklist_email_withdraws(self):
        consent = self._consent(
            self.person, self.text_marketing, contact_channel_id=self.channel_email.id
        )
        entry = self.env["mail.blacklist"].create({"email": "someone@example.com"})
        self.assertEqual(consent.state, "active")
        entry.write({"email": "anna@example.com"})
        self.assertEqual(consent.state, "withdrawn")

    def test_f11_non_ascii_token_is_a_plain_404(self):
        request = self._ask(self.person, self.text_newsletter)
        wrong = self._open(f"/gdpr/preferences/{self.person.id}/0?company_id=1")
        self.assertEqual(wrong.status_code, 404)
        for url in (
            f"/gdpr/preferences/{self.person.id}/%C5%BC%C3%B3%C5%82"
            f"?company_id={self.company.id}",
            f"/gdpr/consent/{request.id}/%C5%BC",
        ):
            response = self._open(url)
            self.assertEqual(response.status_code, 404, url)
            self.assertEqual(response.text, wrong.text)

    def _import(self, content, filename):
        return self.env["gdpr.consent.withdraw.import"].create(
            {"file": base64.b64encode(content), "filename": filename}
        )

    def test_f12_unreadable_files_get_a_clear_error(self):
        self._consent(self.person, self.text_profiling)
        # a UTF-16 export of Excel is read
        wizard = self._import("email\nanna@example.com\n".encode("utf-16"), "c.csv")
        wizard.action_preview()
        self.assertEqual(wizard.matched_count, 1)
        for content, filename in (
            (bytes(range(256)) * 50, "h.csv"),
            (b"PK\x03\x04 not a workbook", "x.xlsx"),
        ):
            with self.assertRaises(UserError):
                self._import(content, filename).action_preview()

    def test_f13_invalid_addresses_are_not_counted(self):
        rows = [
            "email",
            "anna@example.com",
            "@SUM(1+1)@x.com",
            '"<script>x</script>@x.com"',
            "a" * 65 + "@example.com",
            "anna@localhost",
        ]
        wizard = self._import("\n".join(rows).encode(), "list.csv")
        wizard.pasted = "b" * 2_000_000 + "@example.com"
        wizard.action_preview()
        self.assertEqual(wizard.address_count, 1)
        self.assertEqual(wizard.invalid_count, 5)
        self.assertNotIn("@x.com", wizard.unmatched_preview or "")

    def test_f14_request_wizard_says_what_was_skipped(self):
        Wizard = self.env["gdpr.consent.request.wizard"].with_user(self.user_sales)
        wizard = Wizard.create(
            {
                "partner_ids": [Command.set((self.person | self.partner_2).ids)],
                "text_ids": [Command.set(self.text_newsletter.ids)],
            }
        )
        action = wizard.action_send()
        message = action["params"]["message"]
        self.assertIn("1 consent request(s) sent", message)
        self.assertIn("1 contact(s) or lead(s) you cannot read", message)
        self.assertNotIn(self.partner_2.name, message)
        self.assertEqual(action["params"]["type"], "warning")
        text_2 = self.env["gdpr.consent.text"].create(
            {
                "name": "Offers of company two",
                "body": "<p>Offers.</p>",
                "category_id": self.text_newsletter.category_id.id,
                "date_start": "2020-01-01",
                "company_id": self.company_2.id,
            }
        )
        wizard = Wizard.create(
            {
                "partner_ids": [Command.set(self.person.ids)],
                "text_ids": [Command.set(text_2.ids)],
            }
        )
        with self.assertRaisesRegex(UserError, "cannot read"):
            wizard.action_send()

    def test_f15_request_with_archived_texts_is_not_confirmed(self):
        text = self.env["gdpr.consent.text"].create(
            {
                "name": "Temporary wording",
                "body": "<p>Temporary wording.</p>",
                "category_id": self.text_newsletter.category_id.id,
                "date_start": "2020-01-01",
            }
        )
        request = self._ask(self.person, text)
        # the page was opened while the text was in force
        csrf = self._csrf(self._open(request._gdpr_confirmation_url()))
        text.active = False
        page = self._open(request._gdpr_confirmation_url())
        self.assertIn("no longer valid", page.text)
        self.assertNotIn("o_gdpr_confirm", page.text)
        path = f"/gdpr/consent/{request.id}/{request._gdpr_token()}"
        response = self._open(f"{path}/confirm", {"csrf_token": csrf})
        self.assertIn("no longer valid", response.text)
        self.assertNotIn("your consent is recorded", response.text)
        request.invalidate_recordset()
        self.assertEqual(request.state, "expired")
        self.assertFalse(request.consent_ids)
        self.assertEqual(request.text_ids, text)

    def test_f16_request_in_the_partners_company(self):
        user = new_test_user(
            self.env,
            login="gdpr_officer_ab",
            groups="sales_team.group_sale_manager,crm_gdpr.group_gdpr_officer",
            company_id=self.company.id,
            company_ids=[(6, 0, (self.company | self.company_2).ids)],
        )
        env = self.env(
            user=user,
            context=dict(
                self.env.context,
                allowed_company_ids=(self.company | self.company_2).ids,
            ),
        )
        requests, _skipped = env["gdpr.consent.request"]._gdpr_ask(
            env["res.partner"].browse((self.person | self.partner_2).ids),
            env["crm.lead"],
            env["gdpr.consent.text"].browse(self.text_newsletter.ids),
        )
        self.assertEqual(len(requests), 2)
        by_partner = {request.partner_id: request.company_id for request in requests}
        self.assertEqual(by_partner[self.partner_2], self.company_2)
        self.assertEqual(by_partner[self.person], self.company)

    def test_f17_request_name_is_set_by_the_system(self):
        request = self._ask(self.person, self.text_newsletter)
        self._login(self.user_sales)
        answer = self.call_kw(
            "gdpr.consent.request", "write", [[request.id], {"name": "Forged name"}]
        )
        self.assertRpcError(answer, "UserError")
        request.invalidate_recordset()
        self.assertEqual(request.name, "Anna Kowalska")

    def test_f18_withdrawal_that_blacklists_withdraws_the_bound_consents(self):
        marketing = self._consent(
            self.person, self.text_marketing, contact_channel_id=self.channel_email.id
        )
        newsletter = self._consent(
            self.person, self.text_newsletter, contact_channel_id=self.channel_email.id
        )
        self.assertTrue(newsletter.text_id.sync_blacklist)
        self._login(self.user_officer)
        answer = self.call_kw(
            "gdpr.consent", "write", [[marketing.id], {"active": False}]
        )
        self.assertNotIn("error", answer)
        (marketing | newsletter).invalidate_recordset()
        self.assertEqual(marketing.state, "withdrawn")
        self.assertEqual(newsletter.state, "withdrawn")
        self.assertEqual(
            newsletter.withdrawal_reason_id,
            self.env.ref("crm_gdpr.gdpr_withdrawal_reason_unsubscribe"),
        )
        self.assertEqual(
            self.env["mail.blacklist"].search_count(
                [("email", "=", "anna@example.com")]
            ),
            1,
        )
