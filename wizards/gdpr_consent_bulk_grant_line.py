from odoo import _, api, fields, models
from odoo.exceptions import AccessError

from ..models.gdpr_consent import CONTACT_KINDS


class GdprConsentBulkGrantLine(models.TransientModel):
    _name = "gdpr.consent.bulk.grant.line"
    _description = "GDPR Consents: Bulk Grant Line"
    _inherit = ["gdpr.value.check.mixin"]
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
            elif not (line.address_id and line.address_id._gdpr_is_address_of(partner)):
                line.address_id = partner

    @api.depends("text_id", "single_partner_id", "wizard_id.lead_id")
    def _compute_available_channel_ids(self):
        Consent = self.env["gdpr.consent"]
        all_contact_channels = self.env["gdpr.channel"].search(
            [("kind", "in", CONTACT_KINDS)]
        )
        for line in self:
            if not line.applies_to_contacts:
                line.available_channel_ids = False
                continue
            line.available_channel_ids = Consent._gdpr_giver_channels(
                line.text_id, line._gdpr_giver() or None, all_contact_channels
            )

    @api.depends("text_id", "single_partner_id", "wizard_id.lead_id")
    def _compute_contact_channel_id(self):
        for line in self:
            if not line.applies_to_contacts:
                line.contact_channel_id = False
            elif line.contact_channel_id not in line.available_channel_ids:
                line.contact_channel_id = line.available_channel_ids[:1]

    @api.depends("contact_channel_id")
    def _compute_contact_value(self):
        Consent = self.env["gdpr.consent"]
        for line in self:
            line.contact_value = Consent._gdpr_giver_value(
                line._gdpr_giver(), line.contact_channel_id
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

    def _gdpr_giver(self):
        """The one giver of the wizard (a partner, else its lead), or False
        with several givers."""
        self.ensure_one()
        return self.single_partner_id or (
            not self.wizard_id.partner_ids and self.wizard_id.lead_id
        )
