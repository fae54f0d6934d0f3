from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression

# The wording of a basis, printed on the agreements that rest on it.
WORDING_FIELDS = ("name", "legal_reference", "description")


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

    def write(self, vals):
        reworded = self.filtered(
            lambda basis: any(
                fname in vals
                and basis._gdpr_value_changes(basis._fields[fname], vals[fname])
                and not basis._gdpr_untranslated(fname)
                for fname in WORDING_FIELDS
            )
        )
        reworded._gdpr_check_wording_unused()
        return super().write(vals)

    def _gdpr_untranslated(self, fname):
        """Whether ``fname`` has no translation yet in the user's language
        (it shows the English wording): giving one is no rewording."""
        self.ensure_one()
        lang = self.env.lang or "en_US"
        return lang != "en_US" and (
            self[fname] == self.with_context(lang="en_US")[fname]
        )

    def _update_field_translations(self, field_name, translations, digest=None, **kw):
        if field_name in WORDING_FIELDS:
            self._gdpr_check_wording_unused()
        return super()._update_field_translations(
            field_name, translations, digest=digest, **kw
        )

    def _gdpr_check_wording_unused(self):
        """Refuse rewording a basis that an agreement which was in force
        rests on: the agreement is evidence and would then show another
        Chapter V safeguard. A new entry is created instead (and the old one
        archived)."""
        if not self:
            return
        # sudo: agreements of every company rest on a shared basis; only
        # whether one does is read, and the message names the basis only.
        used = (
            self.env["gdpr.processor.transfer"]
            .sudo()
            .search(
                [
                    ("basis_id", "in", self.ids),
                    ("agreement_id.state", "in", ("in_force", "expired", "terminated")),
                ],
                limit=1,
            )
        )
        if used:
            raise UserError(
                self.env._(
                    "Transfer basis “%s” is the basis of a processor agreement "
                    "that was in force: its wording is part of that evidence and "
                    "does not change. Create a new basis (and archive this one) "
                    "instead.",
                    used.basis_id.with_env(self.env).display_name,
                )
            )
