from odoo import fields, models


class GdprConsentCategory(models.Model):
    _name = "gdpr.consent.category"
    _description = "GDPR Consent Category"
    _inherit = ["gdpr.dictionary.mixin"]

    description = fields.Text(translate=True)
    text_ids = fields.One2many(
        "gdpr.consent.text", "category_id", string="Consent Texts"
    )
