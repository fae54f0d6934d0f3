import contextvars
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_date

from ..utils import context_var_set, record_id
from .gdpr_dpia_risk import LEVELS, risk_level

# The responsible person's reminder falls due this long before the review.
REMINDER_ADVANCE = timedelta(days=14)
TEXT_FIELDS = (
    "systematic_description",
    "necessity_proportionality",
    "data_subjects_views",
    "action_plan",
    "dpo_advice",
    "decision_reason",
    "consultation_outcome",
)
# Set while action_review creates the review: previous_id is the server's
# (a ContextVar, not a context key, which an RPC client could send).
_REVIEWING = contextvars.ContextVar("crm_gdpr_dpia_reviewing", default=False)
LEVEL_ORDER = {"low": 1, "medium": 2, "high": 3}
# The fields of an impact assessment locked once it is decided.
LOCKED_FIELDS = (
    "activity_id",
    "previous_id",
    "systematic_description",
    "necessity_proportionality",
    "data_subjects_views",
    "action_plan",
    "dpo_id",
    "dpo_advice",
    "date_dpo_advice",
    "decision",
    "date_decision",
    "decision_by_id",
    "decision_reason",
    "date_consultation",
    "consultation_reference",
    "consultation_outcome",
)
# The fields of an impact assessment that the evidence log records (texts
# hashed): the locked ones, its company, state and review date.
EVIDENCE_FIELDS = ("company_id", "state", *LOCKED_FIELDS, "date_review")


