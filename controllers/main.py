"""The public pages of SPEC section 10: the person acts without a login.

Thin controllers over model methods. Every page is reached through a link
signed with an HMAC of the database secret (``res.partner.
_gdpr_preferences_token``, ``gdpr.consent.request._gdpr_token``); a missing
record, a wrong token or a token of another record or company gets the same
plain 404. The records the signed link names are then read as superuser,
and only those: the model methods show and change nothing else.
"""

from werkzeug.exceptions import NotFound

from odoo import fields, http
from odoo.http import request

from ..utils import active_lang

# The longest browser name kept (a Char of the evidence holds 1,000).
USER_AGENT_LIMIT = 1000


def _visit():
    """The moment, IP address and browser of the person's act."""
    return {
        "at": fields.Datetime.now(),
        "ip": request.httprequest.remote_addr or False,
        "user_agent": (request.httprequest.user_agent.string or "")[:USER_AGENT_LIMIT]
        or False,
    }


def _as_public_user():
    """Act as the public user, whatever session the browser carries.

    The act is the data subject's: an employee logged in in the same browser
    must not be recorded as its author (creator, chatter, evidence log).
    """
    request.update_env(user=request.env.ref("base.public_user").id)


def _to_int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


class GdprPublicController(http.Controller):
    # ------------------------------------------------------------------
    # Preference page
    # ------------------------------------------------------------------
    def _preferences_partner(self, partner_id, token, company_id):
        """The signed partner and company, as superuser, or a 404."""
        _as_public_user()
        # sudo: the public visitor reads the one partner the signed link
        # names (checked just below) and nothing else.
        partner = request.env["res.partner"].sudo().browse(partner_id).exists()
        company = request.env["res.company"].sudo().browse(_to_int(company_id)).exists()
        if (
            not partner
            or not company
            or not partner._gdpr_check_preferences_token(company, token)
        ):
            raise NotFound()
        # An installed but inactive language cannot render the page.
        lang = active_lang(request.env, partner.lang, company.partner_id.lang)
        if lang:
            request.update_context(lang=lang)
            partner = partner.with_context(lang=lang)
        return partner.with_company(company), company

    def _preferences_url(self, partner, company, token, message=None):
        url = f"/gdpr/preferences/{partner.id}/{token}?company_id={company.id}"
        return f"{url}&message={message}" if message else url

    @http.route(
        "/gdpr/preferences/<int:partner_id>/<string:token>",
        type="http",
        auth="public",
        methods=["GET"],
        sitemap=False,
    )
    def gdpr_preferences(self, partner_id, token, company_id=None, message=None):
        partner, company = self._preferences_partner(partner_id, token, company_id)
        values = partner._gdpr_preferences_values(company)
        return request.render(
            "crm_gdpr.gdpr_preferences_page",
            {
                "partner": partner,
                "res_company": company,
                "consents": values["consents"],
                "texts": values["texts"],
                "message": message if message in ("withdrawn", "given") else None,
                "action_url": f"/gdpr/preferences/{partner.id}/{token}",
                "company_id": company.id,
            },
        )

    @http.route(
        "/gdpr/preferences/<int:partner_id>/<string:token>/withdraw",
        type="http",
        auth="public",
        methods=["POST"],
        sitemap=False,
    )
    def gdpr_preferences_withdraw(
        self, partner_id, token, company_id=None, consent_id=None, **kwargs
    ):
        partner, company = self._preferences_partner(partner_id, token, company_id)
        # sudo: the partner's own consent, checked by the model method.
        consent = request.env["gdpr.consent"].sudo().browse(_to_int(consent_id))
        if not partner._gdpr_withdraw_own_consent(company, consent.exists(), _visit()):
            raise NotFound()
        return request.redirect(
            self._preferences_url(partner, company, token, "withdrawn"), local=True
        )

    @http.route(
        "/gdpr/preferences/<int:partner_id>/<string:token>/give",
        type="http",
        auth="public",
        methods=["POST"],
        sitemap=False,
    )
    def gdpr_preferences_give(
        self, partner_id, token, company_id=None, text_id=None, **kwargs
    ):
        partner, company = self._preferences_partner(partner_id, token, company_id)
        # sudo: a public text, checked by the model method.
        text = request.env["gdpr.consent.text"].sudo().browse(_to_int(text_id))
        if not partner._gdpr_give_public_consent(company, text.exists(), _visit()):
            raise NotFound()
        return request.redirect(
            self._preferences_url(partner, company, token, "given"), local=True
        )

    # ------------------------------------------------------------------
    # Double opt-in
    # ------------------------------------------------------------------
    def _consent_request(self, request_id, token):
        _as_public_user()
        # sudo: the one request the signed link names (checked below).
        consent_request = (
            request.env["gdpr.consent.request"].sudo().browse(request_id).exists()
        )
        if not consent_request or not consent_request._gdpr_check_token(token):
            raise NotFound()
        lang = active_lang(
            request.env,
            consent_request.lang,
            consent_request.company_id.partner_id.lang,
        )
        if lang:
            request.update_context(lang=lang)
            consent_request = consent_request.with_context(lang=lang)
        return consent_request.with_company(consent_request.company_id)

    def _render_request(self, consent_request, token, answer=None, consents=None):
        already = consent_request.text_ids.browse()
        if answer == "confirm" and consents is not None:
            # Confirmed just now: the texts not registered again.
            already = consent_request._gdpr_valid_texts() - consents.text_id
        return request.render(
            "crm_gdpr.gdpr_consent_request_page",
            {
                "consent_request": consent_request,
                "res_company": consent_request.company_id,
                "expired": consent_request._gdpr_is_expired(),
                "no_longer_valid": not consent_request._gdpr_valid_texts(),
                "already_given": already,
                "new_consents": consents,
                "answer": answer,
                "action_url": f"/gdpr/consent/{consent_request.id}/{token}",
            },
        )

    @http.route(
        "/gdpr/consent/<int:request_id>/<string:token>",
        type="http",
        auth="public",
        methods=["GET"],
        sitemap=False,
    )
    def gdpr_consent_request(self, request_id, token, **kwargs):
        consent_request = self._consent_request(request_id, token)
        return self._render_request(consent_request, token)

    @http.route(
        "/gdpr/consent/<int:request_id>/<string:token>/confirm",
        type="http",
        auth="public",
        methods=["POST"],
        sitemap=False,
    )
    def gdpr_consent_request_confirm(self, request_id, token, **kwargs):
        consent_request = self._consent_request(request_id, token)
        consents = consent_request._gdpr_confirm(_visit())
        return self._render_request(
            consent_request, token, answer="confirm", consents=consents
        )

    @http.route(
        "/gdpr/consent/<int:request_id>/<string:token>/refuse",
        type="http",
        auth="public",
        methods=["POST"],
        sitemap=False,
    )
    def gdpr_consent_request_refuse(self, request_id, token, **kwargs):
        consent_request = self._consent_request(request_id, token)
        consent_request._gdpr_refuse(_visit())
        return self._render_request(consent_request, token, answer="refuse")
