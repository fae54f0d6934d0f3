from odoo import fields, models


class GdprTransferBasis(models.Model):
    _name = "gdpr.transfer.basis"
    _description = "GDPR Third-Country Transfer Basis"
    _inherit = ["gdpr.dictionary.mixin"]

    legal_reference = fields.Char(
        help="The GDPR provision this basis rests on, e.g. “Art. 46(2)(c)”.",
    )
    description = fields.Text(translate=True)

    def _compute_display_name(self):
        for basis in self:
            if basis.legal_reference:
                basis.display_name = f"{basis.legal_reference} – {basis.name}"
            else:
                basis.display_name = basis.name
