from odoo import fields, models


class GdprDataCategory(models.Model):
    _name = "gdpr.data.category"
    _description = "GDPR Personal Data Category"
    _inherit = ["gdpr.dictionary.mixin"]

    description = fields.Text(
        translate=True,
        help="What the category covers, as the notification form of the "
        "supervisory authority lists it.",
    )
    is_special = fields.Boolean(
        string="Special or Criminal Data",
        help="Special categories of personal data (Art. 9 GDPR) or data "
        "relating to criminal convictions and offenses (Art. 10 GDPR).",
    )
