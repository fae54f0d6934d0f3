from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

LEGAL_BASES = [
    ("a", "Art. 6(1)(a) – consent"),
    ("b", "Art. 6(1)(b) – performance of a contract"),
    ("c", "Art. 6(1)(c) – legal obligation"),
    ("d", "Art. 6(1)(d) – vital interests"),
    ("e", "Art. 6(1)(e) – public interest or official authority"),
    ("f", "Art. 6(1)(f) – legitimate interests"),
]


class GdprProcessingActivity(models.Model):
    _name = "gdpr.processing.activity"
    _description = "GDPR Processing Activity"
    _inherit = ["mail.thread", "gdpr.register.line.mixin", "gdpr.evidence.mixin"]
    _gdpr_parent_field = "register_id"
    _order = "register_id, sequence, code, id"
    # Server-assigned number (SPEC section 7, see gdpr.evidence.mixin)
    _gdpr_identifier_field = "code"
    _gdpr_identifier_sequence = "gdpr.processing.activity"

    # Texts of the register limited in length (see _get_limited_text_fields)
    _TEXT_MAX_LENGTH = 4000

    register_id = fields.Many2one(
        "gdpr.processing.register",
        string="Processing Register",
        required=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(
        related="register_id.company_id", store=True, index=True, precompute=True
    )
    sequence = fields.Integer(default=10)
    code = fields.Char(
        string="Number",
        readonly=True,
        copy=False,
        index=True,
        help="Assigned when the activity is saved.",
    )
    name = fields.Char(string="Processing Activity", required=True, tracking=True)

    # Art. 30(1)(b)-(g)
    purpose = fields.Text(string="Purpose of Processing", tracking=True)
    legal_basis = fields.Selection(
        LEGAL_BASES,
        tracking=True,
        help="The lawfulness of processing under Art. 6(1) GDPR.",
    )
    data_subject_categories = fields.Text(
        string="Categories of Data Subjects", tracking=True
    )
    personal_data_categories = fields.Text(
        string="Categories of Personal Data", tracking=True
    )
    recipient_categories = fields.Text(string="Categories of Recipients", tracking=True)
    erasure_deadlines = fields.Text(
        string="Planned Erasure Deadlines",
        tracking=True,
        help="The envisaged time limits for erasure of the categories of data.",
    )
    security_measures = fields.Text(
        tracking=True,
        help="General description of the technical and organisational security "
        "measures (Art. 30(1)(g) and 32(1)).",
    )
    concerns_contacts = fields.Boolean(
        string="Concerns CRM Contacts",
        default=True,
        help="The activity processes data of customers and contacts kept in "
        "the CRM: it is listed in their personal data report (Art. 15).",
    )
    transfer_ids = fields.One2many(
        "gdpr.transfer",
        "activity_id",
        string="Third-Country Transfers",
        copy=True,
    )
    transfer_country_ids = fields.Many2many(
        "res.country",
        string="Third Countries",
        compute="_compute_transfer_country_ids",
        search="_search_transfer_country_ids",
    )

    _sql_constraints = [
        ("code_uniq", "unique(code)", "The number of a processing activity is unique."),
    ]

    def _compute_display_name(self):
        for activity in self:
            if activity.code:
                activity.display_name = f"[{activity.code}] {activity.name}"
            else:
                activity.display_name = activity.name

    @api.depends("transfer_ids.country_id")
    def _compute_transfer_country_ids(self):
        for activity in self:
            activity.transfer_country_ids = activity.transfer_ids.country_id

    def _search_transfer_country_ids(self, operator, value):
        return [("transfer_ids.country_id", operator, value)]

    @api.constrains(lambda self: self._get_limited_text_fields())
    def _check_text_length(self):
        limit = self._TEXT_MAX_LENGTH
        for activity in self:
            for field_name in self._get_limited_text_fields():
                length = len(activity[field_name] or "")
                if length > limit:
                    raise ValidationError(
                        _(
                            "“%(field)s” of processing activity %(activity)s has "
                            "%(length)s characters; at most %(limit)s are allowed.",
                            field=self._fields[field_name]._description_string(
                                self.env
                            ),
                            activity=activity.name,
                            length=length,
                            limit=limit,
                        )
                    )

    @api.model
    def _get_limited_text_fields(self):
        """Names of the texts limited to ``_TEXT_MAX_LENGTH`` characters.

        Extend the list (``super() + [...]``) to limit a text added by
        another module.
        """
        return [
            "purpose",
            "data_subject_categories",
            "personal_data_categories",
            "recipient_categories",
            "erasure_deadlines",
            "security_measures",
        ]
