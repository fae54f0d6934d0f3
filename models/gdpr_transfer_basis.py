from odoo import api, fields, models
from odoo.osv import expression


class GdprTransferBasis(models.Model):
    _name = "gdpr.transfer.basis"
    _description = "GDPR Third-Country Transfer Basis"
    _inherit = ["gdpr.dictionary.mixin"]
    _rec_names_search = ["name", "legal_reference"]

    legal_reference = fields.Char(
        translate=True,
        help="The GDPR provision this basis rests on, e.g. “Art. 46(2)(c)”.",
    )
    description = fields.Text(translate=True)

    @api.depends("legal_reference", "name")
    def _compute_display_name(self):
        for basis in self:
            if basis.legal_reference:
                basis.display_name = f"{basis.legal_reference} – {basis.name}"
            else:
                basis.display_name = basis.name

    @api.model
    def _search_display_name(self, operator, value):
        """Find a basis by its name or article, in the user's language or in
        English: "46(2)" finds "Art. 46 ust. 2 lit. c RODO" in Polish too."""
        domain = super()._search_display_name(operator, value)
        if (
            value
            and isinstance(value, str)
            and operator in ("ilike", "=ilike", "like", "=like", "=")
            and (self.env.lang or "en_US") != "en_US"
        ):
            english = self.with_context(lang="en_US")._search(
                [("legal_reference", operator, value)]
            )
            domain = expression.OR([domain, [("id", "in", english)]])
        return domain
