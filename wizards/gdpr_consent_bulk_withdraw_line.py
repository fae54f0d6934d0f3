from odoo import _, api, fields, models
from odoo.exceptions import AccessError


class GdprConsentBulkWithdrawLine(models.TransientModel):
    _name = "gdpr.consent.bulk.withdraw.line"
    _description = "GDPR Consents: Bulk Withdrawal Line"
    _inherit = ["gdpr.value.check.mixin"]
    _order = "id"

    wizard_id = fields.Many2one(
        "gdpr.consent.bulk.withdraw", required=True, ondelete="cascade"
    )
    consent_id = fields.Many2one("gdpr.consent", required=True, ondelete="cascade")
    to_withdraw = fields.Boolean(string="Withdraw")
    # Read as the user (compute_sudo=False): a line never shows what the
    # user cannot read of a consent (SPEC section 8).
    partner_id = fields.Many2one(related="consent_id.partner_id", compute_sudo=False)
    lead_id = fields.Many2one(related="consent_id.lead_id", compute_sudo=False)
    category_id = fields.Many2one(related="consent_id.category_id", compute_sudo=False)
    text_id = fields.Many2one(related="consent_id.text_id", compute_sudo=False)
    date_given = fields.Date(related="consent_id.date_given", compute_sudo=False)
    contact_value = fields.Char(related="consent_id.contact_value", compute_sudo=False)

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines._check_consent_access()
        return lines

    def write(self, vals):
        res = super().write(vals)
        if "consent_id" in vals:
            self._check_consent_access()
        return res

    @api.onchange("consent_id")
    def _onchange_consent_id(self):
        self._check_consent_access()

    def _check_consent_access(self):
        consents = self.consent_id._origin
        if consents and consents.sudo(False)._filtered_access("read") != consents:
            raise AccessError(_("You cannot withdraw a consent you cannot read."))
