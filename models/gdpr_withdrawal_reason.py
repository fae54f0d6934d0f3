from odoo import models


class GdprWithdrawalReason(models.Model):
    _name = "gdpr.withdrawal.reason"
    _description = "GDPR Consent Withdrawal Reason"
    _inherit = ["gdpr.dictionary.mixin"]
