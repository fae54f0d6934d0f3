from odoo import fields, models


class GdprConsentCategory(models.Model):
    _name = "gdpr.consent.category"
    _description = "GDPR Consent Category"
    _inherit = ["gdpr.dictionary.mixin"]

    description = fields.Text(translate=True)
    retention_months = fields.Integer(
        string="Retention After Withdrawal (months)",
        help="How long a withdrawn consent of this category is kept as "
        "evidence before its personal data is due for erasure. 0 keeps it "
        "without limit.",
    )
    retention_auto_anonymize = fields.Boolean(
        string="Anonymize Automatically",
        help="When the retention period has passed, the daily retention job "
        "anonymizes the consent (through the privacy lookup's logged "
        "erasure) instead of only listing it for the data protection officer.",
    )
    needs_consent = fields.Boolean(
        string="Communication Needs Consent",
        default=True,
        help="Communication in this category needs the person's consent: "
        "the e-mail composer warns when a recipient has no active consent in "
        "it.",
    )
    text_ids = fields.One2many(
        "gdpr.consent.text", "category_id", string="Consent Texts"
    )

    _sql_constraints = [
        (
            "retention_months_positive",
            "CHECK(retention_months >= 0)",
            "The retention period cannot be negative.",
        ),
    ]
