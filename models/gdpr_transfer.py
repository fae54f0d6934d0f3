from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..utils import is_blank


class GdprTransfer(models.Model):
    _name = "gdpr.transfer"
    _description = "GDPR Third-Country Transfer"
    _inherit = ["mail.thread", "gdpr.document.line.mixin"]
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
        ondelete="restrict",
        tracking=True,
        help="Required unless the recipient is an international organization. "
        "A country of the European Economic Area is not a third country.",
    )
    is_international_organisation = fields.Boolean(
        string="International Organization",
        tracking=True,
        help="The data goes to an international organization (Art. 4(26) GDPR) "
        "rather than to a country.",
    )
    organisation_name = fields.Char(
        string="Organization",
        compute="_compute_organisation_name",
        store=True,
        readonly=False,
        tracking=True,
        help="Name of the international organization receiving the data.",
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

    @api.depends("is_international_organisation")
    def _compute_organisation_name(self):
        for transfer in self:
            if not transfer.is_international_organisation:
                transfer.organisation_name = False

    @api.depends(
        "activity_id.display_name",
        "country_id.name",
        "is_international_organisation",
        "organisation_name",
    )
    def _compute_display_name(self):
        for transfer in self:
            transfer.display_name = _(
                "%(activity)s → %(country)s",
                activity=transfer.activity_id.display_name or "",
                country=transfer._get_recipient_name(),
            )

    @api.constrains(
        "activity_id",
        "country_id",
        "is_international_organisation",
        "organisation_name",
    )
    def _check_third_country(self):
        eea = self._get_eea_countries()
        for transfer in self:
            if transfer.is_international_organisation:
                if is_blank(transfer.organisation_name):
                    raise ValidationError(
                        _(
                            "Give the name of the international organization "
                            "receiving the data of processing activity %s.",
                            transfer.activity_id.name,
                        )
                    )
            elif transfer.organisation_name:
                raise ValidationError(
                    _(
                        "A transfer of processing activity %s to a third country "
                        "names no international organization.",
                        transfer.activity_id.name,
                    )
                )
            elif not transfer.country_id:
                raise ValidationError(
                    _(
                        "A transfer of processing activity %s goes to a third "
                        "country or to an international organization: choose one.",
                        transfer.activity_id.name,
                    )
                )
            if transfer.country_id in eea:
                raise ValidationError(transfer._get_eea_message(transfer.country_id))

    @api.constrains("activity_id", "is_international_organisation", "organisation_name")
    def _check_organisation_unique(self):
        organizations = self.search(
            [
                ("activity_id", "in", self.activity_id.ids),
                ("is_international_organisation", "=", True),
            ]
        )
        seen = {}
        for transfer in organizations:
            key = (transfer.activity_id.id, transfer._get_organisation_key())
            if key in seen:
                raise ValidationError(
                    _(
                        "An international organization appears only once among "
                        "the transfers of processing activity %s.",
                        transfer.activity_id.name,
                    )
                )
            seen[key] = transfer

    def _get_organisation_key(self):
        """The organization's name as compared: case and spaces ignored."""
        self.ensure_one()
        return "".join((self.organisation_name or "").split()).casefold()

    @api.onchange("country_id")
    def _onchange_country_id(self):
        """Refuse an EEA country the moment it is entered, in the dialog."""
        if self.country_id and self.country_id in self._get_eea_countries():
            message = self._get_eea_message(self.country_id)
            self.country_id = False
            return {"warning": {"title": _("Not a third country"), "message": message}}

    @api.model
    def _get_eea_countries(self):
        """Countries of the European Economic Area: not third countries.

        The seeded country group ``crm_gdpr.res_country_group_eea``; edit the
        group (or override) to follow a change of membership.
        """
        group = self.env.ref("crm_gdpr.res_country_group_eea", raise_if_not_found=False)
        return group.sudo().country_ids if group else self.env["res.country"]

    @api.model
    def _get_eea_country_codes(self):
        """ISO codes of the countries of :meth:`_get_eea_countries`."""
        return set(self._get_eea_countries().mapped("code"))

    @api.model
    def _get_eea_message(self, country):
        return _(
            "%(country)s belongs to the European Economic Area: it is not a "
            "third country, a transfer to it needs no justification under "
            "GDPR Chapter V.",
            country=country.name,
        )

    def _get_recipient_name(self):
        """The country or the international organization receiving the data."""
        self.ensure_one()
        if self.is_international_organisation:
            return self.organisation_name or ""
        return self.country_id.name or ""
