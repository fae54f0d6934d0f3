from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .common import GdprConsentCommon

VISIT = {"ip": "192.0.2.10", "user_agent": "Mozilla/5.0 (Android 14; Mobile)"}


@tagged("post_install", "-at_install")
class TestGdprConsentRequestModel(GdprConsentCommon):
    """ "Ask for consent by e-mail" and the evidence of the person's act."""

    def _visit(self):
        return dict(VISIT, at=fields.Datetime.now())

    def _ask(self, partners, texts=None, user=None):
        Request = self.env["gdpr.consent.request"]
        if user:
            Request = Request.with_user(user)
        return Request._gdpr_ask(
            partners, self.env["crm.lead"], texts or self.text_newsletter
        )

    def test_wizard_from_the_contact_list(self):
        officer = self.user_officer
        action_context = {
            "active_model": "res.partner",
            "active_ids": (self.partner | self.other_partner).ids,
        }
        form = Form(
            self.env["gdpr.consent.request.wizard"]
            .with_user(officer)
            .with_context(**action_context)
        )
        form.text_ids.add(self.text_newsletter)
        wizard = form.save()
        action = wizard.action_send()
        self.assertEqual(action["params"]["type"], "success")
        requests = self.env["gdpr.consent.request"].search(
            [("partner_id", "in", (self.partner | self.other_partner).ids)]
        )
        self.assertEqual(len(requests), 2)
        self.assertEqual(set(requests.mapped("state")), {"sent"})
        self.assertEqual(requests.create_uid, officer)

    def test_wizard_from_leads_asks_a_lead_with_a_contact_once(self):
        lead = self.env["crm.lead"].create(
            {"name": "Fair", "partner_id": self.partner.id}
        )
        lead_alone = self.env["crm.lead"].create(
            {"name": "Web form", "email_from": "web@example.com"}
        )
        wizard = (
            self.env["gdpr.consent.request.wizard"]
            .with_context(active_model="crm.lead", active_ids=(lead | lead_alone).ids)
            .create({"text_ids": [(6, 0, self.text_newsletter.ids)]})
        )
        wizard.action_send()
        requests = self.env["gdpr.consent.request"].search(
            [("lead_id", "in", (lead | lead_alone).ids)]
        )
        self.assertEqual(len(requests), 2)
        self.assertEqual(
            requests.filtered(lambda r: r.lead_id == lead).email, "anna@example.com"
        )

    def test_user_without_gdpr_rights_cannot_ask(self):
        with self.assertRaises(AccessError):
            self.env["gdpr.consent.request.wizard"].with_user(
                self.user_internal
            ).create({"text_ids": [(6, 0, self.text_newsletter.ids)]})

    def test_asking_for_a_partner_one_cannot_read_is_refused(self):
        private = self.env["res.partner"].create(
            {
                "name": "Company B client",
                "email": "b@example.com",
                "company_id": self.company_2.id,
            }
        )
        with self.assertRaises(AccessError):
            self._ask(private, user=self.user_officer)

    def test_text_not_in_force_is_refused(self):
        future = self.env["gdpr.consent.text"].create(
            {
                "name": "Future",
                "body": "<p>Later</p>",
                "category_id": self.category_marketing.id,
                "date_start": "2999-01-01",
            }
        )
        with self.assertRaisesRegex(UserError, "not in force"):
            self._ask(self.partner, future)

    def test_the_persons_act_is_locked_evidence(self):
        (request,), _skipped = self._ask(self.partner)
        consent = request._gdpr_confirm(self._visit())
        self.assertEqual(consent.confirmed_ip, VISIT["ip"])
        # even the administrator changes nothing of it
        for vals in (
            {"confirmed_ip": "10.0.0.1"},
            {"confirmed_at": "2020-01-01 00:00:00"},
            {"confirmed_user_agent": False},
        ):
            with self.assertRaises(UserError):
                consent.write(vals)
        self.assertEqual(consent.confirmed_ip, VISIT["ip"])

    def test_sql_change_of_the_ip_address_is_found(self):
        (request,), _skipped = self._ask(self.partner)
        consent = request._gdpr_confirm(self._visit())
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE gdpr_consent SET confirmed_ip = '10.6.6.6' WHERE id = %s",
            [consent.id],
        )
        self.env.invalidate_all()
        (result,) = self.env["gdpr.evidence.event"].verify_chain(self.company)
        self.assertFalse(result["ok"])
        self.assertIn("confirmed_ip", result["mismatch"])

    def test_erasure_removes_the_ip_address_and_browser(self):
        (request,), _skipped = self._ask(self.partner)
        consent = request._gdpr_confirm(self._visit())
        consent.with_user(self.user_officer)._privacy_lookup_erase()
        self.assertFalse(consent.confirmed_ip)
        self.assertFalse(consent.confirmed_user_agent)
        self.assertTrue(consent.confirmed_at, "the moment stays: no personal data")
        (result,) = self.env["gdpr.evidence.event"].verify_chain(self.company)
        self.assertTrue(result["ok"], result["mismatch"])

    def test_withdrawal_by_the_person_is_logged_once(self):
        consent = self._create_consent()
        consent._gdpr_withdraw_self_service(self._visit())
        self.assertEqual(consent.withdrawn_ip, VISIT["ip"])
        with self.assertRaises(UserError):
            consent.write({"withdrawn_ip": "10.0.0.1"})
        (result,) = self.env["gdpr.evidence.event"].verify_chain(self.company)
        self.assertTrue(result["ok"], result["mismatch"])

    def test_request_can_be_erased_by_the_officer(self):
        (request,), _skipped = self._ask(self.partner)
        consent = request._gdpr_confirm(self._visit())
        # a confirmed request is the evidence of the double opt-in: the
        # privacy lookup anonymizes it, it is never deleted (red team 15, F8)
        with self.assertRaises(UserError):
            request.with_user(self.user_officer).unlink()
        request.with_user(self.user_officer)._privacy_lookup_erase()
        self.assertFalse(request.partner_id)
        self.assertFalse(request.email)
        self.assertEqual(consent.request_id, request)
        self.assertEqual(consent.confirmed_ip, VISIT["ip"])
        (result,) = self.env["gdpr.evidence.event"].verify_chain(self.company)
        self.assertTrue(result["ok"], result["mismatch"])

    def test_preferences_url_is_signed_per_person_and_company(self):
        url = self.partner._gdpr_preferences_url()
        self.assertIn(f"/gdpr/preferences/{self.partner.id}/", url)
        self.assertIn(f"company_id={self.company.id}", url)
        token = self.partner._gdpr_preferences_token(self.company)
        self.assertTrue(self.partner._gdpr_check_preferences_token(self.company, token))
        self.assertFalse(
            self.partner._gdpr_check_preferences_token(self.company_2, token)
        )
        self.assertFalse(
            self.other_partner._gdpr_check_preferences_token(self.company, token)
        )
        self.assertFalse(self.partner._gdpr_check_preferences_token(self.company, ""))

    def test_clients_cannot_forge_where_the_request_goes(self):
        """A request asks the giver at the giver's own address: a user cannot
        send it to another address, nor mark it sent or confirmed."""
        Request = self.env["gdpr.consent.request"].with_user(self.user_sales)
        for vals in (
            {"email": "me@attacker.example"},
            {"state": "sent"},
            {"state": "confirmed"},
            {"date_confirmed": "2026-01-01 10:00:00"},
        ):
            with self.assertRaises(UserError):
                Request.create(dict(vals, partner_id=self.partner.id))
        request = Request.with_context(
            default_email="me@attacker.example", default_state="confirmed"
        ).create({"partner_id": self.partner.id})
        self.assertEqual(request.email, "anna@example.com")
        self.assertEqual(request.state, "draft")
        with self.assertRaises(UserError):
            request.write({"email": "me@attacker.example"})
        request.write({"text_ids": [(6, 0, self.text_newsletter.ids)]})
        request.action_send()
        self.assertEqual(request.state, "sent")
        with self.assertRaises(UserError):
            request.write({"partner_id": self.other_partner.id})
        with self.assertRaises(UserError):
            request.write({"text_ids": [(6, 0, self.text_profiling.ids)]})

    def test_a_request_on_a_lead_asks_its_contact(self):
        lead = self.env["crm.lead"].create(
            {"name": "Fair", "partner_id": self.partner.id}
        )
        with self.assertRaises(ValidationError):
            self.env["gdpr.consent.request"].create(
                {"lead_id": lead.id, "partner_id": self.other_partner.id}
            )
        with self.assertRaises(ValidationError):
            self.env["gdpr.consent.request"].create({})
