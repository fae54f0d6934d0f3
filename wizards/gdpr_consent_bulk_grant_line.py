from odoo import _, api, fields, models
from odoo.exceptions import AccessError

from ..models.gdpr_consent import CONTACT_KINDS


class GdprConsentBulkGrantLine(models.TransientModel):
    _name = "gdpr.consent.bulk.grant.line"
    _description = "GDPR Consents: Bulk Grant Line"
    _order = "category_id, id"

    wizard_id = fields.Many2one(
        "gdpr.consent.bulk.grant", required=True, ondelete="cascade"
    )
    text_id = fields.Many2one("gdpr.consent.text", string="Title", required=True)
    category_id = fields.Many2one(related="text_id.category_id", store=True)
    applies_to_addresses = fields.Boolean(related="text_id.applies_to_addresses")
    applies_to_contacts = fields.Boolean(related="text_id.applies_to_contacts")
    to_create = fields.Boolean(string="Create")
    single_partner_id = fields.Many2one(related="wizard_id.single_partner_id")
    address_id = fields.Many2one(
        "res.partner",
        string="Related Address",
        compute="_compute_address_id",
        store=True,
        readonly=False,
        help="With several givers, each giver's own address is used.",
    )
    available_channel_ids = fields.Many2many(
        "gdpr.channel", compute="_compute_available_channel_ids"
    )
    contact_channel_id = fields.Many2one(
        "gdpr.channel",
        string="Related Contact",
        compute="_compute_contact_channel_id",
        store=True,
        readonly=False,
        help="With several givers, each giver's own value of this channel is "
        "used; givers without it get no consent for this text.",
    )
    contact_value = fields.Char(
        compute="_compute_contact_value", store=True, readonly=False
    )

    @api.depends("text_id", "single_partner_id")
    def _compute_address_id(self):
        self._check_text_access()
        for line in self:
            partner = line.single_partner_id
            if not line.applies_to_addresses or not partner:
                line.address_id = False
            elif line.address_id not in partner | partner.child_ids:
                line.address_id = partner

    @api.depends("text_id", "single_partner_id", "wizard_id.lead_id")
    def _compute_available_channel_ids(self):
        all_contact_channels = self.env["gdpr.channel"].search(
            [("kind", "in", CONTACT_KINDS)]
        )
        for line in self:
            if not line.applies_to_contacts:
                line.available_channel_ids = False
                continue
            channels = (line.text_id.channel_ids or all_contact_channels).filtered(
                lambda channel: channel.kind in CONTACT_KINDS
            )
            giver = line.single_partner_id or (
                not line.wizard_id.partner_ids and line.wizard_id.lead_id
            )
            if giver:
                channels = channels.filtered(
                    lambda channel, giver=giver: self._get_giver_value(giver, channel)
                )
            line.available_channel_ids = channels

    @api.depends("text_id", "single_partner_id", "wizard_id.lead_id")
    def _compute_contact_channel_id(self):
        for line in self:
            if not line.applies_to_contacts:
                line.contact_channel_id = False
            elif line.contact_channel_id not in line.available_channel_ids:
                line.contact_channel_id = line.available_channel_ids[:1]

    @api.depends("contact_channel_id")
    def _compute_contact_value(self):
        for line in self:
            giver = line.single_partner_id or (
                not line.wizard_id.partner_ids and line.wizard_id.lead_id
            )
            line.contact_value = (
                line._get_giver_value(giver, line.contact_channel_id)
                if giver
                else False
            )

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines._check_text_access()
        lines.wizard_id._check_givers_access()
        return lines

    def _check_text_access(self):
        """Refuse texts the user cannot read: their wording stays hidden."""
        texts = self.text_id._origin
        if texts and texts.sudo(False)._filtered_access("read") != texts:
            raise AccessError(
                _("You cannot grant consents for a consent text you cannot read.")
            )

    @api.model
    def _get_giver_value(self, giver, channel):
        """The current value of ``channel`` for a partner or a lead."""
        return self.env["gdpr.consent"]._gdpr_giver_value(giver, channel)
