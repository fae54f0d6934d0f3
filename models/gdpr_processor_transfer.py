from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class GdprProcessorTransfer(models.Model):
    """A third country to which the processor (or its sub-processors)
    transfers the data, with its basis under GDPR Chapter V.

    The same rules as the register's transfers (``gdpr.transfer``): the
    basis from the transfer basis dictionary, an EEA country refused.
    """

    _name = "gdpr.processor.transfer"
    _description = "GDPR Processor Agreement Transfer"
    _inherit = ["gdpr.document.line.mixin", "gdpr.evidence.line.mixin"]
    _gdpr_parent_field = "agreement_id"
    _order = "agreement_id, sequence, id"
    _rec_name = "country_id"
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
    country_id = fields.Many2one(
        "res.country",
        string="Third Country",
        required=True,
        ondelete="restrict",
        help="A country of the European Economic Area is not a third country.",
    )
    basis_id = fields.Many2one(
        "gdpr.transfer.basis",
        string="Transfer Basis",
        required=True,
        ondelete="restrict",
        check_company=True,
        default=lambda self: self.env["gdpr.transfer.basis"]._get_default(),
        help="The legal basis of the transfer under GDPR Chapter V.",
    )
    details = fields.Text(
        string="Justification Details",
        help="E.g. the module of the standard contractual clauses signed.",
    )

    _sql_constraints = [
        (
            "agreement_country_uniq",
            "unique(agreement_id, country_id)",
            "A country appears only once among the transfers of an agreement.",
        ),
    ]

    @api.constrains("country_id")
    def _check_third_country(self):
        Transfer = self.env["gdpr.transfer"]
        eea = Transfer._get_eea_countries()
        for transfer in self:
            if transfer.country_id in eea:
                raise ValidationError(Transfer._get_eea_message(transfer.country_id))

    @api.onchange("country_id")
    def _onchange_country_id(self):
        """Refuse an EEA country the moment it is entered."""
        Transfer = self.env["gdpr.transfer"]
        if self.country_id and self.country_id in Transfer._get_eea_countries():
            message = Transfer._get_eea_message(self.country_id)
            self.country_id = False
            return {"warning": {"title": _("Not a third country"), "message": message}}