class GdprDpia(models.Model):
    _name = "gdpr.dpia"
    _description = "GDPR Data Protection Impact Assessment"
    _inherit = [
        "gdpr.value.check.mixin",
        "gdpr.evidence.mixin",
        "gdpr.deadline.mixin",
        "mail.thread",
        "mail.activity.mixin",
    ]
    _order = "id desc"
    _check_company_auto = True

    # Evidence once decided (SPEC section 7, see gdpr.evidence.mixin)
    _gdpr_identifier_field = "name"
    _gdpr_identifier_sequence = "gdpr.dpia"
    _gdpr_locked_fields = LOCKED_FIELDS
    # Computed: never written by a client (the approval checks the real
    # values); the company follows the activity. The decider is the user
    # who decides (see write).
    _gdpr_technical_fields = (
        "overdue_notified",
        "is_overdue",
        "risk_level",
        "residual_risk_level",
        "prior_consultation_required",
        "company_id",
    )
    _gdpr_copy_refused = True
    _gdpr_unlink_refused = True
    _gdpr_append_only_chatter = True
    # In the evidence log once decided (see _gdpr_evidence_log_domain)
    _gdpr_evidence_log = True

    # The review (gdpr.deadline.mixin)
    _gdpr_deadline_field = "date_review"
    _gdpr_reminder_activity_type = "crm_gdpr.mail_activity_type_gdpr_dpia_review"
    _gdpr_reminder_advance = REMINDER_ADVANCE

    name = fields.Char(
        string="Reference",
        required=True,
        readonly=True,
        copy=False,
        index="trigram",
        tracking=True,
        default=lambda self: _("New"),
    )
    activity_id = fields.Many2one(
        "gdpr.processing.activity",
        string="Processing Activity",
        required=True,
        index=True,
        tracking=True,
        ondelete="restrict",
    )
    company_id = fields.Many2one(
        related="activity_id.company_id", store=True, index=True, precompute=True
    )
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        tracking=True,
        default=lambda self: self.env.user,
        domain="[('share', '=', False)]",
        help="Gets the reminder before the review date.",
    )
    state = fields.Selection(
        [("draft", "Draft"), ("decided", "Decided")],
        default="draft",
        required=True,
        index=True,
        tracking=True,
        copy=False,
    )

    # Context and fundamental principles (Art. 35(7)(a), (b))
    systematic_description = fields.Text(
        tracking=True,
        help="Art. 35(7)(a): the envisaged processing operations, their "
        "purposes and the legitimate interest pursued.",
    )
    necessity_proportionality = fields.Text(
        string="Necessity and Proportionality",
        tracking=True,
        help="Art. 35(7)(b): why the processing is necessary and proportionate "
        "to its purposes.",
    )
    data_subjects_views = fields.Text(
        string="Views of the Data Subjects",
        tracking=True,
        help="Art. 35(9): the views of data subjects or their representatives, "
        "where appropriate.",
    )

    # Risks (Art. 35(7)(c), (d))
    risk_ids = fields.One2many("gdpr.dpia.risk", "dpia_id", string="Risks")
    risk_level = fields.Selection(
        LEVELS,
        string="Highest Risk",
        compute="_compute_risk_levels",
        store=True,
    )
    residual_risk_level = fields.Selection(
        LEVELS,
        string="Highest Residual Risk",
        compute="_compute_risk_levels",
        store=True,
    )
    prior_consultation_required = fields.Boolean(
        compute="_compute_risk_levels",
        store=True,
        help="Art. 36(1): a high residual risk requires consulting the "
        "supervisory authority before processing.",
    )
    action_plan = fields.Text(
        tracking=True,
        help="The measures still to be put in place, who does it and by when.",
    )

    # Validation: the DPO's advice (Art. 35(2)) and the decision
    dpo_id = fields.Many2one(
        "res.partner",
        string="Data Protection Officer",
        tracking=True,
        check_company=True,
    )
    dpo_advice = fields.Text(string="Advice of the DPO", tracking=True)
    date_dpo_advice = fields.Date(string="Advice Given On", tracking=True)
    decision = fields.Selection(
        [
            ("approved", "Processing approved"),
            ("approved_measures", "Approved once the action plan is carried out"),
            ("rejected", "Processing not to be carried out"),
        ],
        tracking=True,
    )
    date_decision = fields.Date(string="Decided On", tracking=True)
    decision_by_id = fields.Many2one(
        "res.users",
        string="Decided By",
        tracking=True,
        domain="[('share', '=', False)]",
    )
    decision_reason = fields.Text(
        string="Reasons for the Decision",
        tracking=True,
        help="In particular where the decision departs from the DPO's advice.",
    )

    # Prior consultation (Art. 36)
    date_consultation = fields.Date(string="Authority Consulted On", tracking=True)
    consultation_reference = fields.Char(
        string="Authority's Case Reference", tracking=True
    )
    consultation_outcome = fields.Text(
        string="Outcome of the Consultation", tracking=True
    )

    # Review (Art. 35(11))
    previous_id = fields.Many2one(
        "gdpr.dpia",
        string="Reviews Assessment",
        readonly=True,
        copy=False,
        check_company=True,
        tracking=True,
        index="btree_not_null",
        help="The decided assessment this one reviews.",
    )
    date_review = fields.Date(
        string="Review Date",
        tracking=True,
        help="When the assessment is reviewed, at the latest (Art. 35(11)). "
        "The responsible person is reminded two weeks before.",
    )

    _sql_constraints = [
        (
            "name_company_uniq",
            "unique(name, company_id)",
            "The impact assessment reference must be unique per company.",
        ),
    ]

    @api.depends("risk_ids.level", "risk_ids.residual_level")
    def _compute_risk_levels(self):
        for dpia in self:
            dpia.risk_level = self._max_level(dpia.risk_ids.mapped("level"))
            dpia.residual_risk_level = self._max_level(
                dpia.risk_ids.mapped("residual_level")
            )
            dpia.prior_consultation_required = dpia.residual_risk_level == "high"

    @api.constrains("previous_id", "activity_id")
    def _check_previous(self):
        for dpia in self.filtered("previous_id"):
            previous = dpia.previous_id
            if (
                previous.activity_id != dpia.activity_id
                or previous.state != "decided"
                or previous == dpia
            ):
                raise ValidationError(
                    _(
                        "Impact assessment %s reviews a decided assessment of "
                        "the same processing activity.",
                        dpia.name,
                    )
                )

    @api.model
    def _max_level(self, levels):
        levels = [level for level in levels if level]
        return max(levels, key=LEVEL_ORDER.get) if levels else False

    @api.depends("name", "activity_id.name")
    def _compute_display_name(self):
        for dpia in self:
            dpia.display_name = (
                f"{dpia.name} - {dpia.activity_id.name}"
                if dpia.activity_id
                else dpia.name
            )

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------
    @api.constrains(
        "state",
        "decision",
        "dpo_id",
        "dpo_advice",
        "date_decision",
        "date_consultation",
        "consultation_reference",
        "consultation_outcome",
        "prior_consultation_required",
        "date_review",
        "action_plan",
        "decision_reason",
    )
    def _check_decision(self):
        # A draft may prepare its decision; it counts once decided.
        for dpia in self.filtered(lambda d: d.state == "decided"):
            dpia._check_decidable()

    @api.constrains(
        "date_dpo_advice", "date_decision", "date_consultation", "date_review"
    )
    def _check_dates(self):
        today = fields.Date.context_today(self)
        for dpia in self:
            for fname in ("date_dpo_advice", "date_decision", "date_consultation"):
                if dpia[fname] and dpia[fname] > today:
                    raise ValidationError(
                        _(
                            "“%(field)s” of impact assessment %(name)s cannot be in "
                            "the future.",
                            field=self._fields[fname]._description_string(self.env),
                            name=dpia.name,
                        )
                    )
            if (
                dpia.date_consultation
                and dpia.date_decision
                and dpia.date_consultation > dpia.date_decision
            ):
                raise ValidationError(
                    _(
                        "Impact assessment %s: the supervisory authority is "
                        "consulted before the decision (Art. 36(1) GDPR), not "
                        "after it.",
                        dpia.name,
                    )
                )
            if (
                dpia.date_review
                and dpia.date_decision
                and dpia.date_review < dpia.date_decision
            ):
                raise ValidationError(
                    _(
                        "Impact assessment %s is reviewed after its decision.",
                        dpia.name,
                    )
                )

    @api.constrains("user_id", "decision_by_id", "company_id")
    def _check_officers(self):
        for dpia in self:
            for fname in ("user_id", "decision_by_id"):
                dpia._gdpr_check_officer_field(fname)

    @api.constrains(*TEXT_FIELDS)
    def _check_text_length(self):
        for dpia in self:
            for fname in TEXT_FIELDS:
                if len(dpia[fname] or "") > 10000:
                    raise ValidationError(
                        _(
                            "“%(field)s” of impact assessment %(name)s is longer "
                            "than %(max)s characters.",
                            field=self._fields[fname]._description_string(self.env),
                            name=dpia.name,
                            max=10000,
                        )
                    )

    def _check_decidable(self):
        """Raise what the assessment still lacks to be decided."""
        self.ensure_one()
        if not (self.systematic_description or "").strip():
            raise ValidationError(
                _(
                    "Impact assessment %s: describe the processing "
                    "(Art. 35(7)(a) GDPR) before deciding.",
                    self.name,
                )
            )
        if not self.risk_ids:
            raise ValidationError(
                _(
                    "Impact assessment %s: assess the risks (Art. 35(7)(c) GDPR) "
                    "before deciding.",
                    self.name,
                )
            )
        unscored = self.risk_ids.filtered(lambda risk: not risk.residual_level)
        if unscored:
            raise ValidationError(
                _(
                    "Impact assessment %(name)s: score the residual risk of "
                    "“%(risk)s” after its measures before deciding.",
                    name=self.name,
                    risk=unscored[0].name,
                )
            )
        if not (self.dpo_advice or "").strip():
            raise ValidationError(
                _(
                    "Impact assessment %s: record the advice of the data "
                    "protection officer (Art. 35(2) GDPR) before deciding.",
                    self.name,
                )
            )
        if not self.dpo_id:
            raise ValidationError(
                _(
                    "Impact assessment %s: name the data protection officer "
                    "who gave the advice before deciding.",
                    self.name,
                )
            )
        if not self.decision or not self.date_decision:
            raise ValidationError(
                _("Impact assessment %s: give the decision and its date.", self.name)
            )
        if self.decision != "rejected" and not self.date_review:
            raise ValidationError(
                _(
                    "Impact assessment %s: give the date of its review "
                    "(Art. 35(11) GDPR) before approving the processing.",
                    self.name,
                )
            )
        if (
            self.decision == "approved_measures"
            and not (self.action_plan or "").strip()
        ):
            raise ValidationError(
                _(
                    "Impact assessment %s: the processing is approved once the "
                    "action plan is carried out; describe the action plan.",
                    self.name,
                )
            )
        if self.decision == "rejected" and not (self.decision_reason or "").strip():
            raise ValidationError(
                _(
                    "Impact assessment %s: give the reasons for not carrying "
                    "out the processing.",
                    self.name,
                )
            )
        if (
            self.prior_consultation_required
            and self.decision != "rejected"
            and not (
                self.date_consultation
                and (self.consultation_reference or "").strip()
                and (self.consultation_outcome or "").strip()
            )
        ):
            raise ValidationError(
                _(
                    "Impact assessment %s: the residual risk stays high. The "
                    "supervisory authority is consulted before the processing "
                    "is approved (Art. 36(1) GDPR): give the date of the "
                    "consultation, the authority's case reference and its "
                    "outcome, or reject the processing.",
                    self.name,
                )
            )

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        # The model's access first: its error, not one about what the
        # values name.
        self.browse().check_access("create")
        # The values' types first: the checks below read them.
        vals_list = self._gdpr_check_values(vals_list)
        for vals in vals_list:
            # Before the company check, which names the records it refuses.
            self._gdpr_check_readable_values(
                [vals], self._gdpr_company_checked_fields(vals)
            )
            if vals.get("decision_by_id") and not self.env.su:
                self._gdpr_raise_not_writable("decision_by_id")
            if vals.get("state", "draft") != "draft":
                raise UserError(
                    _("An impact assessment is registered as a draft, then decided.")
                )
            if (
                vals.get("previous_id") or self.env.context.get("default_previous_id")
            ) and not _REVIEWING.get():
                self._gdpr_raise_not_writable("previous_id")
        return super().create(vals_list)

    def write(self, vals):
        # The values' types first: the checks below read them.
        vals = self._gdpr_check_values([vals])[0]
        self._gdpr_check_company_move(vals)
        self._gdpr_check_readable_values(
            [vals], self._gdpr_company_checked_fields(vals)
        )
        if (
            "previous_id" in vals
            and not self.env.su
            and self._gdpr_changes("previous_id", vals["previous_id"])
        ):
            self._gdpr_raise_not_writable("previous_id")
        if "date_review" in vals and not vals["date_review"]:
            decided = self.filtered(lambda d: d.state == "decided" and d.date_review)
            if decided:
                raise UserError(
                    _(
                        "Impact assessment %s is decided: its review date can be "
                        "moved but not removed.",
                        decided[0].name,
                    )
                )
        deciding = vals.get("state") == "decided" and all(
            dpia.state == "draft" for dpia in self
        )
        if (
            "decision_by_id" in vals
            and not self.env.su
            and not (deciding and record_id(vals["decision_by_id"]) == self.env.uid)
            and self._gdpr_changes("decision_by_id", vals["decision_by_id"])
        ):
            self._gdpr_raise_not_writable("decision_by_id")
        if deciding:
            # The decider is the user who decides.
            vals = {**vals, "decision_by_id": self.env.uid}
        if "state" in vals:
            for dpia in self:
                if dpia.state == "decided" and vals["state"] != "decided":
                    raise UserError(
                        _(
                            "Impact assessment %s is decided: it is evidence and "
                            "stays as decided. Review it in a new assessment.",
                            dpia.name,
                        )
                    )
        return super().write(vals)

    def _gdpr_evidence_records(self):
        return self.filtered(lambda dpia: dpia.state == "decided")

    # ------------------------------------------------------------------
    # The evidence log (gdpr.evidence.mixin hooks)
    # ------------------------------------------------------------------
    @api.model
    def _gdpr_evidence_log_domain(self):
        return [("state", "=", "decided")]

    def _gdpr_evidence_values(self):
        """The assessment as decided: ids of the activity, the DPO's partner
        and the decider, dates, the decision, digests of the texts, and its
        risks scored. No name of a person in clear."""
        Event = self.env["gdpr.evidence.event"]
        return {
            dpia.id: {
                "name": dpia.name,
                **{
                    fname: Event._gdpr_field_value(dpia, fname)
                    for fname in EVIDENCE_FIELDS
                },
                "risks": [
                    [
                        risk.id,
                        risk.sequence,
                        Event._gdpr_digest(risk.name),
                        risk.risk_type or None,
                        risk.likelihood or None,
                        risk.severity or None,
                        Event._gdpr_digest(risk.measures),
                        risk.residual_likelihood or None,
                        risk.residual_severity or None,
                    ]
                    for risk in dpia.risk_ids.sorted("id")
                ],
            }
            for dpia in self
        }

    def _gdpr_evidence_trigger_fields(self):
        return ["name", "risk_ids", *EVIDENCE_FIELDS]

    def _gdpr_evidence_derived_mismatches(self):
        """The risk levels and the Art. 36 finding printed on the report are
        stored: compare them (and each risk's scores and company) with a
        recomputation from the logged likelihoods and severities."""
        mismatches = {}
        for dpia in self:
            wrong = []
            levels, residual_levels = [], []
            for risk in dpia.risk_ids:
                score = int(risk.likelihood or 0) * int(risk.severity or 0)
                residual = int(risk.residual_likelihood or 0) * int(
                    risk.residual_severity or 0
                )
                levels.append(risk_level(score))
                residual_levels.append(risk_level(residual))
                if (
                    risk.score != score
                    or risk.level != risk_level(score)
                    or risk.residual_score != residual
                    or risk.residual_level != risk_level(residual)
                ):
                    wrong.append("risks")
                if risk.company_id != dpia.company_id:
                    wrong.append("risks.company_id")
            residual_level = self._max_level(residual_levels)
            if dpia.risk_level != self._max_level(levels):
                wrong.append("risk_level")
            if dpia.residual_risk_level != residual_level:
                wrong.append("residual_risk_level")
            if dpia.prior_consultation_required != (residual_level == "high"):
                wrong.append("prior_consultation_required")
            if wrong:
                mismatches[dpia.id] = sorted(set(wrong))
        return mismatches

    @api.model
    def _gdpr_evidence_immutable_keys(self):
        """Once decided, only the review date moves."""
        return (
            "name",
            "risks",
            *(key for key in EVIDENCE_FIELDS if key != "date_review"),
        )

    def _gdpr_evidence_event_type_create(self):
        return "dpia_reviewed" if self.previous_id else "dpia_decided"

    def _gdpr_evidence_event_type_write(self, before, after, vals):
        return "dpia_updated"

    def _gdpr_unlink_refused_message(self):
        return _(
            "A decided impact assessment is evidence (Art. 5(2), 35 GDPR) and is "
            "never deleted; only drafts are."
        )

    # ------------------------------------------------------------------
    # The review (gdpr.deadline.mixin hooks)
    # ------------------------------------------------------------------
    def _gdpr_deadline_open_domain(self):
        return [("state", "=", "decided")]

    @api.model
    def _gdpr_deadline_depends(self):
        return ["date_review", "state", "user_id"]

    def _gdpr_reminder_user(self):
        self.ensure_one()
        return self.user_id or self.env.user

    def _gdpr_reminder_summary(self):
        self.ensure_one()
        return _(
            "Review impact assessment %(name)s by %(date)s",
            name=self.name,
            date=format_date(self.env, self.date_review),
        )

    def _gdpr_overdue_message(self):
        self.ensure_one()
        return _(
            "The review of this impact assessment was due on %s.",
            format_date(self.env, self.date_review),
        )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_decide(self):
        """Record the decision: the assessment becomes evidence."""
        today = fields.Date.context_today(self)
        for dpia in self:
            if dpia.state != "draft":
                raise UserError(_("Impact assessment %s is decided.", dpia.name))
            dpia.write(
                {"state": "decided", "date_decision": dpia.date_decision or today}
            )

    def action_review(self):
        """Start the review of a decided assessment (Art. 35(11)): a new
        draft with its description, principles, risks and action plan, to
        be assessed and decided again. The decided one stays as it was."""
        self.ensure_one()
        if self.state != "decided":
            raise UserError(
                _("Impact assessment %s is not decided: edit it instead.", self.name)
            )
        with context_var_set(_REVIEWING):
            review = self.create(self._get_review_values())
        self.message_post(
            body=_("Review started in impact assessment %s.", review.name),
            subtype_xmlid="mail.mt_note",
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": review.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    def _get_review_values(self):
        """The values of the draft that reviews this assessment. Extend to
        carry other fields over."""
        self.ensure_one()
        fnames = (
            "systematic_description",
            "necessity_proportionality",
            "data_subjects_views",
            "action_plan",
        )
        return {
            "activity_id": self.activity_id.id,
            "previous_id": self.id,
            "user_id": self.user_id.id,
            **{fname: self[fname] for fname in fnames},
            "dpo_id": self.dpo_id.id,
            "risk_ids": [
                (
                    0,
                    0,
                    {
                        "sequence": risk.sequence,
                        "name": risk.name,
                        "risk_type": risk.risk_type,
                        "likelihood": risk.likelihood,
                        "severity": risk.severity,
                        "measures": risk.measures,
                        "residual_likelihood": risk.residual_likelihood,
                        "residual_severity": risk.residual_severity,
                    },
                )
                for risk in self.risk_ids
            ],
        }

    def action_print(self):
        return self.env.ref("crm_gdpr.gdpr_dpia_report").report_action(self)
