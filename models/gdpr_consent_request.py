import contextvars
from contextlib import contextmanager
from datetime import timedelta

from odoo import api, fields, models, tools
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

from .gdpr_input import check_company_move, check_input_values

# The request's link is valid this many days unless the system parameter
# says otherwise.
DEFAULT_VALIDITY_DAYS = 30
VALIDITY_PARAM = "crm_gdpr.consent_request_validity_days"
TOKEN_SCOPE = "crm_gdpr-consent-request"
# Written by the server only: where the mail went and what the person did.
SERVER_FIELDS = (
    "state",
    "date_sent",
    "date_confirmed",
    "date_refused",
    "email",
    "lang",
)
# Fixed once the request is sent: who was asked, and for what.
SENT_LOCKED_FIELDS = ("partner_id", "lead_id", "text_ids", "company_id")

# True where server code records the life of a request. Not a context key:
# an RPC client sends the context.
_SERVER_WRITE = contextvars.ContextVar("crm_gdpr_request_server", default=False)


@contextmanager
def _server_write():
    token = _SERVER_WRITE.set(True)
    try:
        yield
    finally:
        _SERVER_WRITE.reset(token)


class GdprConsentRequest(models.Model):
    """Double opt-in: the person confirms consents by e-mail (SPEC section 10).

    A request names the giver (a contact and/or a lead), the e-mail it is
    sent to and the consent texts asked for. The mail carries a signed link
    to a public page that shows each text's wording; confirming there
    creates the consents (source "E-mail confirmation") with the moment, IP
    address and browser of the confirmation. A request is confirmed or
    refused once, and expires after the configured number of days.
    """

    _name = "gdpr.consent.request"
    _description = "GDPR Consent Request"
    _inherit = ["mail.thread"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    partner_id = fields.Many2one(
        "res.partner",
        string="Contact",
        index="btree_not_null",
        # The request is the mail that asked: it goes with the person or lead.
        ondelete="cascade",
        check_company=True,
        readonly=True,
    )
    lead_id = fields.Many2one(
        "crm.lead",
        index="btree_not_null",
        ondelete="cascade",
        check_company=True,
        readonly=True,
    )
    email = fields.Char(
        compute="_compute_email",
        store=True,
        help="The address the request is sent to (normalised): the contact's, "
        "else the lead's. A request asks the giver themselves.",
    )
    lang = fields.Char(
        string="Language",
        compute="_compute_email",
        store=True,
        help="The language of the mail and of the confirmation page.",
    )
    text_ids = fields.Many2many(
        "gdpr.consent.text",
        string="Consent Texts",
        check_company=True,
        readonly=True,
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("sent", "Sent"),
            ("confirmed", "Confirmed"),
            ("refused", "Refused"),
            ("expired", "Expired"),
        ],
        default="draft",
        required=True,
        readonly=True,
        index=True,
        tracking=True,
    )
    date_sent = fields.Datetime(readonly=True, tracking=True)
    date_expiry = fields.Datetime(
        string="Expires On",
        compute="_compute_date_expiry",
        store=True,
        help="After this moment the link no longer confirms anything.",
    )
    date_confirmed = fields.Datetime(readonly=True, tracking=True)
    date_refused = fields.Datetime(readonly=True, tracking=True)
    consent_ids = fields.One2many(
        "gdpr.consent",
        "request_id",
        string="Consents",
        readonly=True,
        context={"active_test": False},
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
        readonly=True,
    )

    @api.depends("partner_id", "lead_id", "email")
    def _compute_name(self):
        for request in self:
            giver = request.partner_id or request.lead_id
            request.name = giver.display_name or request.email or ""

    @api.depends("partner_id", "lead_id")
    def _compute_email(self):
        # On the giver only (not its later edits): where the mail went.
        for request in self:
            partner, lead = request.partner_id, request.lead_id
            request.email = tools.email_normalize(
                partner.email or lead.email_from or ""
            )
            request.lang = partner.lang or lead.lang_code or False

    @api.depends("date_sent")
    def _compute_date_expiry(self):
        days = self._gdpr_validity_days()
        for request in self:
            request.date_expiry = (
                request.date_sent + timedelta(days=days) if request.date_sent else False
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            check_input_values(self, vals)
            if not _SERVER_WRITE.get():
                self._check_server_fields(vals)
        # Nor through context defaults (a client sends the context).
        self = self.with_context(  # pylint: disable=context-overridden
            {
                key: value
                for key, value in self.env.context.items()
                if not (key.startswith("default_") and key[8:] in SERVER_FIELDS)
            }
        )
        requests = super().create(vals_list)
        requests._check_giver()
        return requests

    def write(self, vals):
        check_input_values(self, vals)
        check_company_move(self, vals)
        if not _SERVER_WRITE.get():
            self._check_server_fields(vals)
            if set(vals) & set(SENT_LOCKED_FIELDS) and any(
                request.state != "draft" for request in self
            ):
                raise UserError(
                    self.env._(
                        "A consent request that was sent keeps who was asked and "
                        "for what: ask again with a new request."
                    )
                )
        res = super().write(vals)
        if {"partner_id", "lead_id"} & set(vals):
            self._check_giver()
        return res

    def _check_server_fields(self, vals):
        given = [fname for fname in SERVER_FIELDS if fname in vals]
        if given:
            raise UserError(
                self.env._(
                    "“%s” of a consent request is set by the system.",
                    self._fields[given[0]]._description_string(self.env),
                )
            )

    def _check_giver(self):
        for request in self:
            if not request.partner_id and not request.lead_id:
                raise ValidationError(
                    self.env._("A consent request asks a contact or a lead.")
                )
            if request.lead_id.partner_id and request.partner_id not in (
                request.lead_id.partner_id,
            ):
                raise ValidationError(
                    self.env._("A consent request on a lead asks the lead's contact.")
                )

    # ------------------------------------------------------------------
    # Asking
    # ------------------------------------------------------------------
    @api.model
    def _gdpr_validity_days(self):
        # sudo: a system parameter, readable by administrators only.
        value = (
            self.env["ir.config_parameter"].sudo().get_param(VALIDITY_PARAM)
            or DEFAULT_VALIDITY_DAYS
        )
        try:
            return max(int(value), 1)
        except ValueError:
            return DEFAULT_VALIDITY_DAYS

    @api.model
    def _gdpr_ask(self, partners, leads, texts):
        """Ask ``partners`` and ``leads`` by e-mail to confirm ``texts``.

        Creates one request per giver with an e-mail address (a lead with a
        contact is asked through its contact, once) and queues the mails in
        one batch. Returns ``(requests, skipped)``: the givers without an
        e-mail address are skipped. The caller must read the givers and texts.
        """
        for records in (partners, leads, texts):
            # In the caller's environment (records may come with another).
            records = self.env[records._name].browse(records.ids)
            if records and records._filtered_access("read") != records:
                raise AccessError(
                    self.env._(
                        "You cannot ask for consent for a contact, lead or "
                        "consent text you cannot read."
                    )
                )
        if not texts:
            raise UserError(self.env._("Choose the consent texts to ask for."))
        today = fields.Date.context_today(self)
        not_valid = texts.filtered(lambda text: text.date_start > today)
        if not_valid:
            raise UserError(
                self.env._(
                    "The consent text “%s” is not in force yet.", not_valid[0].name
                )
            )
        company = self.env.company
        leads = leads.filtered(lambda lead: lead.partner_id not in partners)
        vals_list, skipped = [], []
        for partner in partners:
            email = tools.email_normalize(partner.email)
            if not email:
                skipped.append(partner.display_name)
                continue
            vals_list.append(
                {
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "text_ids": [(6, 0, texts.ids)],
                }
            )
        for lead in leads:
            email = tools.email_normalize(lead.partner_id.email or lead.email_from)
            if not email:
                skipped.append(lead.display_name)
                continue
            vals_list.append(
                {
                    "partner_id": lead.partner_id.id,
                    "lead_id": lead.id,
                    "company_id": company.id,
                    "text_ids": [(6, 0, texts.ids)],
                }
            )
        requests = self.create(vals_list)
        requests.action_send()
        return requests, skipped

    def action_send(self):
        """Queue the request mails of the draft requests, in one batch."""
        requests = self.filtered(lambda request: request.state == "draft")
        if not requests:
            return True
        template = self.env.ref("crm_gdpr.mail_template_gdpr_consent_request")
        # sudo: the mail queue is written by the template as Odoo's composer
        # does; only the mails of these requests are created. No notification
        # layout: rendered per mail, it would double the time of a batch of
        # thousands (the template carries the company's name itself).
        without_email = requests.filtered(lambda request: not request.email)
        if without_email:
            raise UserError(
                self.env._(
                    "%s has no valid e-mail address to ask.",
                    without_email[0].display_name,
                )
            )
        template.sudo().send_mail_batch(requests.ids)
        with _server_write():
            requests.write({"state": "sent", "date_sent": fields.Datetime.now()})
        return True

    # ------------------------------------------------------------------
    # The public page (called as superuser on the signed request only)
    # ------------------------------------------------------------------
    def _gdpr_token(self):
        self.ensure_one()
        return tools.hmac(self.env(su=True), TOKEN_SCOPE, self.id)

    def _gdpr_check_token(self, token):
        """Whether ``token`` is this request's signature (constant time)."""
        self.ensure_one()
        return bool(token) and tools.consteq(str(token), self._gdpr_token())

    def _gdpr_confirmation_url(self):
        self.ensure_one()
        return f"{self.get_base_url()}/gdpr/consent/{self.id}/{self._gdpr_token()}"

    def _gdpr_is_expired(self):
        self.ensure_one()
        return self.state == "expired" or (
            self.state == "sent"
            and self.date_expiry
            and self.date_expiry < fields.Datetime.now()
        )

    def _gdpr_lock(self):
        """Lock the request's row: of two confirmations sent at once (a
        double click), the second waits and then finds it answered."""
        self.env.cr.execute(
            SQL(
                "SELECT id FROM gdpr_consent_request WHERE id IN %s FOR UPDATE",
                tuple(self.ids),
            )
        )
        self.invalidate_recordset(["state"])

    def _gdpr_confirm(self, visit):
        """Create the consents asked for, once. Returns the new consents.

        A request answered already, or expired, creates nothing.
        """
        self.ensure_one()
        self._gdpr_lock()
        if self._gdpr_expire_if_due() or self.state != "sent":
            return self.env["gdpr.consent"]
        source = self.env.ref(
            "crm_gdpr.gdpr_consent_source_email_confirmation",
            raise_if_not_found=False,
        )
        today = fields.Date.context_today(self)
        texts = self.text_ids.filtered(
            lambda text: text.active and text.date_start <= today
        )
        vals_list = [
            {
                "partner_id": self.partner_id.id,
                "lead_id": self.lead_id.id,
                "text_id": text.id,
                "category_id": text.category_id.id,
                "source_id": source.id if source else False,
                "company_id": self.company_id.id,
                "request_id": self.id,
            }
            for text in texts
        ]
        consents = (
            self.env["gdpr.consent"]
            .with_company(self.company_id)
            .with_context(lang=self.lang or self.env.lang)
            ._gdpr_give_self_service(vals_list, visit)
        )
        with _server_write():
            self.write({"state": "confirmed", "date_confirmed": visit["at"]})
        return consents

    def _gdpr_refuse(self, visit):
        """Record the person's refusal, once."""
        self.ensure_one()
        self._gdpr_lock()
        if self._gdpr_expire_if_due() or self.state != "sent":
            return False
        with _server_write():
            self.write({"state": "refused", "date_refused": visit["at"]})
        return True

    def _gdpr_expire_if_due(self):
        if self.state == "sent" and self._gdpr_is_expired():
            with _server_write():
                self.write({"state": "expired"})
        return self.state == "expired"

    @api.model
    def _cron_gdpr_expire(self):
        """Daily: mark the requests whose link expired."""
        days = self._gdpr_validity_days()
        limit = fields.Datetime.now() - timedelta(days=days)
        expired = self.search([("state", "=", "sent"), ("date_sent", "<", limit)])
        with _server_write():
            expired.write({"state": "expired"})
