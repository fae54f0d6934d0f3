import contextvars
import hashlib
import secrets
from collections import defaultdict
from contextlib import contextmanager

from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models, tools
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, format_date

from ..utils import active_lang, context_var_set, normalize_email
from .gdpr_evidence_mixin import evidence_exception
from .gdpr_jobs import process_groups

# Personal data, emptied by the logged erasure (Art. 17) for good.
PERSONAL_FIELDS = (
    "partner_id",
    "lead_id",
    "address_id",
    "contact_channel_id",
    "contact_value",
)
# Withdrawal data: none while active, kept as recorded once withdrawn.
WITHDRAWAL_FIELDS = ("date_withdrawn", "withdrawal_reason_id", "withdrawal_source_id")
# Channel kinds that designate a contact datum (the address kind does not).
CONTACT_KINDS = ("email", "phone", "mobile")
# What the public pages record of the person's own act (SPEC section 10):
# the moment, the IP address and the browser. Written by
# :func:`self_service` blocks of server code only; the IP address and the
# browser are personal data (erased with the giver).
CONFIRMATION_FIELDS = ("confirmed_at", "confirmed_ip", "confirmed_user_agent")
SELF_WITHDRAWAL_FIELDS = ("withdrawn_at", "withdrawn_ip", "withdrawn_user_agent")
SELF_SERVICE_FIELDS = (*CONFIRMATION_FIELDS, *SELF_WITHDRAWAL_FIELDS, "request_id")
SELF_SERVICE_PERSONAL_FIELDS = (
    "confirmed_ip",
    "confirmed_user_agent",
    "withdrawn_ip",
    "withdrawn_user_agent",
)

# True in the block where server code records an act of the person on a
# public page. Not a context key: an RPC client sends the context.
_SELF_SERVICE = contextvars.ContextVar("crm_gdpr_self_service", default=False)


# Normalized e-mail addresses being synchronized between the consents and
# the blacklist in this thread: a consent withdrawal that blacklists its
# address withdraws no other consent, and a blacklist addition that
# withdraws consents does not add the address again (no loop).
_BLACKLIST_SYNC = contextvars.ContextVar("crm_gdpr_blacklist_sync", default=frozenset())


@contextmanager
def _blacklist_sync(emails):
    token = _BLACKLIST_SYNC.set(_BLACKLIST_SYNC.get() | frozenset(emails))
    try:
        yield
    finally:
        _BLACKLIST_SYNC.reset(token)


def self_service():
    """Let server code write the moment, IP address and browser of the
    person's own act (the public pages, see ``controllers/main.py``)."""
    return context_var_set(_SELF_SERVICE)


