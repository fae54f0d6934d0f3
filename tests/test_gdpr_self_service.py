import json
import re
from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import HttpCase, new_test_user, tagged

USER_AGENT = "GdprTestBrowser/1.0 (phone)"


def _tamper(token):
    """``token`` with its last character changed."""
    return token[:-1] + ("1" if token.endswith("0") else "0")


class GdprSelfServiceCommon(HttpCase):
    """A person with consents in two companies, another person, public texts."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company_2 = cls.env["res.company"].create({"name": "GDPR Other Company"})
        cls.text_marketing = cls.env.ref("crm_gdpr.gdpr_consent_text_marketing")
        cls.text_newsletter = cls.env.ref("crm_gdpr.gdpr_consent_text_newsletter")
        cls.text_profiling = cls.env.ref("crm_gdpr.gdpr_consent_text_profiling")
        cls.text_newsletter.public = True
        cls.partner = cls.env["res.partner"].create(
            {"name": "Anna Kowalska", "email": "anna@example.com", "lang": "en_US"}
        )
        cls.other = cls.env["res.partner"].create(
            {"name": "Jan Nowak", "email": "jan@example.com"}
        )
        Consent = cls.env["gdpr.consent"]
        cls.consent = Consent.create(
            {
                "partner_id": cls.partner.id,
                "category_id": cls.text_marketing.category_id.id,
                "text_id": cls.text_marketing.id,
            }
        )
        cls.other_consent = Consent.create(
            {
                "partner_id": cls.other.id,
                "category_id": cls.text_profiling.category_id.id,
                "text_id": cls.text_profiling.id,
            }
        )
        cls.text_company_2 = cls.env["gdpr.consent.text"].create(
            {
                "name": "Offers of the other company",
                "body": "<p>Offers of the other company by e-mail.</p>",
                "category_id": cls.text_profiling.category_id.id,
                "date_start": "2020-01-01",
                "company_id": cls.company_2.id,
            }
        )
        cls.consent_company_2 = Consent.with_company(cls.company_2).create(
            {
                "partner_id": cls.partner.id,
                "category_id": cls.text_company_2.category_id.id,
                "text_id": cls.text_company_2.id,
                "company_id": cls.company_2.id,
            }
        )

    def _url(self, partner=None, company=None):
        partner = partner or self.partner
        return partner._gdpr_preferences_url(company or self.company)

    def _get(self, url):
        return self.url_open(url, headers={"User-Agent": USER_AGENT})

    def _csrf(self, response):
        match = re.search(r'name="csrf_token" value="([^"]+)"', response.text)
        self.assertTrue(match, "the page's forms carry Odoo's CSRF token")
        return match.group(1)

    def _post(self, url, data):
        return self.url_open(
            url, data=data, headers={"User-Agent": USER_AGENT}, allow_redirects=True
        )


@tagged("post_install", "-at_install")
class TestGdprPreferencePage(GdprSelfServiceCommon):
    def test_page_lists_own_active_consents_of_the_company(self):
        response = self._get(self._url())
        self.assertEqual(response.status_code, 200)
        self.assertIn("Anna Kowalska", response.text)
        self.assertIn("Marketing communication", response.text)
        self.assertIn("sending me marketing information", response.text)
        # the public text offered, not another person's nor company's data
        self.assertIn("Newsletter subscription", response.text)
        self.assertNotIn("Jan Nowak", response.text)
        self.assertNotIn("Profiling and analytics", response.text)
        self.assertNotIn("Offers of the other company", response.text)
        self.assertIn("width=device-width", response.text, "phone screens")

    def test_page_of_the_other_company_shows_its_consents_only(self):
        response = self._get(self._url(company=self.company_2))
        self.assertEqual(response.status_code, 200)
        self.assertIn("Offers of the other company", response.text)
        self.assertNotIn("Marketing communication", response.text)

    def test_wrong_tokens_get_a_plain_404(self):
        url = self._url()
        token = url.split("/gdpr/preferences/", 1)[1].split("/")[1].split("?")[0]
        other_url = self._url(self.other)
        other_token = other_url.split("/")[-1].split("?")[0]
        base = f"/gdpr/preferences/{self.partner.id}"
        for bad in (
            f"{base}/{_tamper(token)}?company_id={self.company.id}",  # tampered
            f"{base}/{other_token}?company_id={self.company.id}",  # swapped
            f"{base}/{token}?company_id={self.company_2.id}",  # other company
            f"{base}/{token}",  # no company
            f"/gdpr/preferences/{self.other.id}/{token}?company_id={self.company.id}",
            f"/gdpr/preferences/999999999/{token}?company_id={self.company.id}",
        ):
            response = self._get(bad)
            self.assertEqual(response.status_code, 404, bad)
            self.assertNotIn("Anna", response.text)
            self.assertNotIn("Marketing communication", response.text)

    def test_withdraw_in_one_click_records_moment_ip_and_browser(self):
        url = self._url()
        page = self._get(url)
        path = url.split("?")[0]
        before = fields.Datetime.now().replace(microsecond=0)
        response = self._post(
            f"{path}/withdraw",
            {
                "csrf_token": self._csrf(page),
                "company_id": self.company.id,
                "consent_id": self.consent.id,
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("Your consent is withdrawn", response.text)
        self.consent.invalidate_recordset()
        self.assertEqual(self.consent.state, "withdrawn")
        self.assertEqual(
            self.consent.withdrawal_reason_id,
            self.env.ref("crm_gdpr.gdpr_withdrawal_reason_request"),
        )
        self.assertEqual(
            self.consent.withdrawal_source_id,
            self.env.ref("crm_gdpr.gdpr_withdrawal_source_preference_page"),
        )
        self.assertGreaterEqual(self.consent.withdrawn_at, before)
        self.assertLessEqual(self.consent.withdrawn_at, fields.Datetime.now())
        self.assertEqual(self.consent.withdrawn_ip, "127.0.0.1")
        self.assertEqual(self.consent.withdrawn_user_agent, USER_AGENT)
        # the withdrawal path of the model: the address is blacklisted
        self.assertTrue(
            self.env["mail.blacklist"].search([("email", "=", "anna@example.com")])
        )
        # an evidence event, with no IP address or browser in clear
        event = self.env["gdpr.evidence.event"].search(
            [("res_model", "=", "gdpr.consent"), ("res_id", "=", self.consent.id)],
            order="id desc",
            limit=1,
        )
        self.assertEqual(event.event_type, "consent_withdrawn")
        evidence = json.loads(event.payload)["evidence"]
        self.assertEqual(
            evidence["withdrawn_at"],
            fields.Datetime.to_string(self.consent.withdrawn_at),
        )
        self.assertNotIn("127.0.0.1", event.payload)
        self.assertNotIn("GdprTestBrowser", event.payload)
        self.assertTrue(evidence["withdrawn_ip"])
        (result,) = self.env["gdpr.evidence.event"].sudo().verify_chain(self.company)
        self.assertTrue(result["ok"], result["mismatch"])

    def test_actions_with_wrong_tokens_get_a_404(self):
        url = self._url()
        page = self._get(url)
        token = url.split("?")[0].rsplit("/", 1)[1]
        other_token = self._url(self.other).split("?")[0].rsplit("/", 1)[1]
        for path in (
            f"/gdpr/preferences/{self.partner.id}/{_tamper(token)}",
            f"/gdpr/preferences/{self.partner.id}/{other_token}",
            f"/gdpr/preferences/{self.other.id}/{token}",
        ):
            for action, data in (
                ("withdraw", {"consent_id": self.consent.id}),
                ("give", {"text_id": self.text_newsletter.id}),
            ):
                response = self._post(
                    f"{path}/{action}",
                    dict(data, csrf_token=self._csrf(page), company_id=self.company.id),
                )
                self.assertEqual(response.status_code, 404, f"{path}/{action}")
        self.consent.invalidate_recordset()
        self.assertEqual(self.consent.state, "active")
        self.assertFalse(
            self.env["gdpr.consent"].search(
                [
                    ("text_id", "=", self.text_newsletter.id),
                    ("confirmed_at", "!=", False),
                ]
            )
        )

    def test_withdrawing_another_persons_consent_gets_a_404(self):
        url = self._url()
        page = self._get(url)
        path = url.split("?")[0]
        for consent in (self.other_consent, self.consent_company_2):
            response = self._post(
                f"{path}/withdraw",
                {
                    "csrf_token": self._csrf(page),
                    "company_id": self.company.id,
                    "consent_id": consent.id,
                },
            )
            self.assertEqual(response.status_code, 404)
            consent.invalidate_recordset()
            self.assertEqual(consent.state, "active")

    def test_post_without_csrf_token_is_refused(self):
        path = self._url().split("?")[0]
        response = self._post(
            f"{path}/withdraw",
            {"company_id": self.company.id, "consent_id": self.consent.id},
        )
        self.assertEqual(response.status_code, 400)
        self.consent.invalidate_recordset()
        self.assertEqual(self.consent.state, "active")

    def test_give_a_public_consent(self):
        url = self._url()
        page = self._get(url)
        path = url.split("?")[0]
        response = self._post(
            f"{path}/give",
            {
                "csrf_token": self._csrf(page),
                "company_id": self.company.id,
                "text_id": self.text_newsletter.id,
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("your consent is recorded", response.text)
        given = self.env["gdpr.consent"].search(
            [
                ("partner_id", "=", self.partner.id),
                ("text_id", "=", self.text_newsletter.id),
            ]
        )
        self.assertEqual(len(given), 1)
        self.assertEqual(
            given.source_id,
            self.env.ref("crm_gdpr.gdpr_consent_source_preference_page"),
        )
        self.assertEqual(given.company_id, self.company)
        self.assertEqual(given.contact_value, "anna@example.com")
        self.assertEqual(given.confirmed_ip, "127.0.0.1")
        self.assertEqual(given.confirmed_user_agent, USER_AGENT)
        self.assertTrue(given.confirmed_at)
        # given once: the text is no longer offered, a second post is refused
        response = self._post(
            f"{path}/give",
            {
                "csrf_token": self._csrf(page),
                "company_id": self.company.id,
                "text_id": self.text_newsletter.id,
            },
        )
        self.assertEqual(response.status_code, 404)

    def test_giving_a_text_not_public_gets_a_404(self):
        url = self._url()
        page = self._get(url)
        path = url.split("?")[0]
        for text in (self.text_profiling, self.text_company_2):
            response = self._post(
                f"{path}/give",
                {
                    "csrf_token": self._csrf(page),
                    "company_id": self.company.id,
                    "text_id": text.id,
                },
            )
            self.assertEqual(response.status_code, 404)
        self.assertFalse(
            self.env["gdpr.consent"].search(
                [("partner_id", "=", self.partner.id), ("confirmed_at", "!=", False)]
            )
        )

    def test_page_in_the_persons_language(self):
        self.env["res.lang"]._activate_lang("pl_PL")
        self.env["ir.module.module"]._load_module_terms(["crm_gdpr"], ["pl_PL"])
        self.partner.lang = "pl_PL"
        response = self._get(self._url())
        self.assertEqual(response.status_code, 200)
        self.assertIn('lang="pl-PL"', response.text)
        self.assertIn("Twoje zgody", response.text)
        self.assertIn("Wycofaj tę zgodę", response.text)


@tagged("post_install", "-at_install")
class TestGdprConsentRequest(GdprSelfServiceCommon):
    def _ask(self, partners=None, texts=None):
        requests, skipped = self.env["gdpr.consent.request"]._gdpr_ask(
            partners or self.partner,
            self.env["crm.lead"],
            texts or (self.text_newsletter | self.text_profiling),
        )
        return requests, skipped

    def test_ask_queues_a_mail_with_the_wording_and_the_link(self):
        nobody = self.env["res.partner"].create({"name": "No Mail"})
        requests, skipped = self._ask(self.partner | nobody)
        self.assertEqual(len(requests), 1)
        self.assertEqual(skipped, ["No Mail"])
        self.assertEqual(requests.state, "sent")
        self.assertEqual(requests.email, "anna@example.com")
        mail = self.env["mail.mail"].search(
            [("model", "=", "gdpr.consent.request"), ("res_id", "=", requests.id)]
        )
        self.assertEqual(len(mail), 1)
        self.assertIn("anna@example.com", mail.email_to)
        self.assertIn(requests._gdpr_confirmation_url(), mail.body_html)
        self.assertIn("sending me the newsletter", mail.body_html)
        self.assertIn("Profiling and analytics", mail.body_html)

    def test_ask_a_lead(self):
        lead = self.env["crm.lead"].create(
            {"name": "Website lead", "email_from": "lead@example.com"}
        )
        requests, _skipped = self.env["gdpr.consent.request"]._gdpr_ask(
            self.env["res.partner"], lead, self.text_newsletter
        )
        self.assertEqual(requests.lead_id, lead)
        self.assertEqual(requests.email, "lead@example.com")
        page = self._get(requests._gdpr_confirmation_url())
        self._post(
            f"/gdpr/consent/{requests.id}/{requests._gdpr_token()}/confirm",
            {"csrf_token": self._csrf(page)},
        )
        self.assertEqual(requests.consent_ids.lead_id, lead)
        self.assertEqual(requests.consent_ids.contact_value, "lead@example.com")

    def test_confirm_creates_the_consents_once(self):
        request, _skipped = self._ask()
        url = request._gdpr_confirmation_url()
        page = self._get(url)
        self.assertEqual(page.status_code, 200)
        self.assertIn("sending me the newsletter", page.text)
        path = f"/gdpr/consent/{request.id}/{request._gdpr_token()}"
        response = self._post(f"{path}/confirm", {"csrf_token": self._csrf(page)})
        self.assertEqual(response.status_code, 200)
        self.assertIn("your consent is recorded", response.text)
        request.invalidate_recordset()
        self.assertEqual(request.state, "confirmed")
        self.assertTrue(request.date_confirmed)
        consents = request.consent_ids
        self.assertEqual(consents.text_id, self.text_newsletter | self.text_profiling)
        self.assertEqual(
            consents.source_id,
            self.env.ref("crm_gdpr.gdpr_consent_source_email_confirmation"),
        )
        for consent in consents:
            self.assertEqual(consent.partner_id, self.partner)
            self.assertEqual(consent.confirmed_ip, "127.0.0.1")
            self.assertEqual(consent.confirmed_user_agent, USER_AGENT)
            self.assertEqual(consent.confirmed_at, request.date_confirmed)
        # confirmed twice (a second click, the link opened again): nothing new
        response = self._post(f"{path}/confirm", {"csrf_token": self._csrf(page)})
        self.assertEqual(response.status_code, 200)
        request.invalidate_recordset()
        self.assertEqual(request.consent_ids, consents)
        self.assertEqual(
            self.env["gdpr.consent"].search_count(
                [("partner_id", "=", self.partner.id), ("request_id", "!=", False)]
            ),
            2,
        )

    def test_refuse_creates_nothing(self):
        request, _skipped = self._ask()
        page = self._get(request._gdpr_confirmation_url())
        path = f"/gdpr/consent/{request.id}/{request._gdpr_token()}"
        response = self._post(f"{path}/refuse", {"csrf_token": self._csrf(page)})
        self.assertIn("you gave no consent", response.text)
        self._post(f"{path}/confirm", {"csrf_token": self._csrf(page)})
        request.invalidate_recordset()
        self.assertEqual(request.state, "refused")
        self.assertFalse(request.consent_ids)

    def test_expired_request_confirms_nothing(self):
        with freeze_time(fields.Datetime.now() - timedelta(days=40)):
            request, _skipped = self._ask()
        page = self._get(request._gdpr_confirmation_url())
        self.assertIn("This link has expired", page.text)
        self.assertNotIn("o_gdpr_confirm", page.text)
        path = f"/gdpr/consent/{request.id}/{request._gdpr_token()}"
        self._post(
            f"{path}/confirm", {"csrf_token": self._csrf(self._get(self._url()))}
        )
        request.invalidate_recordset()
        self.assertEqual(request.state, "expired")
        self.assertFalse(request.consent_ids)

    def test_cron_expires_old_requests(self):
        with freeze_time(fields.Datetime.now() - timedelta(days=40)):
            old, _skipped = self._ask()
        recent, _skipped = self._ask()
        self.env["gdpr.consent.request"]._cron_gdpr_expire()
        self.assertEqual(old.state, "expired")
        self.assertEqual(recent.state, "sent")

    def test_wrong_request_tokens_get_a_404(self):
        request, _skipped = self._ask()
        other, _skipped = self._ask(self.other)
        token = request._gdpr_token()
        for bad in (
            f"/gdpr/consent/{request.id}/{_tamper(token)}",
            f"/gdpr/consent/{request.id}/{other._gdpr_token()}",
            f"/gdpr/consent/{other.id}/{token}",
            # a preference token is no request token
            f"/gdpr/consent/{request.id}/"
            + self.partner._gdpr_preferences_token(self.company),
        ):
            response = self._get(bad)
            self.assertEqual(response.status_code, 404, bad)
            self.assertNotIn("newsletter", response.text)
        page = self._get(request._gdpr_confirmation_url())
        for action in ("confirm", "refuse"):
            response = self._post(
                f"/gdpr/consent/{other.id}/{token}/{action}",
                {"csrf_token": self._csrf(page)},
            )
            self.assertEqual(response.status_code, 404)
            response = self._post(
                f"/gdpr/consent/{request.id}/{_tamper(token)}/{action}",
                {"csrf_token": self._csrf(page)},
            )
            self.assertEqual(response.status_code, 404)
        other.invalidate_recordset()
        request.invalidate_recordset()
        self.assertFalse(other.consent_ids)
        self.assertEqual((request | other).mapped("state"), ["sent", "sent"])

    def test_confirmation_page_in_polish(self):
        self.env["res.lang"]._activate_lang("pl_PL")
        self.env["ir.module.module"]._load_module_terms(["crm_gdpr"], ["pl_PL"])
        self.partner.lang = "pl_PL"
        request, _skipped = self._ask()
        self.assertEqual(request.lang, "pl_PL")
        page = self._get(request._gdpr_confirmation_url())
        self.assertIn("Potwierdzam", page.text)
        mail = self.env["mail.mail"].search(
            [("model", "=", "gdpr.consent.request"), ("res_id", "=", request.id)]
        )
        self.assertIn("Potwierdź", mail.subject + mail.body_html)

    def test_clients_cannot_write_the_persons_act(self):
        user = new_test_user(
            self.env,
            login="gdpr_ss_officer",
            groups="sales_team.group_sale_salesman,crm_gdpr.group_gdpr_officer",
        )
        Consent = self.env["gdpr.consent"].with_user(user)
        vals = {
            "partner_id": self.other.id,
            "category_id": self.text_newsletter.category_id.id,
            "text_id": self.text_newsletter.id,
        }
        for fname, value in (
            ("confirmed_ip", "10.0.0.1"),
            ("confirmed_at", "2026-01-01 10:00:00"),
            ("withdrawn_user_agent", "forged"),
        ):
            with self.assertRaises(UserError):
                Consent.create(dict(vals, **{fname: value}))
            with self.assertRaises(UserError):
                self.consent.with_user(user).write({fname: value})
        # nor through a context default
        consent = Consent.with_context(default_confirmed_ip="10.0.0.1").create(vals)
        self.assertFalse(consent.confirmed_ip)
