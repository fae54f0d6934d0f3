from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import format_date


class GdprJointController(models.Model):
    _name = "gdpr.joint.controller"
    _description = "GDPR Joint Controller"
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
        string="Joint Controller",
        required=True,
        check_company=True,
        tracking=True,
    )
    date_from = fields.Date(string="From", tracking=True)
    date_to = fields.Date(string="To", tracking=True)
    address_id = fields.Many2one(
        "res.partner",
        string="Contact Address",
        compute="_compute_address_id",
        store=True,
        readonly=False,
        check_company=True,
        tracking=True,
        help="One of the joint controller's active addresses.",
    )
    description = fields.Text(
        help="The respective responsibilities of the joint controllers (Art. 26).",
    )

    @api.depends("partner_id")
    def _compute_address_id(self):
        for line in self:
            line.address_id = self.env["gdpr.processing.register"]._default_address(
                line.partner_id, line.address_id
            )

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for line in self:
            if line.date_from and line.date_to and line.date_to < line.date_from:
                raise ValidationError(
                    _(
                        "The joint controller %(partner)s cannot end (%(date_to)s) "
                        "before it starts (%(date_from)s).",
                        partner=line.partner_id.display_name,
                        date_to=format_date(self.env, line.date_to),
                        date_from=format_date(self.env, line.date_from),
                    )
                )

    @api.constrains("partner_id", "address_id")
    def _check_address(self):
        for line in self:
            if line.address_id and not line.address_id._gdpr_is_address_of(
                line.partner_id
            ):
                raise ValidationError(
                    _(
                        "%(address)s is not an active address of %(partner)s.",
                        address=line.address_id.display_name,
                        partner=line.partner_id.display_name,
                    )
                )
