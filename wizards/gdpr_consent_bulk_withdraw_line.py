from odoo import fields, models


class GdprConsentBulkWithdrawLine(models.TransientModel):
    _name = "gdpr.consent.bulk.withdraw.line"
    _description = "GDPR Consents: Bulk Withdrawal Line"
    _order = "id"

    wizard_id = fields.Many2one(
        "gdpr.consent.bulk.withdraw", required=True, ondelete="cascade"
    )
    consent_id = fields.Many2one("gdpr.consent", required=True, ondelete="cascade")
    to_withdraw = fields.Boolean(string="Withdraw")
    partner_id = fields.Many2one(related="consent_id.partner_id")
    lead_id = fields.Many2one(related="consent_id.lead_id")
    category_id = fields.Many2one(related="consent_id.category_id")
    text_id = fields.Many2one(related="consent_id.text_id")
    date_given = fields.Date(related="consent_id.date_given")
    contact_value = fields.Char(related="consent_id.contact_value")
