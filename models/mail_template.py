from odoo import api, fields, models
from odoo.exceptions import ValidationError


class MailTemplate(models.Model):
    _inherit = "mail.template"

    gdpr_category_id = fields.Many2one(
        "gdpr.consent.category",
        string="Consent Category",
        ondelete="set null",
        domain="[('company_id', '=', False)]",
        groups="crm_gdpr.group_gdpr_user",
        help="The communication this template writes belongs to this consent "
        "category: when it needs consent, the e-mail composer lists the "
        "recipients without an active consent in it. Templates are shared by "
        "all companies: only a category of no company can be set.",
    )

    @api.constrains("gdpr_category_id")
    def _check_gdpr_category_company(self):
        # sudo: the category's company decides, whoever reads it.
        for template in self.sudo().filtered("gdpr_category_id.company_id"):
            raise ValidationError(
                self.env._(
                    "Template “%s” is shared by all companies: its consent "
                    "category must be one of no company.",
                    template.name,
                )
            )
