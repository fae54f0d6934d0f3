from odoo import models


class GdprWithdrawalSource(models.Model):
    _name = "gdpr.withdrawal.source"
    _description = "GDPR Consent Withdrawal Source"
    _inherit = ["gdpr.dictionary.mixin"]
