from odoo import fields, models


class GdprProcessorSubprocessor(models.Model):
    _name = "gdpr.processor.subprocessor"
    _description = "GDPR Sub-Processor"
    _inherit = ["gdpr.document.line.mixin", "gdpr.evidence.line.mixin"]
    _gdpr_parent_field = "agreement_id"
    _order = "agreement_id, sequence, id"
    _rec_name = "partner_id"
    _check_company_auto = True

    agreement_id = fields.Many2one(
        "gdpr.processor.agreement",
        string="Processor Agreement",
        required=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(
        related="agreement_id.company_id", store=True, index=True, precompute=True
    )
    sequence = fields.Integer(default=10)
    partner_id = fields.Many2one(
        "res.partner",
        string="Sub-Processor",
        required=True,
        check_company=True,
        ondelete="restrict",
    )
    service = fields.Char(
        string="Processing Entrusted",
        help="What the sub-processor does with the data, e.g. hosting, support.",
    )
    country_id = fields.Many2one(
        "res.country",
        string="Country of Processing",
        ondelete="restrict",
        help="Where the sub-processor processes the data. A third country needs "
        "its transfer basis among the agreement's transfers.",
    )
