from odoo import models


class GdprConsentSource(models.Model):
    _name = "gdpr.consent.source"
    _description = "GDPR Consent Source"
    _inherit = ["gdpr.dictionary.mixin"]
