from odoo import fields, models


class PrivacyLog(models.Model):
    _inherit = "privacy.log"

    # Privacy logs are bound to the company of the user who erased (record
    # rule privacy_log_rule_company): an officer reads the erasures of the
    # companies they work in.
    company_id = fields.Many2one(
        "res.company",
        index=True,
        readonly=True,
        default=lambda self: self.env.company,
    )
