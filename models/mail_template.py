from odoo import fields, models


class MailTemplate(models.Model):
    _inherit = "mail.template"

    gdpr_category_id = fields.Many2one(
        "gdpr.consent.category",
        string="Consent Category",
        ondelete="set null",
        groups="crm_gdpr.group_gdpr_user",
        help="The communication this template writes belongs to this consent "
        "category: when it needs consent, the e-mail composer lists the "
        "recipients without an active consent in it.",
    )
