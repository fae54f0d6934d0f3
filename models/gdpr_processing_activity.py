from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..utils import is_blank
from .gdpr_value_check_mixin import _is_id

LEGAL_BASES = [
    ("a", "Art. 6(1)(a) – consent"),
    ("b", "Art. 6(1)(b) – performance of a contract"),
    ("c", "Art. 6(1)(c) – legal obligation"),
    ("d", "Art. 6(1)(d) – vital interests"),
    ("e", "Art. 6(1)(e) – public interest or official authority"),
    ("f", "Art. 6(1)(f) – legitimate interests"),
]

# Art. 9(2) GDPR: the conditions for processing special categories of data.
SPECIAL_CATEGORY_CONDITIONS = [
    ("a", "Art. 9(2)(a) – explicit consent"),
    ("b", "Art. 9(2)(b) – employment and social security law"),
    ("c", "Art. 9(2)(c) – vital interests of a person unable to consent"),
    ("d", "Art. 9(2)(d) – foundation, association or other not-for-profit body"),
    ("e", "Art. 9(2)(e) – data manifestly made public by the data subject"),
    ("f", "Art. 9(2)(f) – legal claims or courts"),
    ("g", "Art. 9(2)(g) – substantial public interest"),
    ("h", "Art. 9(2)(h) – preventive or occupational medicine, health or social care"),
    ("i", "Art. 9(2)(i) – public health"),
    ("j", "Art. 9(2)(j) – archiving, research or statistics"),
]


