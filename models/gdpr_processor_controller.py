from odoo import fields, models


class GdprProcessorController(models.Model):
    """A controller on whose behalf the company acts as processor: a line of
    a processor's register of processing activities (Art. 30(2)(a) GDPR)."""

    _name = "gdpr.processor.controller"
    _description = "GDPR Controller Served by the Processor"
    _inherit = ["mail.thread", "gdpr.document.line.mixin"]
    _gdpr_parent_field = "register_id"
    _order = "register_id, sequence, id"
    _rec_name = "partner_id"
    _check_company_auto = True

    register_id = fields.Many2one(
        "gdpr.processing.register",
        required=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(
        related="register_id.company_id", store=True, index=True, precompute=True
    )
    sequence = fields.Integer(default=10)
    partner_id = fields.Many2one(
        "res.partner",
        string="Controller",
        required=True,
        check_company=True,
        tracking=True,
    )
    representative_id = fields.Many2one(
        "res.partner",
        string="Controller's Representative",
        check_company=True,
        tracking=True,
        help="The controller's representative in the Union (Art. 27), if any.",
    )
    dpo_id = fields.Many2one(
        "res.partner",
        string="Controller's Data Protection Officer",
        check_company=True,
        tracking=True,
    )
    agreement_reference = fields.Char(
        string="Agreement",
        tracking=True,
        help="The processing agreement signed with the controller.",
    )

    _sql_constraints = [
        (
            "register_partner_uniq",
            "unique(register_id, partner_id)",
            "A controller appears only once in a processor's register.",
        ),
    ]
