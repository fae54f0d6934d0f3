from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

# Member states of the European Union (EU-27) by ISO 3166-1 alpha-2 code,
# plus the EU territories Odoo lists as countries of their own: Åland (part
# of Finland) and the French outermost regions.
EU_COUNTRY_CODES = {
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU",
    "IE", "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES",
    "SE",
    "AX", "GF", "GP", "MQ", "RE", "YT", "MF",
}  # fmt: skip
# The EFTA states of the European Economic Area.
EEA_EFTA_COUNTRY_CODES = {"IS", "LI", "NO"}


class GdprTransfer(models.Model):
    _name = "gdpr.transfer"
    _description = "GDPR Third-Country Transfer"
    _inherit = ["mail.thread", "gdpr.register.line.mixin"]
    _gdpr_parent_field = "activity_id"
    _order = "activity_id, sequence, id"
    _check_company_auto = True

    activity_id = fields.Many2one(
        "gdpr.processing.activity",
        string="Processing Activity",
        required=True,
        index=True,
        ondelete="cascade",
    )
    register_id = fields.Many2one(
        related="activity_id.register_id", store=True, index=True, precompute=True
    )
    company_id = fields.Many2one(
        related="activity_id.company_id", store=True, index=True, precompute=True
    )
    sequence = fields.Integer(default=10)
    country_id = fields.Many2one(
        "res.country",
        string="Third Country",
        required=True,
        ondelete="restrict",
        tracking=True,
    )
    basis_id = fields.Many2one(
        "gdpr.transfer.basis",
        string="Transfer Basis",
        required=True,
        ondelete="restrict",
        check_company=True,
        tracking=True,
        default=lambda self: self.env["gdpr.transfer.basis"]._get_default(),
        help="The legal basis of the transfer under GDPR Chapter V.",
    )
    details = fields.Text(
        string="Justification Details",
        tracking=True,
        help="E.g. the adequacy decision, the clauses signed, the documented "
        "suitable safeguards.",
    )

    _sql_constraints = [
        (
            "activity_country_uniq",
            "unique(activity_id, country_id)",
            "A country appears only once among the transfers of a processing activity.",
        ),
    ]

    def _compute_display_name(self):
        for transfer in self:
            transfer.display_name = _(
                "%(activity)s → %(country)s",
                activity=transfer.activity_id.display_name or "",
                country=transfer.country_id.name or "",
            )

    @api.constrains("country_id")
    def _check_third_country(self):
        eea_codes = self._get_eea_country_codes()
        for transfer in self:
            if transfer.country_id.code in eea_codes:
                raise ValidationError(
                    _(
                        "%(country)s belongs to the European Economic Area: it is "
                        "not a third country, a transfer to it needs no "
                        "justification under GDPR Chapter V.",
                        country=transfer.country_id.name,
                    )
                )

    @api.model
    def _get_eea_country_codes(self):
        """ISO codes of the countries of the European Economic Area.

        Transfers to them are not transfers to a third country. Override to
        follow a change of membership, e.g.
        ``return super()._get_eea_country_codes() | {"XX"}``.
        """
        return EU_COUNTRY_CODES | EEA_EFTA_COUNTRY_CODES
