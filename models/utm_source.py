from odoo import fields, models


class UtmSource(models.Model):
    _inherit = "utm.source"

    gdpr_from_data_subject = fields.Boolean(
        string="Collected from the Person",
        default=True,
        help="Leads of this source come from the person themselves (a web "
        "form, an e-mail they wrote). Untick it for purchased lists and other "
        "third-party sources: their leads must be given the information "
        "notice within one month (GDPR Art. 14(3)).",
    )