class GdprProcessingActivity(models.Model):
    _name = "gdpr.processing.activity"
    _description = "GDPR Processing Activity"
    _inherit = ["mail.thread", "gdpr.document.line.mixin", "gdpr.evidence.mixin"]
    _gdpr_parent_field = "register_id"
    _order = "register_id, sequence, code, id"
    # Server-assigned number (SPEC section 7, see gdpr.evidence.mixin)
    _gdpr_identifier_field = "code"
    _gdpr_identifier_sequence = "gdpr.processing.activity"
    _check_company_auto = True

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
        help="General description of the technical and organizational security "
        "measures (Art. 30(1)(g) and 32(1)).",
    )
    # Special and criminal data (Art. 9, 10), automated decisions (Art. 22),
    # data not collected from the data subject (Art. 14(2)(f))
    processes_special_categories = fields.Boolean(
        string="Special Categories of Data",
        tracking=True,
        help="The activity processes special categories of personal data "
        "(Art. 9(1) GDPR: health, origin, opinions, beliefs, biometrics...).",
    )
    special_category_condition = fields.Selection(
        SPECIAL_CATEGORY_CONDITIONS,
        string="Condition for Special Categories",
        tracking=True,
        help="The Art. 9(2) GDPR condition that allows processing them.",
    )
    processes_criminal_data = fields.Boolean(
        string="Criminal Convictions and Offenses",
        tracking=True,
        help="The activity processes personal data relating to criminal "
        "convictions and offenses (Art. 10 GDPR).",
    )
    criminal_data_basis = fields.Text(
        string="Basis for Criminal Data",
        tracking=True,
        help="The official authority or the Union or Member State law that "
        "authorizes the processing (Art. 10 GDPR).",
    )
    automated_decision = fields.Boolean(
        string="Automated Decision-Making or Profiling",
        tracking=True,
        help="Decisions based solely on automated processing, including "
        "profiling (Art. 22 GDPR).",
    )
    automated_decision_logic = fields.Text(
        string="Logic and Consequences",
        tracking=True,
        help="Meaningful information about the logic involved and the "
        "envisaged consequences for the data subject (Art. 15(1)(h) GDPR).",
    )
    collected_from_subject = fields.Boolean(
        string="Collected from the Data Subject",
        default=True,
        tracking=True,
    )
    data_source = fields.Text(
        string="Source of the Data",
        tracking=True,
        help="Where the data comes from when it is not collected from the data "
        "subject (Art. 14(2)(f) GDPR), e.g. a public register, a partner.",
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
    # Processor registers (Art. 30(2)(b)): on whose behalf
    register_type = fields.Selection(related="register_id.register_type")
    on_behalf_of_id = fields.Many2one(
        "res.partner",
        string="On Behalf of Controller",
        tracking=True,
        check_company=True,
        help="In a processor's register: the controller on whose behalf this "
        "category of processing is carried out (Art. 30(2)(b) GDPR).",
    )
    # Processors (Art. 28) and impact assessments (Art. 35)
    processor_agreement_ids = fields.Many2many(
        "gdpr.processor.agreement",
        "gdpr_processor_agreement_activity_rel",
        "activity_id",
        "agreement_id",
        string="Processor Agreements",
        check_company=True,
        # A copy is a new activity: no signed agreement serves it until the
        # DPO links one (a logged change of the agreement).
        copy=False,
        help="The agreements with the processors this activity uses.",
    )
    dpia_ids = fields.One2many("gdpr.dpia", "activity_id", string="Impact Assessments")
    dpia_count = fields.Integer(compute="_compute_dpia_count")
    dpia_required = fields.Boolean(
        string="DPIA Required",
        compute="_compute_dpia_required",
        search="_search_dpia_required",
        help="The activity involves profiling or automated decisions, or "
        "special categories of data: an impact assessment is required "
        "(Art. 35(3)(a), (b) GDPR).",
    )
    dpia_missing = fields.Boolean(
        string="DPIA Missing",
        compute="_compute_dpia_count",
        help="A DPIA is required and none is decided.",
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

    @api.depends("code", "name")
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

    @api.depends("automated_decision", "processes_special_categories")
    def _compute_dpia_required(self):
        for activity in self:
            activity.dpia_required = bool(
                activity.automated_decision or activity.processes_special_categories
            )

    def _search_dpia_required(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(
                self.env._("Search “DPIA Required” with = or != and True or False.")
            )
        domain = [
            "|",
            ("automated_decision", "=", True),
            ("processes_special_categories", "=", True),
        ]
        if (operator == "=") == value:
            return domain
        return ["!", *domain]

    @api.depends("dpia_ids.state", "dpia_required")
    def _compute_dpia_count(self):
        counts = {}
        decided = set()
        if self.ids:
            for activity, state, count in self.env["gdpr.dpia"]._read_group(
                [("activity_id", "in", self.ids)],
                ["activity_id", "state"],
                ["__count"],
            ):
                counts[activity.id] = counts.get(activity.id, 0) + count
                if state == "decided":
                    decided.add(activity.id)
        for activity in self:
            activity.dpia_count = counts.get(activity.id, 0)
            activity.dpia_missing = (
                activity.dpia_required and activity.id not in decided
            )

    @api.constrains("register_id", "on_behalf_of_id")
    def _check_on_behalf_of(self):
        for activity in self:
            register = activity.register_id
            if register.register_type != "processor" and activity.on_behalf_of_id:
                raise ValidationError(
                    _(
                        "Processing activity %s is in a controller's register: "
                        "it is carried out on no other controller's behalf.",
                        activity.name,
                    )
                )
            if (
                activity.on_behalf_of_id
                and activity.on_behalf_of_id
                not in register.processor_controller_ids.partner_id
            ):
                raise ValidationError(
                    _(
                        "Processing activity %s: the controller on whose behalf "
                        "it is carried out is one of the controllers of its "
                        "register (Art. 30(2)(a) GDPR).",
                        activity.name,
                    )
                )
            if register.register_type == "processor" and not (activity.on_behalf_of_id):
                raise ValidationError(
                    _(
                        "Processing activity %s is in a processor's register: "
                        "give the controller on whose behalf it is carried out "
                        "(Art. 30(2)(b) GDPR).",
                        activity.name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        # An activity created linked to agreements in force changes their
        # evidence: logged as from the agreement's side.
        agreements = self._gdpr_named_agreements(vals_list)
        agreements._gdpr_check_activities_logged()
        activities = super().create(vals_list)
        agreements._gdpr_log_activities_linked()
        return activities

    def write(self, vals):
        # Agreements in force linked or unlinked here change their evidence:
        # checked and logged as from the agreement's side.
        agreements = self.env["gdpr.processor.agreement"]
        if "processor_agreement_ids" in vals:
            agreements = self.processor_agreement_ids | self._gdpr_named_agreements(
                [vals]
            )
            agreements._gdpr_check_activities_logged()
        if "register_id" in vals:
            register = self.env["gdpr.processing.register"].browse(
                # An id only: other values are refused by the value checks.
                vals["register_id"] if _is_id(vals["register_id"]) else ()
            )
            moved = self.filtered(lambda a: a.company_id != register.company_id)
            if register.exists() and moved:
                moved._gdpr_check_company_kept()
        before = (
            {activity: activity.processor_agreement_ids for activity in self}
            if "processor_agreement_ids" in vals
            else {}
        )
        res = super().write(vals)
        for activity, served in before.items():
            for agreement in served - activity.processor_agreement_ids:
                agreement._check_activities_kept(
                    agreement.processing_activity_ids | activity
                )
        agreements._gdpr_log_activities_linked()
        return res

    @api.model
    def _gdpr_named_agreements(self, vals_list):
        """The existing agreements named by id in the ``processor_agreement_ids``
        values of ``vals_list`` (ids, or commands 1, 2, 3, 4 and 6)."""
        ids = set()
        for vals in vals_list:
            value = vals.get("processor_agreement_ids")
            for command in value if isinstance(value, (list, tuple)) else ():
                if isinstance(command, int) and not isinstance(command, bool):
                    ids.add(command)
                elif isinstance(command, (list, tuple)) and len(command) > 1:
                    if command[0] in (1, 2, 3, 4) and isinstance(command[1], int):
                        ids.add(command[1])
                    elif (
                        command[0] == 6
                        and len(command) > 2
                        and isinstance(command[2], (list, tuple))
                    ):
                        ids.update(
                            rid
                            for rid in command[2]
                            if isinstance(rid, int) and not isinstance(rid, bool)
                        )
        ids = [rid for rid in ids if 0 < rid < 2**31]
        return self.env["gdpr.processor.agreement"].browse(ids).exists()

    def unlink(self):
        self._gdpr_check_served()
        self._gdpr_unlink_dpias()
        return super().unlink()

    def _gdpr_evidence_agreements(self):
        """The agreements serving the activities that are evidence (in force
        or ended)."""
        return self.processor_agreement_ids._gdpr_evidence_records()

    def _gdpr_check_served(self):
        """Refuse deleting an activity an agreement in force serves."""
        agreements = self._gdpr_evidence_agreements()
        if agreements:
            activity = (agreements[0].processing_activity_ids & self)[:1]
            raise UserError(
                _(
                    "Processing activity %(activity)s is served by processor "
                    "agreement %(agreement)s, which was in force: it is part of "
                    "the agreement's evidence and is kept.",
                    activity=activity.display_name,
                    agreement=agreements[0].display_name,
                )
            )

    def _gdpr_check_company_kept(self):
        """Refuse a change of company of activities whose decided impact
        assessments or agreements in force are evidence of their company."""
        decided = self.dpia_ids.filtered(lambda dpia: dpia.state == "decided")
        agreements = self._gdpr_evidence_agreements()
        if decided or agreements:
            raise UserError(
                _(
                    "%(record)s is evidence of its company: the processing "
                    "activities it concerns do not change company.",
                    record=(decided or agreements)[0].display_name,
                )
            )

    def _gdpr_unlink_dpias(self):
        """Delete the draft impact assessments of the activities; refuse when
        one is decided (evidence, SPEC section 7)."""
        dpias = self.env["gdpr.dpia"].search([("activity_id", "in", self.ids)])
        decided = dpias.filtered(lambda dpia: dpia.state == "decided")
        if decided:
            raise UserError(
                _(
                    "Processing activity %s has a decided impact assessment: it "
                    "is evidence and the activity is kept.",
                    decided[0].activity_id.display_name,
                )
            )
        dpias.unlink()

    def action_view_dpias(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_gdpr.gdpr_dpia_action"
        )
        action["domain"] = [("activity_id", "=", self.id)]
        action["context"] = {"default_activity_id": self.id}
        return action

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

    @api.constrains(
        "processes_special_categories",
        "special_category_condition",
        "processes_criminal_data",
        "criminal_data_basis",
        "automated_decision",
        "automated_decision_logic",
        "collected_from_subject",
        "data_source",
    )
    def _check_article_conditions(self):
        for activity in self:
            if (
                activity.processes_special_categories
                and not activity.special_category_condition
            ):
                raise ValidationError(
                    _(
                        "Processing activity %s processes special categories of "
                        "data: choose its condition under Art. 9(2) GDPR.",
                        activity.name,
                    )
                )
            if activity.processes_criminal_data and is_blank(
                activity.criminal_data_basis
            ):
                raise ValidationError(
                    _(
                        "Processing activity %s processes criminal data: give the "
                        "authority or the law that allows it (Art. 10 GDPR).",
                        activity.name,
                    )
                )
            if activity.automated_decision and is_blank(
                activity.automated_decision_logic
            ):
                raise ValidationError(
                    _(
                        "Processing activity %s involves automated decision-making: "
                        "describe its logic and consequences (Art. 15(1)(h) GDPR).",
                        activity.name,
                    )
                )
            if not activity.collected_from_subject and is_blank(activity.data_source):
                raise ValidationError(
                    _(
                        "The data of processing activity %s is not collected from "
                        "the data subject: give its source (Art. 14(2)(f) GDPR).",
                        activity.name,
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
            "criminal_data_basis",
            "automated_decision_logic",
            "data_source",
        ]
