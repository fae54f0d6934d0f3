from odoo import Command, _, api, fields, models
from odoo.exceptions import AccessError, UserError

from ..models.gdpr_consent import CONTACT_KINDS


class GdprConsentBulkGrant(models.TransientModel):
    _name = "gdpr.consent.bulk.grant"
    _description = "GDPR Consents: Bulk Grant"

    partner_ids = fields.Many2many("res.partner", string="Consent Givers")
    lead_id = fields.Many2one(
        "crm.lead",
        help="The lead the consents are collected on. Without givers, the "
        "consents are registered on the lead only.",
    )
    giver_count = fields.Integer(compute="_compute_giver_count")
    single_partner_id = fields.Many2one(
        "res.partner", compute="_compute_giver_count", string="Single Giver"
    )
    category_ids = fields.Many2many(
        "gdpr.consent.category",
        string="Categories",
        help="Only categories with a consent text in force can be chosen.",
    )
    date_given = fields.Date(required=True, default=fields.Date.context_today)
    source_id = fields.Many2one(
        "gdpr.consent.source",
        default=lambda self: self.env["gdpr.consent.source"]._get_default(),
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    line_ids = fields.One2many(
        "gdpr.consent.bulk.grant.line",
        "wizard_id",
        string="Texts",
        compute="_compute_line_ids",
        # Searched as the user: a stored compute runs as superuser otherwise
        # and would offer texts the user cannot read (SPEC section 8).
        compute_sudo=False,
        store=True,
        readonly=False,
    )

    @api.model_create_multi
    def create(self, vals_list):
        wizards = super().create(vals_list)
        wizards._check_givers_access()
        return wizards

    def write(self, vals):
        res = super().write(vals)
        self._check_givers_access()
        return res

    @api.model
    def default_get(self, fields_list):
        defaults = super().default_get(fields_list)
        active_model = self.env.context.get("active_model")
        active_ids = self.env.context.get("active_ids") or []
        if "partner_ids" in fields_list and not defaults.get("partner_ids"):
            if active_model == "res.partner" and active_ids:
                defaults["partner_ids"] = [Command.set(active_ids)]
            elif active_model == "crm.lead" and len(active_ids) == 1:
                lead = self.env["crm.lead"].browse(active_ids)
                defaults["partner_ids"] = [Command.set(lead.partner_id.ids)]
                defaults.setdefault("lead_id", lead.id)
        return defaults

    @api.depends("partner_ids", "lead_id")
    def _compute_giver_count(self):
        self._check_givers_access()
        for wizard in self:
            wizard.giver_count = len(wizard.partner_ids)
            wizard.single_partner_id = (
                wizard.partner_ids if len(wizard.partner_ids) == 1 else False
            )

    @api.depends("category_ids", "date_given", "company_id")
    def _compute_line_ids(self):
        # As the user even when the compute is triggered by a superuser
        # flush: another company's private texts are never offered.
        Text = self.env["gdpr.consent.text"].sudo(False)
        for wizard in self:
            texts = Text.search(
                [
                    ("category_id", "in", wizard.category_ids.ids),
                    ("company_id", "in", [False, wizard.company_id.id]),
                ]
                + Text._domain_in_force(wizard.date_given)
            )
            kept = wizard.line_ids.filtered(
                lambda line, texts=texts: line.text_id in texts
            )
            commands = [Command.unlink(line.id) for line in wizard.line_ids - kept]
            commands += [
                Command.create(
                    {"text_id": text.id, "to_create": wizard._is_text_valid(text)}
                )
                for text in texts - kept.text_id
            ]
            wizard.line_ids = commands

    def _is_text_valid(self, text):
        """Whether a line of ``text`` can create a consent: it opens ticked.

        A text that concerns contact data is valid for a single giver only
        when the giver has one of its channels' data; with several givers
        each one without the datum is skipped (and named) at generation.
        """
        self.ensure_one()
        if not text.applies_to_contacts:
            return True
        giver = self.partner_ids if len(self.partner_ids) == 1 else False
        giver = giver or (not self.partner_ids and self.lead_id)
        if not giver:
            return True
        Line = self.env["gdpr.consent.bulk.grant.line"]
        channels = text.channel_ids or self.env["gdpr.channel"].search(
            [("kind", "in", CONTACT_KINDS)]
        )
        return any(Line._get_giver_value(giver, channel) for channel in channels)

    def _check_givers_access(self):
        """Refuse givers and leads the user cannot read (SPEC section 8)."""
        for records in (self.partner_ids._origin, self.lead_id._origin):
            if records and records.sudo(False)._filtered_access("read") != records:
                raise AccessError(
                    _(
                        "You cannot grant consents for a contact or lead you cannot "
                        "read."
                    )
                )

    def action_generate(self):
        """Create one consent per giver and ticked line, in one batch."""
        self.ensure_one()
        vals_list = self._prepare_consent_vals_list()
        if not vals_list:
            raise UserError(_("There is no consent to create."))
        # The author does not need to follow each of the (maybe thousands of)
        # new consents.
        consents = (
            self.env["gdpr.consent"]
            .with_context(mail_create_nosubscribe=True)
            .create(vals_list)
        )
        action = consents._get_records_action(name=_("Granted Consents"))
        givers = self.partner_ids or self.lead_id
        skipped = len(givers) * len(self.line_ids.filtered("to_create")) - len(consents)
        if skipped <= 0:
            return action
        # Givers without the contact datum of a line get no consent for it:
        # say so, and for whom, instead of leaving the user to count.
        created = {(c.partner_id or c.lead_id, c.text_id) for c in consents}
        missing = self.env["res.partner"].browse()
        missing_leads = self.env["crm.lead"].browse()
        for giver in givers:
            for line in self.line_ids.filtered("to_create"):
                if (giver, line.text_id) not in created:
                    if giver._name == "res.partner":
                        missing |= giver
                    else:
                        missing_leads |= giver
        names = missing.mapped("display_name") + missing_leads.mapped("display_name")
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": _("Consents granted: %s", len(consents)),
                "message": _(
                    "%(count)s consent(s) were not created, for lack of an "
                    "email or phone number for the channel of the consent "
                    "text: %(names)s.",
                    count=skipped,
                    names=", ".join(names),
                ),
                "type": "warning",
                "sticky": True,
                "next": action,
            },
        }

    def _prepare_consent_vals_list(self):
        """Values of the consents to create: one per giver and ticked line.

        With several givers each giver's own address (itself) and contact
        datum are used; a giver without the datum of a line's channel gets no
        consent for that line.
        """
        self.ensure_one()
        lines = self.line_ids.filtered("to_create")
        if not lines:
            raise UserError(_("Tick “Create” on at least one consent text."))
        givers = self.partner_ids or self.lead_id
        if not givers:
            raise UserError(_("Choose the consent givers."))
        single = len(givers) == 1
        vals_list = []
        for giver in givers:
            is_partner = giver._name == "res.partner"
            for line in lines:
                text = line.text_id
                vals = {
                    "partner_id": giver.id if is_partner else False,
                    "lead_id": self.lead_id.id,
                    "category_id": text.category_id.id,
                    "text_id": text.id,
                    "date_given": self.date_given,
                    "source_id": self.source_id.id,
                    "company_id": self.company_id.id,
                    "address_id": False,
                    "contact_channel_id": False,
                    "contact_value": False,
                }
                if text.applies_to_addresses and is_partner:
                    vals["address_id"] = (
                        line.address_id.id if single else giver.id
                    ) or giver.id
                if text.applies_to_contacts and line.contact_channel_id:
                    channel = line.contact_channel_id
                    value = (
                        line.contact_value
                        if single
                        else line._get_giver_value(giver, channel)
                    )
                    if not value:
                        continue
                    vals["contact_channel_id"] = channel.id
                    vals["contact_value"] = value
                vals_list.append(vals)
        return vals_list
