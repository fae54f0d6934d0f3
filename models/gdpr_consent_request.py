import contextvars
from datetime import timedelta

from odoo import api, fields, models, tools
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

from ..utils import active_lang, context_var_set, normalize_email, record_id

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
    "date_expiry",
    "name",
)
# Fixed once the request is sent: who was asked, and for what.
SENT_LOCKED_FIELDS = ("partner_id", "lead_id", "text_ids", "company_id")

# True where server code records the life of a request. Not a context key:
# an RPC client sends the context.
_SERVER_WRITE = contextvars.ContextVar("crm_gdpr_request_server", default=False)


def _server_write():
    return context_var_set(_SERVER_WRITE)


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
    _inherit = ["gdpr.value.check.mixin", "mail.thread"]
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
        help="The address the request is sent to (normalized): the contact's, "
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
        # What was asked stays shown when a text is archived later.
        context={"active_test": False},
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
            # An installed but inactive language cannot render the mail.
            request.lang = active_lang(
                self.env,
                partner.lang,
                lead.lang_code,
                request.company_id.partner_id.lang,
            )

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
            if not _SERVER_WRITE.get():
                self._check_server_fields(vals)
        self._check_readable_givers(vals_list)
        for vals in vals_list:
            if not vals.get("company_id"):
                vals["company_id"] = self._gdpr_giver_company(vals).id
        self._check_giver_company(vals_list)
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
        self._gdpr_check_company_move(vals)
        self._check_readable_givers([vals])
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

    @api.model
    def _check_readable_givers(self, vals_list):
        """Refuse a request for a contact, lead or text the user cannot read.

        Checked before anything is computed from them (the request's name and
        e-mail) and before the company check, whose message names them: the
        AccessError names nothing (SPEC 8).
        """
        message = self.env._(
            "You cannot ask for consent for a contact, lead or consent text "
            "you cannot read."
        )
        self._gdpr_check_readable_values(vals_list, ("partner_id", "lead_id"), message)
        if self.env.su:
            return
        text_ids = set()
        for vals in vals_list:
            for command in vals.get("text_ids") or ():
                if isinstance(command, (list, tuple)) and command:
                    if command[0] == 6 and len(command) > 2:
                        text_ids.update(command[2] or ())
                    elif command[0] == 4 and len(command) > 1:
                        text_ids.add(command[1])
                elif isinstance(command, int):
                    text_ids.add(command)
        if text_ids:
            texts = (
                self.env["gdpr.consent.text"]
                .with_context(active_test=False)
                .browse(text_ids)
                .exists()
            )
            if len(texts) != len(text_ids) or texts._filtered_access("read") != texts:
                raise AccessError(message)

    @api.model
    def _gdpr_giver_company(self, vals):
        """The company a request for the giver of ``vals`` is made in: the
        giver's company when the user works in it, else the current one."""
        # record_id/exists: the values are checked for their type after this
        # (gdpr.value.check.mixin), an unknown id is refused there.
        giver = self.env["res.partner"].browse(record_id(vals.get("partner_id")) or ())
        lead = self.env["crm.lead"].browse(record_id(vals.get("lead_id")) or ())
        giver, lead = giver.exists(), lead.exists()
        company = lead.company_id or giver.company_id
        if company and company in self.env.companies:
            return company
        return self.env.company

    @api.model
    def _check_giver_company(self, vals_list):
        """A clear message, naming nothing, for a giver of another company."""
        for vals in vals_list:
            company = self.env["res.company"].browse(
                record_id(vals["company_id"]) or ()
            )
            for model, fname in (
                ("res.partner", "partner_id"),
                ("crm.lead", "lead_id"),
            ):
                if not vals.get(fname):
                    continue
                record = self.env[model].browse(record_id(vals[fname]) or ()).exists()
                if record.company_id and record.company_id != company:
                    raise UserError(
                        self.env._(
                            "The contact or lead belongs to a company you do not "
                            "work in now: switch to that company to ask for consent."
                        )
                    )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_confirmed(self):
        # The proof of the double opt-in (SPEC 7): which e-mail was asked,
        # when, for what, and that the person confirmed.
        if any(request.state == "confirmed" for request in self):
            raise UserError(
                self.env._(
                    "A confirmed consent request is the evidence of the "
                    "consents it created and cannot be deleted; to erase the "
                    "person's data, use the Privacy Lookup."
                )
            )

    def _privacy_lookup_erase(self):
        """The privacy lookup's "Delete": erase the personal data, keep the
        request (as consents are anonymized, not deleted)."""
        if not self.env.user.has_group("crm_gdpr.group_gdpr_officer"):
            raise AccessError(
                self.env._(
                    "Only the data protection officer can erase the data of "
                    "consent requests."
                )
            )
        self.check_access("write")
        names = ", ".join(str(request.id) for request in self)
        # sudo: the erasure empties the giver and the address the request
        # was sent to; checked for the officer above.
        requests = self.sudo()
        requests.message_ids.unlink()
        requests._write_erasure(
            {"partner_id": False, "lead_id": False, "email": False, "name": False}
        )
        return self.env._(
            "%s: contact, lead and e-mail address removed; the request is kept",
            names,
        )

    def _write_erasure(self, vals):
        """Write past the checks of :meth:`write` (a giver is required),
        untracked: the logged erasure only (private, server code)."""
        # pylint: disable=super-method-mismatch
        return super(GdprConsentRequest, self.with_context(mail_notrack=True)).write(
            vals
        )

    def _privacy_lookup_erase_message(self, details):
        return self.env._("Anonymized consent request %(details)s", details=details)

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
        for company, company_requests in requests.grouped("company_id").items():
            template.sudo().send_mail_batch(
                company_requests.ids,
                email_values={"email_from": self._gdpr_email_from(company)},
            )
        with _server_write():
            requests.write({"state": "sent", "date_sent": fields.Datetime.now()})
        return True

    @api.model
    def _gdpr_email_from(self, company):
        """The sender of ``company``'s consent requests.

        The company asks, never the employee who launched the request: the
        company's address, else its catchall (``email_formatted``), else the
        default sender of its alias domain or of the server, under the
        company's name. Without any of them the requests are not sent:
        Odoo would send them from the user's own address.

        :raise UserError: when ``company`` has no address to send from
        """
        if company.email_formatted:
            return company.email_formatted
        default_from = (
            self.env["ir.mail_server"].with_company(company)._get_default_from_address()
        )
        if default_from:
            return tools.formataddr((company.name, default_from))
        raise UserError(
            self.env._(
                "%s has no e-mail address to send the consent requests from: set "
                "the company's e-mail address (Settings → Companies) or an "
                "alias domain first.",
                company.name,
            )
        )

    # ------------------------------------------------------------------
    # The public page (called as superuser on the signed request only)
    # ------------------------------------------------------------------
    def _gdpr_token(self):
        self.ensure_one()
        return tools.hmac(self.env(su=True), TOKEN_SCOPE, self.id)

    def _gdpr_check_token(self, token):
        """Whether ``token`` is this request's signature (constant time)."""
        self.ensure_one()
        # consteq compares ASCII strings only: any other token is wrong.
        return (
            isinstance(token, str)
            and token.isascii()
            and bool(token)
            and tools.consteq(token, self._gdpr_token())
        )

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

    def _gdpr_valid_texts(self):
        """The texts of the request that can still be consented to."""
        self.ensure_one()
        today = fields.Date.context_today(self)
        return self.text_ids.filtered(
            lambda text: text.active and text.date_start <= today
        )

    def _gdpr_already_given_texts(self, texts):
        """Of ``texts``, those the person already consents to in the
        request's company, with an active consent bound to the request's
        e-mail (confirming them again would register a second one)."""
        self.ensure_one()
        giver = [("partner_id", "=", self.partner_id.id)]
        if not self.partner_id:
            giver = [("lead_id", "=", self.lead_id.id)]
        consents = self.env["gdpr.consent"].search(
            [
                ("state", "=", "active"),
                ("company_id", "=", self.company_id.id),
                ("text_id", "in", texts.ids),
                *giver,
            ]
        )
        bound = consents.filtered(
            lambda consent: (
                self.email
                in (
                    normalize_email(consent.contact_value),
                    consent.partner_id.email_normalized,
                    consent.lead_id.email_normalized,
                )
            )
        )
        return bound.text_id

    def _gdpr_confirm(self, visit):
        """Create the consents asked for, once. Returns the new consents.

        A request answered already, or expired, creates nothing. A request
        whose texts are all archived or no longer in force cannot be
        confirmed: it expires with a note. The texts the person already
        consents to (bound to the same e-mail) are skipped, with a note.
        """
        self.ensure_one()
        self._gdpr_lock()
        if self._gdpr_expire_if_due() or self.state != "sent":
            return self.env["gdpr.consent"]
        texts = self._gdpr_valid_texts()
        if not texts:
            with _server_write():
                self.write({"state": "expired"})
            self._message_log(
                body=self.env._(
                    "The person opened the link, but none of the consent texts "
                    "asked for is valid any more: nothing can be confirmed and "
                    "the request expired."
                )
            )
            return self.env["gdpr.consent"]
        already = self._gdpr_already_given_texts(texts)
        source = self.env.ref(
            "crm_gdpr.gdpr_consent_source_email_confirmation",
            raise_if_not_found=False,
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
            for text in texts - already
        ]
        consents = (
            self.env["gdpr.consent"]
            .with_company(self.company_id)
            .with_context(lang=active_lang(self.env, self.lang, self.env.lang))
            ._gdpr_give_self_service(vals_list, visit)
        )
        with _server_write():
            self.write({"state": "confirmed", "date_confirmed": visit["at"]})
        if already:
            self._message_log(
                body=self.env._(
                    "Already consented, not registered again: %s",
                    ", ".join(already.mapped("name")),
                )
            )
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