class GdprConsent(models.Model):
    _name = "gdpr.consent"
    _description = "GDPR Consent"
    _inherit = ["gdpr.value.check.mixin", "gdpr.evidence.mixin", "mail.thread"]
    _order = "date_given desc, id desc"
    _rec_name = "name"
    _check_company_auto = True

    # Evidence (SPEC section 7, see gdpr.evidence.mixin)
    _gdpr_identifier_field = "name"
    _gdpr_identifier_sequence = "gdpr.consent"
    _gdpr_locked_fields = (
        "text_id",
        "text_body",
        "category_id",
        "date_given",
        "source_id",
        "contact_channel_id",
        "contact_value",
        "address_id",
        "attachment_id",
        "company_id",
        # Where the consent was collected; the opportunity merge moves it
        # (recorded, see _gdpr_move_to_lead).
        "lead_id",
        # The person's own confirmation (SPEC section 10).
        *CONFIRMATION_FIELDS,
        "request_id",
    )
    # The lead hand-over (section 2) fills an empty giver; the person's own
    # withdrawal is recorded once.
    _gdpr_locked_once_set_fields = ("partner_id", *SELF_WITHDRAWAL_FIELDS)
    _gdpr_technical_fields = (
        "state",
        "retention_expired",
        "is_anonymized",
        "source_company_id",
        "withdrawal_source_company_id",
        "evidence_salt",
    )
    _gdpr_copy_refused = True
    _gdpr_unlink_refused = True
    _gdpr_append_only_chatter = True
    _gdpr_evidence_log = True

    def _default_category_id(self):
        return self.env["gdpr.consent.category"]._get_default()

    def _default_source_id(self):
        return self.env["gdpr.consent.source"]._get_default()

    # Identification and giver
    name = fields.Char(
        string="Consent ID",
        required=True,
        readonly=True,
        copy=False,
        index="trigram",
        default=lambda self: _("New"),
        help="Assigned by the system at creation; it never changes.",
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Consent Giver",
        index=True,
        ondelete="restrict",
        check_company=True,
        tracking=True,
        help="The person or company giving the consent. Once set it never changes.",
    )
    lead_id = fields.Many2one(
        "crm.lead",
        index="btree_not_null",
        ondelete="restrict",
        check_company=True,
        tracking=True,
        help="The lead or opportunity where the consent was collected. When "
        "the lead gets a customer, the consent gets it as its giver.",
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
        tracking=True,
    )

    # What was consented to
    category_id = fields.Many2one(
        "gdpr.consent.category",
        required=True,
        index=True,
        ondelete="restrict",
        check_company=True,
        default=lambda self: self._default_category_id(),
        tracking=True,
    )
    text_id = fields.Many2one(
        "gdpr.consent.text",
        string="Title",
        required=True,
        index=True,
        ondelete="restrict",
        check_company=True,
        tracking=True,
        help="The consent text in force the giver agreed to.",
    )
    text_body = fields.Html(
        string="Consented Wording",
        compute="_compute_text_body",
        store=True,
        precompute=True,
        readonly=True,
        # The wording is sanitized on the text already and the snapshot can
        # only be copied from it: sanitizing each copy again costs much in
        # bulk grants and could alter the proof.
        sanitize=False,
        help="Copy of the text's wording at the moment of consent (proof of "
        "what was consented to, GDPR Art. 7(1)). It never changes afterwards.",
    )
    attachment_id = fields.Many2one(
        "ir.attachment",
        string="Related Terms",
        compute="_compute_attachment_id",
        store=True,
        precompute=True,
        readonly=False,
        ondelete="restrict",
        tracking=True,
    )
    date_given = fields.Date(
        required=True,
        # The consent list's default order (_order) reads it: its first page
        # stays an index scan at a million consents (make bench FULL=1).
        index=True,
        default=fields.Date.context_today,
        tracking=True,
    )
    source_id = fields.Many2one(
        "gdpr.consent.source",
        ondelete="restrict",
        check_company=True,
        default=lambda self: self._default_source_id(),
        tracking=True,
    )
    source_company_id = fields.Many2one(
        "res.company",
        string="Source (Company)",
        compute="_compute_source_company_id",
        store=True,
        precompute=True,
        help="Without a source the consent records the company as its source.",
    )

    # Related address and contact datum
    applies_to_addresses = fields.Boolean(related="text_id.applies_to_addresses")
    applies_to_contacts = fields.Boolean(related="text_id.applies_to_contacts")
    address_id = fields.Many2one(
        "res.partner",
        string="Related Address",
        compute="_compute_address_id",
        store=True,
        readonly=False,
        ondelete="restrict",
        tracking=True,
        help="The giver's address the consent concerns (the giver itself or "
        "one of its addresses).",
    )
    available_channel_ids = fields.Many2many(
        "gdpr.channel",
        compute="_compute_available_channel_ids",
        help="Contact channels of the text for which the giver has a value.",
    )
    contact_channel_id = fields.Many2one(
        "gdpr.channel",
        string="Related Contact",
        compute="_compute_contact_channel_id",
        store=True,
        readonly=False,
        ondelete="restrict",
        check_company=True,
        tracking=True,
    )
    contact_value = fields.Char(
        compute="_compute_contact_value",
        store=True,
        readonly=False,
        tracking=True,
        help="The email or phone number as it was at consent time.",
    )

    # Withdrawal
    active = fields.Boolean(
        default=True,
        help="Untick to withdraw the consent. A withdrawn consent is never "
        "re-activated: register a new one instead.",
    )
    state = fields.Selection(
        [("active", "Active"), ("withdrawn", "Withdrawn")],
        compute="_compute_state",
        store=True,
        precompute=True,
        index=True,
        tracking=True,
    )
    # Defaults of the withdrawal, computed when Active is unticked; none
    # while active; never changed once withdrawn.
    date_withdrawn = fields.Date(
        string="Withdrawal Date",
        compute="_compute_date_withdrawn",
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
    )
    withdrawal_reason_id = fields.Many2one(
        "gdpr.withdrawal.reason",
        compute="_compute_withdrawal_reason_id",
        store=True,
        readonly=False,
        precompute=True,
        ondelete="restrict",
        check_company=True,
        tracking=True,
    )
    withdrawal_source_id = fields.Many2one(
        "gdpr.withdrawal.source",
        compute="_compute_withdrawal_source_id",
        store=True,
        readonly=False,
        precompute=True,
        ondelete="restrict",
        check_company=True,
        tracking=True,
    )
    withdrawal_source_company_id = fields.Many2one(
        "res.company",
        string="Withdrawal Source (Company)",
        compute="_compute_withdrawal_source_company_id",
        store=True,
        precompute=True,
        help="Without a withdrawal source the consent records the company as "
        "the source of the withdrawal.",
    )

    # The person's own act on a public page (SPEC section 10, Art. 7(1))
    confirmed_at = fields.Datetime(
        readonly=True,
        copy=False,
        help="The moment the person gave the consent themselves (e-mail "
        "confirmation or preference page).",
    )
    confirmed_ip = fields.Char(
        string="Confirmed from IP Address",
        readonly=True,
        copy=False,
        help="The IP address the person confirmed the consent from.",
    )
    confirmed_user_agent = fields.Char(
        string="Confirmed with Browser",
        readonly=True,
        copy=False,
        help="The browser (user agent) the person confirmed the consent with.",
    )
    request_id = fields.Many2one(
        "gdpr.consent.request",
        string="Consent Request",
        readonly=True,
        copy=False,
        index="btree_not_null",
        # The request is the proof of the double opt-in: kept while consents
        # name it (the privacy lookup anonymizes it, see the request).
        ondelete="restrict",
        help="The e-mail request (double opt-in) the person confirmed.",
    )
    withdrawn_at = fields.Datetime(
        string="Withdrawn by the Person At",
        readonly=True,
        copy=False,
        help="The moment the person withdrew the consent on the preference page.",
    )
    withdrawn_ip = fields.Char(
        string="Withdrawn from IP Address",
        readonly=True,
        copy=False,
    )
    withdrawn_user_agent = fields.Char(
        string="Withdrawn with Browser",
        readonly=True,
        copy=False,
    )

    # Erasure and retention (Art. 17, Art. 5(1)(e))
    is_anonymized = fields.Boolean(
        string="Anonymized",
        readonly=True,
        copy=False,
        help="The personal data of this consent were erased (privacy lookup or "
        "retention): only the anonymous fact of the consent remains.",
    )
    retention_expired = fields.Boolean(
        readonly=True,
        copy=False,
        index=True,
        help="Set by the daily retention job when the consent was withdrawn "
        "longer ago than its category's retention period.",
    )
    evidence_salt = fields.Char(
        readonly=True,
        copy=False,
        default=lambda self: secrets.token_hex(16),
        help="Random key of the digests of the giver, lead, address and contact "
        "value in the evidence log; destroyed by the erasure, so that the log "
        "cannot be linked to the person any more.",
    )

    _sql_constraints = [
        ("name_uniq", "unique (name)", "The consent ID must be unique."),
    ]

    def init(self):
        # The partners' consent status per company (res.partner's
        # gdpr_active_category_ids and gdpr_consent_state searches) reads
        # this index only.
        tools.create_index(
            self.env.cr,
            "gdpr_consent_active_status_index",
            self._table,
            ["category_id", "company_id", "partner_id"],
            where="state = 'active' AND partner_id IS NOT NULL",
        )

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends("text_id")
    def _compute_text_body(self):
        Lang = self.env["res.lang"]
        fallback = None
        for consent in self:
            lang = consent.partner_id.lang
            if not (lang and Lang._get_code(lang)):
                # An installed but inactive language cannot render: once.
                fallback = fallback or active_lang(self.env, self.env.lang)
                lang = fallback
            consent.text_body = consent.text_id.with_context(
                lang=lang
            )._gdpr_sanitized_body()

    @api.depends("text_id")
    def _compute_attachment_id(self):
        for consent in self:
            consent.attachment_id = consent.text_id.attachment_id

    @api.depends("source_id", "company_id")
    def _compute_source_company_id(self):
        for consent in self:
            consent.source_company_id = (
                consent.company_id if not consent.source_id else False
            )

    @api.depends("text_id", "partner_id")
    def _compute_address_id(self):
        for consent in self:
            if not consent.text_id.applies_to_addresses or not consent.partner_id:
                consent.address_id = False
            elif not (
                consent.address_id
                and consent.address_id._gdpr_is_address_of(consent.partner_id)
            ):
                consent.address_id = consent.partner_id

    @api.depends("text_id", "partner_id", "lead_id")
    def _compute_available_channel_ids(self):
        all_contact_channels = self.env["gdpr.channel"].search(
            [("kind", "in", CONTACT_KINDS)]
        )
        for consent in self:
            if not consent.text_id.applies_to_contacts:
                consent.available_channel_ids = False
                continue
            consent.available_channel_ids = self._gdpr_giver_channels(
                consent.text_id,
                consent.partner_id or consent.lead_id,
                all_contact_channels,
            )

    @api.depends("text_id", "partner_id", "lead_id")
    def _compute_contact_channel_id(self):
        for consent in self:
            if not consent.text_id.applies_to_contacts:
                consent.contact_channel_id = False
            elif consent.contact_channel_id not in consent.available_channel_ids:
                consent.contact_channel_id = consent.available_channel_ids[:1]

    @api.depends("contact_channel_id")
    def _compute_contact_value(self):
        # Depends on the channel only: the value is a snapshot taken when the
        # channel is chosen and does not follow later edits of the partner.
        for consent in self:
            consent.contact_value = consent._get_giver_contact_value(
                consent.contact_channel_id
            )

    @api.depends("active")
    def _compute_state(self):
        for consent in self:
            consent.state = "active" if consent.active else "withdrawn"

    @api.depends("active")
    def _compute_date_withdrawn(self):
        today = fields.Date.context_today(self)
        for consent in self:
            if consent.active:
                consent.date_withdrawn = False
            elif not consent.date_withdrawn:
                consent.date_withdrawn = today

    @api.depends("active")
    def _compute_withdrawal_reason_id(self):
        self._compute_withdrawal_default("withdrawal_reason_id")

    @api.depends("active")
    def _compute_withdrawal_source_id(self):
        self._compute_withdrawal_default("withdrawal_source_id")

    def _compute_withdrawal_default(self, fname):
        """Empty while active; the dictionary's default once withdrawn."""
        Dictionary = self.env[self._fields[fname].comodel_name]
        defaults = {}
        for consent in self:
            if consent.active:
                consent[fname] = False
            elif not consent[fname]:
                company = consent.company_id
                if company not in defaults:
                    defaults[company] = Dictionary._get_default(company)
                consent[fname] = defaults[company]

    @api.depends("withdrawal_source_id", "company_id", "state")
    def _compute_withdrawal_source_company_id(self):
        for consent in self:
            consent.withdrawal_source_company_id = (
                consent.company_id
                if consent.state == "withdrawn" and not consent.withdrawal_source_id
                else False
            )

    # ------------------------------------------------------------------
    # Constraints and onchanges
    # ------------------------------------------------------------------
    @api.constrains("partner_id", "lead_id")
    def _check_giver(self):
        if self.filtered(
            lambda consent: (
                not consent.partner_id
                and not consent.lead_id
                and not consent.is_anonymized
            )
        ):
            raise ValidationError(
                _("A consent needs its giver (a contact) or the lead it comes from.")
            )

    @api.constrains("active", *WITHDRAWAL_FIELDS)
    def _check_active_without_withdrawal(self):
        """On the stored values: context defaults bypass the create checks."""
        for consent in self.filtered("active"):
            for fname in WITHDRAWAL_FIELDS:
                if consent[fname]:
                    consent._check_no_withdrawal_data({fname: True})

    @api.constrains("date_given")
    def _check_date_given(self):
        today = fields.Date.context_today(self)
        for consent in self:
            if consent.date_given > today:
                raise ValidationError(
                    _(
                        "Consent %(name)s: the date given (%(date)s) cannot be in "
                        "the future.",
                        name=consent.name,
                        date=format_date(self.env, consent.date_given),
                    )
                )

    @api.constrains("text_id", "category_id", "date_given")
    def _check_text_id(self):
        for consent in self:
            if consent.text_id.category_id != consent.category_id:
                raise ValidationError(
                    _(
                        "The consent text “%(text)s” belongs to the category "
                        "“%(text_category)s”, not to “%(category)s”.",
                        text=consent.text_id.name,
                        text_category=consent.text_id.category_id.name,
                        category=consent.category_id.name,
                    )
                )
            if consent.text_id.date_start > consent.date_given:
                raise ValidationError(
                    _(
                        "The consent text “%(text)s” is valid from %(date_start)s "
                        "only: it cannot be consented to on %(date)s.",
                        text=consent.text_id.name,
                        date_start=format_date(self.env, consent.text_id.date_start),
                        date=format_date(self.env, consent.date_given),
                    )
                )

    @api.constrains("date_withdrawn", "date_given", "active")
    def _check_date_withdrawn(self):
        today = fields.Date.context_today(self)
        for consent in self:
            if consent.active:
                if consent.date_withdrawn:
                    raise ValidationError(
                        _(
                            "Consent %s is active: it has no withdrawal date.",
                            consent.name,
                        )
                    )
                continue
            if not consent.date_withdrawn:
                raise ValidationError(
                    _("Consent %s is withdrawn: set its withdrawal date.", consent.name)
                )
            if consent.date_withdrawn < consent.date_given:
                raise ValidationError(
                    _(
                        "Consent %(name)s: the withdrawal date (%(date_withdrawn)s) "
                        "cannot be before the date given (%(date_given)s).",
                        name=consent.name,
                        date_withdrawn=format_date(self.env, consent.date_withdrawn),
                        date_given=format_date(self.env, consent.date_given),
                    )
                )
            if consent.date_withdrawn > today:
                raise ValidationError(
                    _(
                        "Consent %(name)s: the withdrawal date (%(date)s) cannot be "
                        "in the future.",
                        name=consent.name,
                        date=format_date(self.env, consent.date_withdrawn),
                    )
                )

    @api.constrains("address_id", "text_id", "partner_id")
    def _check_address_id(self):
        for consent in self:
            if not consent.address_id:
                continue
            if not consent.text_id.applies_to_addresses:
                raise ValidationError(
                    _(
                        "The consent text “%s” does not concern addresses: leave "
                        "the related address empty.",
                        consent.text_id.name,
                    )
                )
            if not consent.address_id._gdpr_is_address_of(consent.partner_id):
                raise ValidationError(
                    _(
                        "The address “%(address)s” is not an active address of "
                        "the consent giver %(giver)s.",
                        address=consent.address_id.display_name,
                        giver=consent.partner_id.display_name or _("(none)"),
                    )
                )

    @api.constrains("contact_channel_id", "contact_value", "text_id")
    def _check_contact_channel_id(self):
        for consent in self:
            channel = consent.contact_channel_id
            if not channel:
                if consent.contact_value:
                    raise ValidationError(
                        _("Choose the channel of the related contact value.")
                    )
                continue
            text = consent.text_id
            if not text.applies_to_contacts:
                raise ValidationError(
                    _(
                        "The consent text “%s” does not concern contacts: leave the "
                        "related contact empty.",
                        text.name,
                    )
                )
            if channel.kind not in CONTACT_KINDS or (
                text.channel_ids and channel not in text.channel_ids
            ):
                raise ValidationError(
                    _(
                        "The channel “%(channel)s” is not covered by the consent "
                        "text “%(text)s”.",
                        channel=channel.name,
                        text=text.name,
                    )
                )
            if not consent.contact_value:
                raise ValidationError(
                    _(
                        "The consent giver has no %(channel)s: the related contact "
                        "needs a value.",
                        channel=channel.name,
                    )
                )
            if consent.contact_value != consent._get_giver_contact_value(channel):
                raise ValidationError(
                    _(
                        "“%(value)s” is not the %(channel)s of the consent giver: "
                        "the related contact records the giver's own data.",
                        value=consent.contact_value[:50],
                        channel=channel.name,
                    )
                )

    @api.constrains("attachment_id", "text_id")
    def _check_attachment_id(self):
        for consent in self:
            attachment = consent.attachment_id
            if not attachment or attachment == consent.text_id.attachment_id:
                continue
            # sudo: only where the file belongs is compared, nothing is shown.
            owner = attachment.sudo()
            if owner.res_model != self._name or owner.res_id != consent.id:
                raise ValidationError(
                    _(
                        "The related terms of a consent are its text's document "
                        "or a file attached to the consent itself."
                    )
                )

    @api.model
    def _check_source_access(self, vals_list):
        """Refuse consents for a giver, lead or text the user cannot read.

        Checked before anything is computed from them (the giver's e-mail,
        the text's wording): the AccessError names none of them (SPEC 8).
        """
        self._gdpr_check_readable_values(
            vals_list,
            ("partner_id", "lead_id", "text_id", "address_id"),
            _(
                "You cannot register a consent for a contact, lead or "
                "consent text you cannot read."
            ),
        )

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    def onchange(self, values, field_names, fields_spec):
        # The form computes the wording, contact value, channels, address
        # and document from the giver, lead and text: refuse those the user
        # cannot read before anything is computed from them (SPEC 8).
        self._check_source_access([values])
        return super().onchange(values, field_names, fields_spec)

    @api.model_create_multi
    def create(self, vals_list):
        self._check_source_access(vals_list)
        if not _SELF_SERVICE.get():
            self._check_no_self_service_values(vals_list)
            # Nor through context defaults (a client sends the context).
            self = self.with_context(  # pylint: disable=context-overridden
                {
                    key: value
                    for key, value in self.env.context.items()
                    if not (
                        key.startswith("default_") and key[8:] in SELF_SERVICE_FIELDS
                    )
                }
            )
        for vals in vals_list:
            # The snapshot always comes from the text, never from the caller.
            vals.pop("text_body", None)
            if vals.get("active", True) is not False:
                self._check_no_withdrawal_data(vals)
        consents = super().create(vals_list)
        # Registered already withdrawn (an import of history): both happened.
        self.env["gdpr.evidence.event"]._gdpr_append(
            consents.filtered(lambda consent: not consent.active), "consent_withdrawn"
        )
        return consents

    def write(self, vals):
        self._gdpr_check_company_move(vals)
        self._check_source_access([vals])
        if not _SELF_SERVICE.get():
            self._check_no_self_service_values([vals])
        if vals.get("active"):
            withdrawn = self.filtered(lambda consent: not consent.active)
            if withdrawn:
                raise UserError(
                    _(
                        "A withdrawn consent is never re-activated (%s). Register a "
                        "new consent instead.",
                        ", ".join(withdrawn.mapped("name")),
                    )
                )
        withdrawing = "active" in vals and not vals["active"]
        to_withdraw = self.filtered("active") if withdrawing else self.browse()
        res = super().write(vals)
        if to_withdraw:
            # Write (and lock) the withdrawal before its side effects: of two
            # concurrent withdrawals the second then fails on the consent
            # itself (and is retried), not on a blacklist entry the first one
            # added.
            to_withdraw.flush_recordset()
            to_withdraw._sync_blacklist()
        return res

    def _gdpr_unlink_refused_message(self):
        return _(
            "Consents are evidence and cannot be deleted. Withdraw a consent "
            "instead; to erase a person's data, use CRM → GDPR → Privacy "
            "Lookup (the erasure is logged)."
        )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_open_withdraw_wizard(self):
        """Open the withdrawal wizard with these consents ticked."""
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_gdpr.gdpr_consent_bulk_withdraw_action"
        )
        action["context"] = {
            "default_partner_ids": self.partner_id.ids,
            "default_lead_ids": self.filtered(lambda c: not c.partner_id).lead_id.ids,
            "default_consent_ids": self.filtered("active").ids,
        }
        return action

    def action_withdraw(self, date_withdrawn=None, reason=None, source=None):
        """Withdraw the active consents of ``self``.

        :param date_withdrawn: date of the withdrawal (default: today)
        :param reason: ``gdpr.withdrawal.reason`` (default: the default one)
        :param source: ``gdpr.withdrawal.source`` (default: the default one)
        """
        vals = {"active": False}
        if date_withdrawn:
            vals["date_withdrawn"] = date_withdrawn
        if reason:
            vals["withdrawal_reason_id"] = reason.id
        if source:
            vals["withdrawal_source_id"] = source.id
        consents = self.filtered("active")
        consents.write(vals)
        return consents

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------
    @api.model
    def _check_no_self_service_values(self, vals_list):
        """Refuse the record of the person's own act from anyone but the
        public pages: staff and integrators register consents, the person
        confirms them (SPEC section 10)."""
        for vals in vals_list:
            given = [fname for fname in SELF_SERVICE_FIELDS if vals.get(fname)]
            if given:
                self._gdpr_raise_not_writable(given[0])

    @api.model
    def _gdpr_give_self_service(self, vals_list, visit):
        """Create the consents the person gives on a public page.

        :param vals_list: values of the consents (giver, text, category,
            source, company, request)
        :param visit: ``{"at": datetime, "ip": str, "user_agent": str}``, the
            moment, IP address and browser of the person's act, recorded on
            each consent (Art. 7(1)). Called by the public pages' controllers
            as superuser on the records the signed link names.
        """
        for vals in vals_list:
            vals.update(
                {
                    "confirmed_at": visit["at"],
                    "confirmed_ip": visit["ip"],
                    "confirmed_user_agent": visit["user_agent"],
                }
            )
        with self_service():
            return self.create(vals_list)

    def _gdpr_withdraw_self_service(self, visit, reason=None, source=None):
        """Withdraw the active consents of ``self`` at the person's own act.

        Through the one withdrawal path (blacklist, evidence event), with the
        moment, IP address and browser of ``visit`` (see
        :meth:`_gdpr_give_self_service`). Default reason "Data subject's
        request", source "Preference page".
        """
        consents = self.filtered("active")
        if not consents:
            return consents
        reason = reason or self.env.ref(
            "crm_gdpr.gdpr_withdrawal_reason_request", raise_if_not_found=False
        )
        source = source or self.env.ref(
            "crm_gdpr.gdpr_withdrawal_source_preference_page",
            raise_if_not_found=False,
        )
        vals = {
            "active": False,
            "withdrawn_at": visit["at"],
            "withdrawn_ip": visit["ip"],
            "withdrawn_user_agent": visit["user_agent"],
        }
        if reason:
            vals["withdrawal_reason_id"] = reason.id
        if source:
            vals["withdrawal_source_id"] = source.id
        with self_service():
            consents.write(vals)
        return consents

    def _check_no_withdrawal_data(self, vals):
        """Refuse withdrawal data for a consent that stays active."""
        given = [fname for fname in WITHDRAWAL_FIELDS if vals.get(fname)]
        if given:
            raise ValidationError(
                _(
                    "An active consent carries no withdrawal date, reason or source "
                    "(“%s”). Untick Active to withdraw it with them.",
                    self._fields[given[0]]._description_string(self.env),
                )
            )

    def _gdpr_check_evidence_write(self, vals):
        """Consent rules of SPEC section 7 beyond the mixin's.

        Withdrawal happens once: an active consent that stays active gets no
        withdrawal data; a withdrawn consent keeps the withdrawal recorded
        (of two users withdrawing at once, the second does not overwrite it).
        """
        res = super()._gdpr_check_evidence_write(vals)
        erased = self.filtered("is_anonymized")
        if erased and any(vals.get(fname) for fname in PERSONAL_FIELDS):
            raise UserError(
                _(
                    "Consent %s was anonymized: personal data cannot be linked "
                    "to it again.",
                    erased[0].name,
                )
            )
        if vals.get("active", True) is not False and self.filtered("active"):
            self._check_no_withdrawal_data(vals)
        if vals.get("partner_id"):
            # sudo: only the lead's own partner is compared, nothing is shown.
            foreign = self.filtered(
                lambda consent: (
                    not consent.partner_id
                    and consent.lead_id.sudo().partner_id.id != vals["partner_id"]
                )
            )
            if foreign:
                raise UserError(
                    _(
                        "Consent %s was given on a lead: its giver is the contact "
                        "of that lead only (set the lead's contact).",
                        foreign[0].name,
                    )
                )
        withdrawn = self.filtered(lambda consent: not consent.active)
        for fname in WITHDRAWAL_FIELDS:
            if fname in vals and (
                changed := withdrawn._gdpr_changes(fname, vals[fname])
            ):
                raise UserError(
                    _(
                        "Consent %(name)s was already withdrawn on %(date)s: "
                        "its withdrawal is kept as it was recorded.",
                        name=changed[0].name,
                        date=format_date(self.env, changed[0].date_withdrawn),
                    )
                )
        return res

    def _gdpr_raise_locked(self, record, fname):
        if fname in ("partner_id", "lead_id"):
            raise UserError(
                _(
                    "Consent %(name)s: its %(field)s %(giver)s cannot change. "
                    "Withdraw it (reason “Registered by mistake”) and register "
                    "a new one.",
                    name=record.name,
                    field=self._fields[fname]._description_string(self.env),
                    giver=record[fname].display_name,
                )
            )
        raise UserError(
            _(
                "Consent %(name)s: “%(field)s” cannot change after the "
                "consent is registered. Withdraw it (reason “Registered "
                "by mistake”) and register a new one.",
                name=record.name,
                field=self._fields[fname]._description_string(self.env),
            )
        )

    @api.model
    def _gdpr_next_identifiers(self, vals_list):
        """Return new consent IDs from the ``gdpr.consent`` sequence.

        A standard sequence without date ranges hands out all numbers in one
        query, so that bulk creation costs no query per consent.
        """
        count = len(vals_list)
        if not count:
            return []
        # sudo: ir.sequence is readable by administrators only; only the
        # consent sequence is used.
        sequence = (
            self.env["ir.sequence"]
            .sudo()
            .search(
                [
                    ("code", "=", "gdpr.consent"),
                    ("company_id", "in", [self.env.company.id, False]),
                ],
                order="company_id",
                limit=1,
            )
        )
        if not sequence:
            raise UserError(_("The sequence of the consent IDs is missing."))
        if sequence.implementation != "standard" or sequence.use_date_range:
            return [sequence.next_by_id() for _i in range(count)]
        self.env.cr.execute(
            SQL(
                "SELECT nextval(%s) FROM generate_series(1, %s)",
                f"ir_sequence_{sequence.id:03d}",
                count,
            )
        )
        return [sequence.get_next_char(row[0]) for row in self.env.cr.fetchall()]

    def _gdpr_evidence_values(self):
        """The evidence of each consent, as the evidence log records it.

        Its ID, text, SHA-256 of the wording, category, date, source,
        channel, attachment and the SHA-256 of its content, withdrawal data,
        anonymization flag and company;
        the giver, lead, address and contact value as HMAC digests keyed by
        the consent's ``evidence_salt`` (never in clear). Extend the dict to
        log fields added by other modules.
        """
        Event = self.env["gdpr.evidence.event"]
        digest, keyed = Event._gdpr_digest, Event._gdpr_keyed_digest
        # One query from the database (after a flush), not the ORM's field
        # by field access: verify_chain() reads 100,000 consents in seconds.
        columns = [
            "name",
            "company_id",
            "category_id",
            "text_id",
            "text_body",
            "date_given",
            "source_id",
            "source_company_id",
            "contact_channel_id",
            "attachment_id",
            "partner_id",
            "lead_id",
            "address_id",
            "contact_value",
            "state",
            "date_withdrawn",
            "withdrawal_reason_id",
            "withdrawal_source_id",
            "withdrawal_source_company_id",
            "is_anonymized",
            "evidence_salt",
            *SELF_SERVICE_FIELDS,
        ]
        self.flush_recordset(columns)
        # sudo: the SHA-256 of the terms document, whoever may read it; one
        # digest per document (consents share their text's document).
        terms_sha256 = {
            attachment.id: hashlib.sha256(attachment.raw or b"").hexdigest()
            for attachment in self.attachment_id.sudo()
        }
        result = {}
        for start in range(0, len(self.ids), 10000):
            self.env.cr.execute(
                SQL(
                    "SELECT id, %s FROM gdpr_consent WHERE id IN %s",
                    SQL(", ").join(SQL.identifier(column) for column in columns),
                    tuple(self.ids[start : start + 10000]),
                )
            )
            for row in self.env.cr.fetchall():
                rid, values = row[0], dict(zip(columns, row[1:], strict=True))
                salt = values["evidence_salt"]

                def ref(model, rid_, salt=salt):
                    return keyed(salt, f"{model},{rid_}" if rid_ else None)

                result[rid] = {
                    "name": values["name"],
                    "company": values["company_id"],
                    "category": values["category_id"],
                    "text": values["text_id"],
                    "wording_sha256": digest(values["text_body"]),
                    "date_given": fields.Date.to_string(values["date_given"]) or None,
                    "source": values["source_id"],
                    "source_company": values["source_company_id"],
                    "channel": values["contact_channel_id"],
                    "attachment": values["attachment_id"],
                    "attachment_sha256": terms_sha256.get(values["attachment_id"]),
                    "giver": ref("res.partner", values["partner_id"]),
                    "lead": ref("crm.lead", values["lead_id"]),
                    "address": ref("res.partner", values["address_id"]),
                    "contact": keyed(salt, values["contact_value"]),
                    "state": values["state"],
                    "date_withdrawn": (
                        fields.Date.to_string(values["date_withdrawn"]) or None
                    ),
                    "withdrawal_reason": values["withdrawal_reason_id"],
                    "withdrawal_source": values["withdrawal_source_id"],
                    "withdrawal_source_company": values["withdrawal_source_company_id"],
                    "anonymized": bool(values["is_anonymized"]),
                }
                # The person's own act (SPEC section 10), logged only when
                # there was one: the evidence of other consents keeps its
                # keys. The IP address and browser are digests, as the giver.
                if values["confirmed_at"]:
                    result[rid].update(
                        confirmed_at=fields.Datetime.to_string(values["confirmed_at"]),
                        confirmed_ip=keyed(salt, values["confirmed_ip"]),
                        confirmed_user_agent=keyed(
                            salt, values["confirmed_user_agent"]
                        ),
                    )
                if values["withdrawn_at"]:
                    result[rid].update(
                        withdrawn_at=fields.Datetime.to_string(values["withdrawn_at"]),
                        withdrawn_ip=keyed(salt, values["withdrawn_ip"]),
                        withdrawn_user_agent=keyed(
                            salt, values["withdrawn_user_agent"]
                        ),
                    )
        return result

    def _gdpr_evidence_trigger_fields(self):
        return [
            *self._gdpr_locked_fields,
            *self._gdpr_locked_once_set_fields,
            *WITHDRAWAL_FIELDS,
            *SELF_SERVICE_FIELDS,
            "active",
            "name",
        ]

    @api.model
    def _gdpr_evidence_immutable_keys(self):
        return (
            *super()._gdpr_evidence_immutable_keys(),
            "company",
            "category",
            "text",
            "wording_sha256",
            "date_given",
            "source",
            "source_company",
            "confirmed_at",
        )

    @api.model
    def _gdpr_evidence_transition_errors(self, before, after, event_type):
        """Beyond the locked keys: the giver is filled once (moved by a merge
        only), the lead moves by a merge only, the personal data go only with
        the erasure, and the withdrawal and the erasure are never undone nor
        changed."""
        broken = set(
            super()._gdpr_evidence_transition_errors(before, after, event_type)
        )
        erasing = event_type == "consent_anonymized"
        merging = event_type == "consent_merged"
        # The lead hand-over: the giver's own contact data replace the lead's.
        handing_over = before.get("giver") is None and after.get("giver") is not None

        def changed(key):
            return before.get(key) != after.get(key)

        # The erasure removes the terms file too when it was a file of the
        # consent's own chatter (see _gdpr_erase_chatter_traces).
        for key in ("channel", "address", "contact", "attachment", "attachment_sha256"):
            if changed(key) and not (
                handing_over or merging or (erasing and after.get(key) is None)
            ):
                broken.add(key)
        if changed("giver") and not (
            before.get("giver") is None
            or merging
            or (erasing and after.get("giver") is None)
        ):
            broken.add("giver")
        if changed("lead") and not (merging or (erasing and after.get("lead") is None)):
            broken.add("lead")
        if before.get("state") == "withdrawn":
            broken.update(
                key
                for key in (
                    "state",
                    "date_withdrawn",
                    "withdrawal_reason",
                    "withdrawal_source",
                    "withdrawal_source_company",
                )
                if changed(key)
            )
        # The IP address and browser of the person's act go with the erasure
        # only; the person's withdrawal is recorded once.
        for key in ("confirmed_ip", "confirmed_user_agent"):
            if changed(key) and not (erasing and after.get(key) is None):
                broken.add(key)
        for key in ("withdrawn_at", "withdrawn_ip", "withdrawn_user_agent"):
            if (
                changed(key)
                and before.get("state") == "withdrawn"
                and not (erasing and key != "withdrawn_at" and after.get(key) is None)
            ):
                broken.add(key)
        if changed("anonymized") and not (erasing and after.get("anonymized")):
            broken.add("anonymized")
        return sorted(broken)

    def _gdpr_evidence_event_type_create(self):
        return "consent_given"

    def _gdpr_evidence_event_type_write(self, before, after, vals):
        if before["state"] == "active" and after["state"] == "withdrawn":
            return "consent_withdrawn"
        return "consent_updated"

    @api.model
    def _gdpr_grant(
        self, givers, lines, date_given, source=None, company=None, lead=None
    ):
        """Register one consent per giver and line: the bulk grant's rules.

        Called by the bulk-grant wizard and by its background job (see
        ``gdpr.bulk.job``), so a grant of any size follows the same rules.
        Each giver gets its own address (itself) and its own datum of the
        line's channel; a giver without that datum gets no consent for the
        line and is returned as skipped.

        :param givers: ``res.partner`` records, or one ``crm.lead`` (the
            consents are then registered on the lead only)
        :param lines: one dict per consent text: ``text_id`` and
            ``contact_channel_id`` (ids or False); with a single giver the
            user's own choices ``address_id`` and ``contact_value`` may be
            given and are used as they are
        :param date_given: the date of the consents
        :param source: ``gdpr.consent.source`` (optional)
        :param company: ``res.company`` (default: the current company)
        :param lead: ``crm.lead`` where the consents were collected (optional)
        :return: ``(consents, skipped)``: the consents created and the list
            of ``(giver, text)`` pairs that got none
        """
        company = company or self.env.company
        texts = self.env["gdpr.consent.text"].browse(
            [line["text_id"] for line in lines]
        )
        channels = [
            self.env["gdpr.channel"].browse(line.get("contact_channel_id") or ())
            for line in lines
        ]
        vals_list, skipped = [], []
        for giver in givers:
            is_partner = giver._name == "res.partner"
            for line, text, channel in zip(lines, texts, channels, strict=True):
                vals = {
                    "partner_id": giver.id if is_partner else False,
                    "lead_id": lead.id if lead else False,
                    "category_id": text.category_id.id,
                    "text_id": text.id,
                    "date_given": date_given,
                    "source_id": source.id if source else False,
                    "company_id": company.id,
                    "address_id": False,
                    "contact_channel_id": False,
                    "contact_value": False,
                }
                if text.applies_to_addresses and is_partner:
                    vals["address_id"] = line.get("address_id") or giver.id
                if text.applies_to_contacts and channel:
                    value = (
                        line["contact_value"]
                        if "contact_value" in line
                        else self._gdpr_giver_value(giver, channel)
                    )
                    if not value:
                        skipped.append((giver, text))
                        continue
                    vals["contact_channel_id"] = channel.id
                    vals["contact_value"] = value
                vals_list.append(vals)
        # The author does not need to follow each of the (maybe thousands
        # of) new consents.
        consents = self.with_context(mail_create_nosubscribe=True).create(vals_list)
        return consents, skipped

    @api.model
    def _gdpr_giver_value(self, giver, channel):
        """The current value of ``channel`` for a partner or a lead (a
        lead's e-mail is its ``email_from``): the contact datum a consent
        names, here and in the bulk grant.

        Override to support other channel kinds.
        """
        if not giver or not channel or channel.kind not in CONTACT_KINDS:
            return False
        fname = channel.kind
        if giver._name == "crm.lead" and fname == "email":
            fname = "email_from"
        return giver[fname] or False

    def _gdpr_move_to_lead(self, lead):
        """Move consents of merged opportunities to ``lead``, recorded.

        Called by the opportunity merge (the merged opportunities are then
        deleted): the one change of ``lead_id`` once set, with a note and an
        evidence event on each consent.
        """
        consents = self.filtered(lambda consent: consent.lead_id != lead)
        if not consents:
            return
        old_leads = {consent.id: consent.lead_id for consent in consents}
        with evidence_exception(consents):
            consents.write({"lead_id": lead.id})
        for consent in consents:
            consent.message_post(
                body=_(
                    "Opportunity merge: the consent moved from %(old)s to %(new)s.",
                    old=old_leads[consent.id].display_name,
                    new=lead.display_name,
                ),
                subtype_xmlid="mail.mt_note",
            )
        self.env["gdpr.evidence.event"]._gdpr_append(consents, "consent_merged")

    @api.model
    def _gdpr_giver_channels(self, text, giver, all_contact_channels):
        """The contact channels a consent to ``text`` may name: the text's
        (every contact channel of ``all_contact_channels`` when it names
        none); with a ``giver`` (partner or lead), those it has a value for.

        :param giver: a partner or lead, empty for no giver, ``None`` when the
            givers are not known yet (the bulk grant to several givers)
        """
        channels = (text.channel_ids or all_contact_channels).filtered(
            lambda channel: channel.kind in CONTACT_KINDS
        )
        if giver is None:
            return channels
        return channels.filtered(lambda channel: self._gdpr_giver_value(giver, channel))

    def _get_giver_contact_value(self, channel):
        """The giver's current value for ``channel`` (partner, else lead)."""
        self.ensure_one()
        return self._gdpr_giver_value(self.partner_id or self.lead_id, channel)

    def _sync_blacklist(self):
        """Blacklist the contact data of withdrawn consents that ask for it.

        A withdrawal always succeeds (Art. 7(3)): when the blacklist refuses
        the value (an invalid e-mail), the consent stays withdrawn and its
        chatter says what could not be done.
        """
        syncing = _BLACKLIST_SYNC.get()
        one_by_one = self.browse()
        emails = {}
        blacklisted = set()
        for consent in self:
            text = consent.text_id
            channel = consent.contact_channel_id
            if not (text.sync_blacklist and channel and consent.contact_value):
                continue
            if channel.kind not in ("email", "phone", "mobile"):
                continue
            if channel.kind != "email":
                one_by_one |= consent
                continue
            email = tools.email_normalize(consent.contact_value)
            if syncing and email in syncing:
                # Withdrawn because the address was blacklisted.
                continue
            if email and email == consent.contact_value.strip().lower():
                emails[consent] = email
            else:
                # Refused with its message by _gdpr_add_to_blacklist.
                one_by_one |= consent
        if len(emails) > 1:
            # Many withdrawals at once (a bulk withdrawal, an import): the
            # addresses in a few queries; one by one if the batch fails.
            try:
                with self.env.cr.savepoint():
                    self._gdpr_blacklist_emails(emails)
                    self.env.flush_all()
                blacklisted.update(emails.values())
            except (UserError, ValidationError, ValueError):
                one_by_one |= self.browse([consent.id for consent in emails])
        else:
            one_by_one |= self.browse([consent.id for consent in emails])
        for consent in one_by_one:
            try:
                with self.env.cr.savepoint():
                    consent._gdpr_add_to_blacklist()
                    self.env.flush_all()
            except (UserError, ValidationError, ValueError) as error:
                # Logged, not posted: a note of a user without an e-mail
                # address cannot be posted, and the withdrawal must not fail.
                consent._message_log(
                    body=_(
                        "%(value)s could not be added to the blacklist: "
                        "%(error)s. The consent is withdrawn all the same.",
                        value=consent.contact_value,
                        error=error.args[0] if error.args else _("invalid value"),
                    ),
                )
            else:
                if consent.contact_channel_id.kind == "email":
                    blacklisted.add(tools.email_normalize(consent.contact_value))
        # The blacklist is shared: the address now on it withdraws the other
        # consents bound to it, as any blacklisting does (SPEC 10); those
        # withdrawn here are inactive already, no loop.
        self.env["gdpr.consent"]._gdpr_withdraw_blacklisted(blacklisted)

    def _gdpr_blacklist_emails(self, emails):
        """Blacklist the valid ``{consent: normalized e-mail}`` in one batch,
        with the notes :meth:`_gdpr_add_to_blacklist` writes one by one."""
        # sudo: the mail blacklist is writable by administrators only; only
        # the consents' own addresses are added. The person withdrew these
        # consents only: the additions withdraw no other one.
        Blacklist = self.env["mail.blacklist"].sudo().with_context(active_test=False)
        addresses = set(emails.values())
        with _blacklist_sync(addresses):
            entries = Blacklist.search([("email", "in", list(addresses))])
            entries.filtered(lambda entry: not entry.active).action_unarchive()
            known = set(entries.mapped("email"))
            entries |= Blacklist.create(
                [{"email": email} for email in sorted(addresses - known)]
            )
        by_email = {entry.email: entry for entry in entries}
        bodies = defaultdict(list)
        for consent, email in emails.items():
            bodies[by_email[email].id].append(
                self.env._("Consent %s withdrawn", consent.name)
            )
        entries._message_log_batch(
            bodies={entry_id: ", ".join(lines) for entry_id, lines in bodies.items()}
        )
        self.browse([consent.id for consent in emails])._message_log_batch(
            bodies={
                consent.id: self.env._(
                    "%s added to the email blacklist.", consent.contact_value
                )
                for consent in emails
            }
        )

    @api.model
    def _gdpr_withdraw_blacklisted(self, emails):
        """Withdraw the consents bound to ``emails`` just blacklisted.

        The active consents of texts marked *Synchronize Blacklist* whose
        related contact is one of the (normalized) ``emails``, in every
        company (the blacklist is shared), with the reason "Unsubscribe link"
        and a note. One query finds them and one write withdraws them, for
        an import of many thousands of addresses.
        """
        emails = {tools.email_normalize(email) for email in emails if email}
        emails = emails - {False, None} - _BLACKLIST_SYNC.get()
        if not emails:
            return self.browse()
        # The contact value is the giver's e-mail as typed ("Anna
        # <anna@example.com>" too): compared by its address, in one query.
        self.flush_model(["state", "text_id", "contact_channel_id", "contact_value"])
        self.env.cr.execute(
            SQL(
                """
                SELECT consent.id, consent.contact_value
                  FROM gdpr_consent consent
                  JOIN gdpr_consent_text text ON text.id = consent.text_id
                  JOIN gdpr_channel channel
                    ON channel.id = consent.contact_channel_id
                 WHERE consent.state = 'active'
                   AND text.sync_blacklist
                   AND channel.kind = 'email'
                   AND lower(coalesce(
                           substring(consent.contact_value from '<([^<>]*)>'),
                           trim(consent.contact_value)
                       )) = ANY(%s)
                """,
                sorted(emails),
            )
        )
        ids = [
            rid
            for rid, value in self.env.cr.fetchall()
            if normalize_email(value) in emails
        ]
        # sudo: whoever blacklists an address (a mailing's public unsubscribe
        # link, an administrator) withdraws the consents bound to it; only
        # those consents.
        consents = self.sudo().browse(ids)
        if not consents:
            return consents
        reason = self.env.ref(
            "crm_gdpr.gdpr_withdrawal_reason_unsubscribe", raise_if_not_found=False
        )
        with _blacklist_sync(emails):
            consents.action_withdraw(reason=reason)
        consents._message_log_batch(
            bodies={
                consent.id: self.env._(
                    "Withdrawn: %s was put on the email blacklist.",
                    consent.contact_value,
                )
                for consent in consents
            }
        )
        return consents

    @api.model
    def _gdpr_match_emails(self, emails, categories=None):
        """The active consents bound to ``emails`` (normalized addresses).

        A consent is bound to an address when its giver's, its lead's or its
        related contact's e-mail is that address; searched as the user (the
        record rules apply), in ``categories`` when given. Returns
        ``(consents, matched)``, ``matched`` the set of the addresses that
        have at least one such consent. A few queries whatever the number of
        addresses (an export of 50,000 is previewed in seconds).
        """
        emails = list(emails)
        if not emails:
            return self.browse(), set()
        domain = [("state", "=", "active")]
        if categories:
            domain.append(("category_id", "in", categories.ids))
        partners = (
            self.env["res.partner"]
            .with_context(active_test=False)
            .search([("email_normalized", "in", emails)])
        )
        leads = (
            self.env["crm.lead"]
            .with_context(active_test=False)
            .search([("email_normalized", "in", emails)])
        )
        consents = self.search(
            domain
            + [
                "|",
                "|",
                ("partner_id", "in", partners.ids),
                ("lead_id", "in", leads.ids),
                ("contact_value", "in", emails),
            ]
        )
        wanted = set(emails)
        matched, bound_ids = set(), []
        for consent in consents:
            found = {
                consent.partner_id.email_normalized,
                consent.lead_id.email_normalized,
                normalize_email(consent.contact_value)
                if consent.contact_channel_id.kind == "email"
                else False,
            } & wanted
            if found:
                matched |= found
                bound_ids.append(consent.id)
        return self.browse(bound_ids), matched

    def _gdpr_add_to_blacklist(self):
        """Add the consent's e-mail or phone number to Odoo's blacklist."""
        self.ensure_one()
        if self.contact_channel_id.kind == "email":
            # The blacklist stores the normalized address: a malformed value
            # ("a@b@example.com") normalizes to another person's address
            # ("b@example.com"), which is never blacklisted in its place.
            email = tools.email_normalize(self.contact_value)
            if not email or email != self.contact_value.strip().lower():
                raise UserError(_("it is not a single valid email address"))
            # sudo: the mail blacklist is writable by administrators only;
            # only the consent's own email is added. The person withdrew
            # this consent only: the addition withdraws no other one.
            with _blacklist_sync([email]):
                self.env["mail.blacklist"].sudo()._add(
                    email, message=_("Consent %s withdrawn", self.name)
                )
            self._message_log(
                body=_("%s added to the email blacklist.", self.contact_value)
            )
        else:
            # sudo: the phone blacklist is writable by administrators only;
            # only the consent's own number is added.
            self.env["phone.blacklist"].sudo().add(
                self.contact_value, message=_("Consent %s withdrawn", self.name)
            )
            self._message_log(
                body=_("%s added to the phone blacklist.", self.contact_value)
            )

    # ------------------------------------------------------------------
    # Erasure (Art. 17) through Odoo's privacy lookup, and retention
    # ------------------------------------------------------------------
    def _privacy_lookup_erase(self):
        """Erase the personal data of consents: the privacy lookup's "Delete".

        Called by ``privacy.lookup.wizard.line.action_unlink`` (which logs the
        operation in ``privacy.log``). Only the data protection officer (and
        the GDPR manager) may erase.
        """
        if not self.env.user.has_group("crm_gdpr.group_gdpr_officer"):
            raise AccessError(
                _("Only the data protection officer can erase the data of consents.")
            )
        self.check_access("write")
        self._gdpr_anonymize()
        return _(
            "%s: giver, lead, address, contact data and messages removed; the "
            "anonymous consent is kept as evidence",
            ", ".join(self.mapped("name")),
        )

    def _privacy_lookup_erase_message(self, details):
        """The line of the privacy log saying what the erasure did."""
        return _("Anonymized consent %(details)s", details=details)

    def _creation_message(self):
        # Not Odoo's "<model> created": "Zgoda RODO utworzono" is no Polish.
        return _("Consent registered.")

    def _gdpr_anonymize(self):
        """Remove every personal datum of the consents, keep the evidence.

        An active consent is first withdrawn at the data subject's request
        (without blacklisting: the contact data are being erased). The giver,
        lead, address, contact value, followers and the whole chatter go; the
        ID, category, text, wording snapshot and dates stay. This is the one
        write that passes the evidence rules of :meth:`write`: it goes
        straight to ``super().write`` and is reachable from server code only.
        Extend it to erase fields added by other modules.
        """
        consents = self.filtered(lambda consent: not consent.is_anonymized)
        if not consents:
            return
        request = self.env.ref(
            "crm_gdpr.gdpr_withdrawal_reason_request", raise_if_not_found=False
        )
        active = consents.filtered("active")
        with evidence_exception(consents):
            # The withdrawal date and source follow from Active (computes).
            active._write_evidence(
                {
                    "active": False,
                    "withdrawal_reason_id": request.id if request else False,
                }
            )
        # The erasure of an active consent withdraws it first: both are logged.
        self.env["gdpr.evidence.event"]._gdpr_append(active, "consent_withdrawn")
        with evidence_exception(consents):
            consents._write_evidence(
                {
                    "is_anonymized": True,
                    "partner_id": False,
                    "lead_id": False,
                    "address_id": False,
                    "contact_channel_id": False,
                    "contact_value": False,
                    **dict.fromkeys(SELF_SERVICE_PERSONAL_FIELDS, False),
                    # Without the key, the digests of the giver in the
                    # evidence log cannot be linked to the person any more.
                    "evidence_salt": False,
                }
            )
            # sudo: messages and followers of a consent are removed whoever
            # wrote them; only those of the consents being erased.
            self.env["mail.message"].sudo().search(
                [("model", "=", self._name), ("res_id", "in", consents.ids)]
            ).unlink()
            self.env["mail.followers"].sudo().search(
                [("res_model", "=", self._name), ("res_id", "in", consents.ids)]
            ).unlink()
            consents._gdpr_erase_chatter_traces()
        for consent in consents.sudo():
            consent.message_post(
                body=_(
                    "The personal data of this consent were erased (GDPR Art. 17); "
                    "the erasure is recorded in the privacy log."
                ),
                subtype_xmlid="mail.mt_note",
            )
        # Last: the event records the evidence as the erasure leaves it.
        self.env["gdpr.evidence.event"]._gdpr_append(consents, "consent_anonymized")

    def _write_evidence(self, vals):
        """Write past the evidence rules, untracked: the logged erasure only.

        Private on purpose (never reachable over RPC), and effective only
        inside ``evidence_exception(self)`` (server code). ``mail_notrack``:
        tracking would copy the erased values into the chatter.
        """
        # pylint: disable=super-method-mismatch
        with evidence_exception(self):
            return super(GdprConsent, self.with_context(mail_notrack=True)).write(vals)

    @api.model
    def _cron_gdpr_retention(self):
        """Daily: flag withdrawn consents kept longer than their retention.

        Categories with ``retention_auto_anonymize`` get their expired
        consents anonymized and logged in ``privacy.log`` (one line per
        giver); the others are only flagged (``retention_expired``) for the
        data protection officer to review.
        """
        today = fields.Date.context_today(self)
        categories = (
            self.env["gdpr.consent.category"]
            .with_context(active_test=False)
            .search([("retention_months", ">", 0)])
        )
        Consent = self.with_context(active_test=False)
        expired = self.browse()
        for category in categories:
            limit = today - relativedelta(months=category.retention_months)
            expired |= Consent.search(
                [
                    ("category_id", "=", category.id),
                    ("state", "=", "withdrawn"),
                    ("date_withdrawn", "<", limit),
                    ("is_anonymized", "=", False),
                ]
            )
        # Flagged consents kept for the officer's review are done with.
        expired = expired.filtered(
            lambda c: not c.retention_expired or c.category_id.retention_auto_anonymize
        )
        Job = self.env["gdpr.bulk.job"]
        if not expired or Job.search_count(
            [
                ("job_type", "=", "consent_retention"),
                ("state", "in", Job._gdpr_open_states()),
            ]
        ):
            # A retention job still running handles the backlog.
            return
        # A big backlog is erased in committed batches by a background job
        # (one item per giver), a small one at once by the same method.
        groups = expired.grouped(lambda c: c.partner_id or c.lead_id)
        self.env["gdpr.bulk.job"]._gdpr_run_or_queue(
            "consent_retention",
            [consents.ids for consents in groups.values()],
            {},
            _("Retention of %s withdrawn consents", len(expired)),
            weight=len(expired) / len(groups),
        )

    def _gdpr_retention_process(self):
        """Flag expired consents, erase those their category says to erase.

        One giver whose erasure fails (bad data) is logged and skipped: the
        others are erased all the same (SPEC section 9).

        :return: ``(erased, failed)`` consents
        """
        flagged = self.filtered(lambda c: not c.retention_expired)
        # A technical flag set by this job only (see gdpr.evidence.mixin).
        with evidence_exception(flagged):
            flagged.write({"retention_expired": True})
        to_erase = self.filtered("category_id.retention_auto_anonymize")
        failed = process_groups(
            list(to_erase.grouped(lambda c: c.partner_id or c.lead_id).items()),
            lambda consents: consents._gdpr_retention_erase(),
            "Consent retention",
        )
        failed = failed or self.browse()
        return to_erase - failed, failed

    def _gdpr_retention_erase(self):
        """Erase consents of one giver whose retention expired, and log it."""
        consents = self
        giver = consents.partner_id[:1] or consents.lead_id[:1]
        email = giver.email if giver._name == "res.partner" else giver.email_from
        email = tools.email_normalize(email) if email else False
        self.env["privacy.log"].create(
            {
                "anonymized_name": giver.display_name or "-",
                # privacy.log requires a well-formed email address
                "anonymized_email": email or "-@-",
                "company_id": consents.company_id[:1].id,
                # No model name spliced into a sentence ("Zanonimizowano
                # Zgoda RODO"): a count and the IDs after a colon.
                "execution_details": _(
                    "Consents anonymized (%(count)s): %(ids)s; retention period "
                    "after withdrawal expired (categories: %(categories)s)",
                    count=len(consents),
                    ids=", ".join(consents.mapped("name")),
                    categories=", ".join(consents.category_id.mapped("name")),
                ),
                "records_description": _(
                    "%(model)s (%(count)s): %(ids)s",
                    model=self._gdpr_model_name(),
                    count=len(consents),
                    ids=", ".join(f"#{cid}" for cid in consents.ids),
                ),
            }
        )
        consents._gdpr_anonymize()
