from odoo import fields, models


class GdprChannel(models.Model):
    _name = "gdpr.channel"
    _description = "GDPR Communication Channel"
    _inherit = ["gdpr.dictionary.mixin"]

    kind = fields.Selection(
        [
            ("email", "Email"),
            ("phone", "Phone"),
            ("mobile", "Mobile"),
            ("address", "Postal address"),
        ],
        required=True,
        default="email",
        help="Which contact data of the consent giver this channel uses.",
    )
