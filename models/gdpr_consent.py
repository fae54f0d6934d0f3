from collections import defaultdict

from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, format_date

from .gdpr_input import check_company_move, check_input_values

# Fields that are evidence: they never change once the consent exists.
IMMUTABLE_FIELDS = ("text_id", "text_body", "category_id", "date_given")
# Fields holding personal data, emptied by the logged erasure (Art. 17).
PERSONAL_FIELDS = (
    "partner_id",
    "lead_id",
    "address_id",
    "contact_channel_id",
    "contact_value",
)
# Withdrawal data: kept as recorded once the consent is withdrawn.
WITHDRAWAL_FIELDS = ("date_withdrawn", "withdrawal_reason_id", "withdrawal_source_id")
# Channel kinds that designate a contact datum (the address kind does not).
CONTACT_KINDS = ("email", "phone", "mobile")


class GdprConsent(models.Model):
    _name = "gdpr.consent"
    _description = "GDPR Consent"
    _inherit = ["mail.thread"]
    _order = "date_given desc, id desc"
    _rec_name = "name"

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
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Consent Giver",
        index=True,
        ondelete="restrict",
        tracking=True,
        help="The person or company giving the consent. Once set it never changes.",
    )
    lead_id = fields.Many2one(
        "crm.lead",
        index="btree_not_null",
        ondelete="restrict",
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
        default=lambda self: self._default_category_id(),
        tracking=True,
    )
    text_id = fields.Many2one(
        "gdpr.consent.text",
        string="Title",
        required=True,
        index=True,
        ondelete="restrict",
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
        default=fields.Date.context_today,
        tracking=True,
    )
    source_id = fields.Many2one(
        "gdpr.consent.source",
        ondelete="restrict",
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
    date_withdrawn = fields.Date(string="Withdrawal Date", tracking=True)
    withdrawal_reason_id = fields.Many2one(
        "gdpr.withdrawal.reason", ondelete="restrict", tracking=True
    )
    withdrawal_source_id = fields.Many2one(
        "gdpr.withdrawal.source", ondelete="restrict", tracking=True
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

    # Erasure and retention (Art. 17, Art. 5(1)(e))
    is_anonymized = fields.Boolean(
        string="Anonymised",
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

    _sql_constraints = [
        ("name_uniq", "unique (name)", "The consent ID must be unique."),
    ]

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends("text_id")
    def _compute_text_body(self):
        for consent in self:
            lang = consent.partner_id.lang or self.env.lang
            consent.text_body = consent.text_id.with_context(lang=lang).body

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
            elif consent.address_id not in consent._get_giver_addresses():
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
            channels = consent.text_id.channel_ids or all_contact_channels
            consent.available_channel_ids = channels.filtered(
                lambda channel, consent=consent: (
                    channel.kind in CONTACT_KINDS
                    and consent._get_giver_contact_value(channel)
                )
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
            if consent.address_id not in consent._get_giver_addresses():
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

    @api.onchange("active")
    def _onchange_active(self):
        """Propose the withdrawal defaults as soon as Active is unticked."""
        for consent in self:
            if consent.active:
                if not consent._origin.id or consent._origin.active:
                    consent.date_withdrawn = False
                    consent.withdrawal_reason_id = False
                    consent.withdrawal_source_id = False
                continue
            defaults = consent._get_withdrawal_defaults(consent.company_id)
            for fname, value in defaults.items():
                if not consent[fname]:
                    consent[fname] = value

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            check_input_values(self, vals)
        names = iter(self._next_names(len(vals_list)))
        for vals in vals_list:
            # The snapshot always comes from the text, never from the caller.
            vals.pop("text_body", None)
            vals.pop("state", None)
            vals["name"] = next(names)
            if vals.get("active") is False:
                company = self.env["res.company"].browse(
                    vals.get("company_id") or self.env.company.id
                )
                for fname, value in self._get_withdrawal_defaults(company).items():
                    if not vals.get(fname):
                        vals[fname] = (
                            value.id if isinstance(value, models.Model) else value
                        )
        return super().create(vals_list)

    def write(self, vals):
        check_input_values(self, vals)
        check_company_move(self, vals)
        self._check_immutable(vals)
        vals.pop("state", None)
        if "active" not in vals:
            return super().write(vals)
        if vals["active"]:
            withdrawn = self.filtered(lambda consent: not consent.active)
            if withdrawn:
                raise UserError(
                    _(
                        "A withdrawn consent is never re-activated (%s). Register a "
                        "new consent instead.",
                        ", ".join(withdrawn.mapped("name")),
                    )
                )
            return super().write(vals)
        to_withdraw = self.filtered("active")
        by_company = defaultdict(lambda: self.browse())
        for consent in to_withdraw:
            by_company[consent.company_id] |= consent
        for company, consents in by_company.items():
            company_vals = dict(vals)
            for fname, value in self._get_withdrawal_defaults(company).items():
                if not company_vals.get(fname):
                    company_vals[fname] = (
                        value.id if isinstance(value, models.Model) else value
                    )
            super(GdprConsent, consents).write(company_vals)
        others = self - to_withdraw
        if others:
            others._check_already_withdrawn(vals)
            super(GdprConsent, others).write(vals)
        # Write (and lock) the withdrawal before its side effects: of two
        # concurrent withdrawals the second then fails on the consent itself
        # (and is retried), not on a blacklist entry the first one added.
        to_withdraw.flush_recordset()
        to_withdraw._sync_blacklist()
        return True

    @api.ondelete(at_uninstall=False)
    def _unlink_except_evidence(self):
        raise UserError(
            _(
                "Consents are evidence and cannot be deleted. Withdraw a consent "
                "instead; to erase a person's data, use CRM → GDPR → Privacy "
                "Lookup (the erasure is logged)."
            )
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
    def _check_immutable(self, vals):
        """Refuse changing the evidence fields of existing consents."""
        changed = [fname for fname in IMMUTABLE_FIELDS if fname in vals]
        personal = [fname for fname in PERSONAL_FIELDS if vals.get(fname)]
        # Only the logged erasure (_write_evidence) flags a consent as erased:
        # a flagged consent is skipped by the erasure and keeps its data.
        if "is_anonymized" in vals and any(
            consent.is_anonymized != bool(vals["is_anonymized"]) for consent in self
        ):
            raise UserError(
                _(
                    "Consents are anonymised only by the logged erasure "
                    "(CRM → GDPR → Privacy Lookup)."
                )
            )
        for consent in self:
            if consent.is_anonymized and (personal or "is_anonymized" in vals):
                raise UserError(
                    _(
                        "Consent %s was anonymised: personal data cannot be "
                        "linked to it again.",
                        consent.name,
                    )
                )
            for fname in changed:
                field = self._fields[fname]
                new_value = field.convert_to_record(
                    field.convert_to_cache(vals[fname], consent), consent
                )
                if new_value != consent[fname]:
                    raise UserError(
                        _(
                            "Consent %(name)s: “%(field)s” cannot change after the "
                            "consent is registered. Withdraw it (reason “Registered "
                            "by mistake”) and register a new one.",
                            name=consent.name,
                            field=field._description_string(self.env),
                        )
                    )
            if (
                "partner_id" in vals
                and consent.partner_id
                and consent.partner_id.id != (vals["partner_id"] or False)
            ):
                raise UserError(
                    _(
                        "Consent %(name)s: its giver %(giver)s cannot change. "
                        "Withdraw it (reason “Registered by mistake”) and register "
                        "a new one.",
                        name=consent.name,
                        giver=consent.partner_id.display_name,
                    )
                )

    def _check_already_withdrawn(self, vals):
        """Refuse withdrawing again, with other data, a withdrawn consent.

        Two users withdrawing the same consent at once: the second one must
        not overwrite the date, reason and source recorded by the first.
        """
        for consent in self.filtered(lambda consent: not consent.active):
            for fname in WITHDRAWAL_FIELDS:
                if fname not in vals:
                    continue
                field = self._fields[fname]
                new_value = field.convert_to_record(
                    field.convert_to_cache(vals[fname], consent), consent
                )
                if new_value != consent[fname]:
                    raise UserError(
                        _(
                            "Consent %(name)s was already withdrawn on %(date)s: "
                            "its withdrawal is kept as it was recorded.",
                            name=consent.name,
                            date=format_date(self.env, consent.date_withdrawn),
                        )
                    )

    @api.model
    def _next_names(self, count):
        """Return ``count`` new consent IDs from the ``gdpr.consent`` sequence.

        A standard sequence without date ranges hands out all numbers in one
        query, so that bulk creation costs no query per consent.
        """
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

    @api.model
    def _get_withdrawal_defaults(self, company):
        """Default values of a withdrawal in ``company``.

        Override to add defaults of fields added by other modules.
        """
        return {
            "date_withdrawn": fields.Date.context_today(self),
            "withdrawal_reason_id": self.env["gdpr.withdrawal.reason"]._get_default(
                company
            ),
            "withdrawal_source_id": self.env["gdpr.withdrawal.source"]._get_default(
                company
            ),
        }

    def _get_giver_addresses(self):
        """The giver itself and its active child addresses."""
        self.ensure_one()
        partner = self.partner_id
        return partner | partner.child_ids.filtered("active") if partner else partner

    def _get_giver_contact_value(self, channel):
        """The giver's current value for ``channel`` (partner, else lead).

        Override to support other channel kinds.
        """
        self.ensure_one()
        if not channel or channel.kind not in CONTACT_KINDS:
            return False
        giver = self.partner_id or self.lead_id
        if not giver:
            return False
        fname = (
            "email_from"
            if channel.kind == "email" and not self.partner_id
            else channel.kind
        )
        return giver[fname] or False

    def _sync_blacklist(self):
        """Blacklist the contact data of withdrawn consents that ask for it."""
        for consent in self:
            text = consent.text_id
            channel = consent.contact_channel_id
            if not (text.sync_blacklist and channel and consent.contact_value):
                continue
            if channel.kind == "email":
                # sudo: the mail blacklist is writable by administrators only;
                # only the consent's own email is added.
                self.env["mail.blacklist"].sudo()._add(
                    consent.contact_value,
                    message=_("Consent %s withdrawn", consent.name),
                )
                consent.message_post(
                    body=_("%s added to the email blacklist.", consent.contact_value),
                    subtype_xmlid="mail.mt_note",
                )
            elif channel.kind in ("phone", "mobile"):
                # sudo: the phone blacklist is writable by administrators only;
                # only the consent's own number is added.
                self.env["phone.blacklist"].sudo().add(
                    consent.contact_value,
                    message=_("Consent %s withdrawn", consent.name),
                )
                consent.message_post(
                    body=_("%s added to the phone blacklist.", consent.contact_value),
                    subtype_xmlid="mail.mt_note",
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
        active = consents.filtered("active")
        for company, company_consents in active.grouped("company_id").items():
            vals = {
                fname: value.id if isinstance(value, models.Model) else value
                for fname, value in self._get_withdrawal_defaults(company).items()
            }
            request = self.env.ref(
                "crm_gdpr.gdpr_withdrawal_reason_request", raise_if_not_found=False
            )
            if request:
                vals["withdrawal_reason_id"] = request.id
            company_consents._write_evidence({"active": False, **vals})
        consents._write_evidence(
            {
                "is_anonymized": True,
                "partner_id": False,
                "lead_id": False,
                "address_id": False,
                "contact_channel_id": False,
                "contact_value": False,
            }
        )
        # sudo: messages and followers of a consent are removed whoever wrote
        # them; only those of the consents being erased.
        self.env["mail.message"].sudo().search(
            [("model", "=", self._name), ("res_id", "in", consents.ids)]
        ).unlink()
        self.env["mail.followers"].sudo().search(
            [("res_model", "=", self._name), ("res_id", "in", consents.ids)]
        ).unlink()
        for consent in consents:
            consent.message_post(
                body=_(
                    "The personal data of this consent were erased (GDPR Art. 17); "
                    "the erasure is recorded in the privacy log."
                ),
                subtype_xmlid="mail.mt_note",
            )

    def _write_evidence(self, vals):
        """Write past the evidence rules of :meth:`write`, untracked.

        Private on purpose (never reachable over RPC): used by the logged
        erasure only. ``mail_notrack``: tracking would copy the erased values
        into the chatter.
        """
        # pylint: disable=super-method-mismatch
        return super(GdprConsent, self.with_context(mail_notrack=True)).write(vals)

    @api.model
    def _cron_gdpr_retention(self):
        """Daily: flag withdrawn consents kept longer than their retention.

        Categories with ``retention_auto_anonymize`` get their expired
        consents anonymised and logged in ``privacy.log`` (one line per
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
        expired.filtered(lambda c: not c.retention_expired).write(
            {"retention_expired": True}
        )
        to_erase = expired.filtered("category_id.retention_auto_anonymize")
        logs = []
        for giver, consents in to_erase.grouped(
            lambda c: c.partner_id or c.lead_id
        ).items():
            email = giver.email if giver._name == "res.partner" else giver.email_from
            logs.append(
                {
                    "anonymized_name": giver.display_name or "-",
                    # privacy.log requires an email address
                    "anonymized_email": email if email and "@" in email else "-@-",
                    "execution_details": _(
                        "Anonymized %(model)s %(ids)s: retention period after "
                        "withdrawal expired (%(categories)s)",
                        model=self._description,
                        ids=", ".join(consents.mapped("name")),
                        categories=", ".join(consents.category_id.mapped("name")),
                    ),
                    "records_description": _(
                        "%(model)s (%(count)s): %(ids)s",
                        model=self._description,
                        count=len(consents),
                        ids=", ".join(f"#{cid}" for cid in consents.ids),
                    ),
                }
            )
        if logs:
            self.env["privacy.log"].create(logs)
        to_erase._gdpr_anonymize()
