import contextvars
import hashlib
import logging
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_date

from ..utils import is_blank
from .gdpr_evidence_event import canonical_json

_logger = logging.getLogger(__name__)

# The processor's reminder falls due this long before the end date.
REMINDER_ADVANCE = timedelta(days=30)
# States in which the agreement is evidence (SPEC section 7): it was in force.
EVIDENCE_STATES = ("in_force", "expired", "terminated")
# Allowed changes of state; expiry is the daily job's (or the officer's) once
# the end date has passed.
TRANSITIONS = {
    "draft": ("in_force",),
    "in_force": ("expired", "terminated"),
}
# Art. 28(3)(a)-(h) GDPR: what the contract stipulates, as a checklist.
CLAUSE_FIELDS = (
    "clause_a_instructions",
    "clause_b_confidentiality",
    "clause_c_security",
    "clause_d_subprocessors",
    "clause_e_data_subject_rights",
    "clause_f_controller_obligations",
    "clause_g_deletion_return",
    "clause_h_audits",
)
# The texts of the contract (Art. 28(3) first sentence and (c)).
CONTRACT_TEXT_FIELDS = (
    "subject",
    "duration",
    "nature_purpose",
    "data_categories",
    "data_subject_categories",
    "security_measures",
)
# The fields of an agreement that the evidence log records (texts hashed).
EVIDENCE_FIELDS = (
    "company_id",
    "state",
    "processor_id",
    "date_signed",
    "date_end",
    "date_terminated",
    "termination_reason",
    *CONTRACT_TEXT_FIELDS,
    "subprocessing_authorisation",
    "document_name",
    "processing_activity_ids",
    *CLAUSE_FIELDS,
)
# Evidence keys that change after the agreement is put in force: its end,
# and the activities it serves (added, never removed).
EVIDENCE_MUTABLE_KEYS = (
    "state",
    "date_terminated",
    "termination_reason",
    "processing_activity_ids",
)
# Written only by the termination (_gdpr_terminate), never by a client.
TERMINATION_FIELDS = ("date_terminated", "termination_reason")
# Ids of the agreements that server code is terminating now: a ContextVar,
# not a context key, which an RPC client could send.
_TERMINATING = contextvars.ContextVar(
    "crm_gdpr_agreement_terminating", default=frozenset()
)
TEXT_FIELDS = (*CONTRACT_TEXT_FIELDS, "termination_reason", "notes")


class GdprProcessorAgreement(models.Model):
    _name = "gdpr.processor.agreement"
    _description = "GDPR Processor Agreement"
    # gdpr.deadline.mixin before mail.thread: the reminder is scheduled once
    # mail.thread has created the record.
    _inherit = [
        "gdpr.value.check.mixin",
        "gdpr.evidence.mixin",
        "gdpr.deadline.mixin",
        "mail.thread",
        "mail.activity.mixin",
    ]
    _order = "date_signed desc, id desc"
    _check_company_auto = True

    # Evidence once in force (SPEC section 7, see gdpr.evidence.mixin)
    _gdpr_identifier_field = "name"
    _gdpr_identifier_sequence = "gdpr.processor.agreement"
    _gdpr_locked_fields = (
        "processor_id",
        "date_signed",
        "date_end",
        "subject",
        "duration",
        "nature_purpose",
        "data_categories",
        "data_subject_categories",
        "subprocessing_authorisation",
        "security_measures",
        "document",
        "document_name",
        "company_id",
        *CLAUSE_FIELDS,
    )
    # Computed: never written by a client.
    _gdpr_technical_fields = (
        "overdue_notified",
        "is_overdue",
        "clauses_complete",
        "missing_clauses",
        "missing_transfer_country_ids",
    )
    _gdpr_copy_refused = True
    _gdpr_unlink_refused = True
    _gdpr_append_only_chatter = True
    # In the evidence log once in force (see _gdpr_evidence_log_domain)
    _gdpr_evidence_log = True

    # The end-date reminder (gdpr.deadline.mixin)
    _gdpr_deadline_field = "date_end"
    _gdpr_reminder_activity_type = (
        "crm_gdpr.mail_activity_type_gdpr_processor_agreement_end"
    )
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
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        tracking=True,
        default=lambda self: self.env.company,
    )
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        tracking=True,
        check_company=True,
        default=lambda self: self.env.user,
        domain="[('share', '=', False)]",
        help="Gets the reminder before the end date.",
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("in_force", "In Force"),
            ("expired", "Expired"),
            ("terminated", "Terminated"),
        ],
        default="draft",
        required=True,
        index=True,
        tracking=True,
        copy=False,
    )

    # The parties and the dates
    processor_id = fields.Many2one(
        "res.partner",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        help="The processor acting on behalf of the controller (Art. 28 GDPR).",
    )
    date_signed = fields.Date(string="Signed On", tracking=True)
    date_end = fields.Date(
        string="End Date",
        tracking=True,
        help="Empty for an agreement of indefinite duration. The responsible "
        "person is reminded a month before; the daily job expires the "
        "agreement the day after.",
    )
    date_terminated = fields.Date(
        string="Terminated On",
        readonly=True,
        copy=False,
        tracking=True,
        help="Given with the reason in the dialog of the Terminate button.",
    )
    termination_reason = fields.Text(
        string="Reason for Termination", readonly=True, copy=False, tracking=True
    )

    # Art. 28(3), first sentence: what the contract sets out
    subject = fields.Text(string="Subject-Matter", tracking=True)
    duration = fields.Text(string="Duration of the Processing", tracking=True)
    nature_purpose = fields.Text(string="Nature and Purpose", tracking=True)
    data_categories = fields.Text(string="Types of Personal Data", tracking=True)
    data_subject_categories = fields.Text(
        string="Categories of Data Subjects", tracking=True
    )
    security_measures = fields.Text(
        tracking=True,
        help="The technical and organizational measures the processor takes "
        "(Art. 28(3)(c), 32 GDPR).",
    )
    notes = fields.Text(tracking=True)

    # Art. 28(3)(a)-(h): the clauses of the contract
    clause_a_instructions = fields.Boolean(
        string="(a) Documented Instructions",
        tracking=True,
        help="Art. 28(3)(a): processes the data only on documented instructions "
        "from the controller, including with regard to transfers to a third "
        "country.",
    )
    clause_b_confidentiality = fields.Boolean(
        string="(b) Confidentiality",
        tracking=True,
        help="Art. 28(3)(b): persons authorized to process the data are bound "
        "by confidentiality.",
    )
    clause_c_security = fields.Boolean(
        string="(c) Security of Processing",
        tracking=True,
        help="Art. 28(3)(c): takes all measures required by Art. 32.",
    )
    clause_d_subprocessors = fields.Boolean(
        string="(d) Sub-Processors",
        tracking=True,
        help="Art. 28(3)(d): respects the conditions of Art. 28(2) and (4) for "
        "engaging another processor.",
    )
    clause_e_data_subject_rights = fields.Boolean(
        string="(e) Assistance with Data-Subject Rights",
        tracking=True,
        help="Art. 28(3)(e): assists the controller in responding to requests "
        "of data subjects (Chapter III).",
    )
    clause_f_controller_obligations = fields.Boolean(
        string="(f) Assistance with Art. 32–36",
        tracking=True,
        help="Art. 28(3)(f): assists the controller with security, breach "
        "notification, impact assessments and prior consultation.",
    )
    clause_g_deletion_return = fields.Boolean(
        string="(g) Deletion or Return",
        tracking=True,
        help="Art. 28(3)(g): deletes or returns all the personal data at the "
        "end of the services.",
    )
    clause_h_audits = fields.Boolean(
        string="(h) Information and Audits",
        tracking=True,
        help="Art. 28(3)(h): makes available all information necessary to "
        "demonstrate compliance and allows for audits and inspections.",
    )
    clauses_complete = fields.Boolean(
        string="All Art. 28(3) Clauses",
        compute="_compute_clauses_complete",
        store=True,
    )
    missing_clauses = fields.Text(
        compute="_compute_missing_clauses",
        help="The clauses of Art. 28(3)(a)–(h) GDPR the agreement does not stipulate.",
    )

    # Sub-processing (Art. 28(2), (4)) and transfers (Chapter V)
    subprocessing_authorisation = fields.Selection(
        [
            ("none", "Not allowed"),
            ("specific", "Specific authorization"),
            ("general", "General authorization"),
        ],
        string="Sub-Processing",
        default="none",
        required=True,
        tracking=True,
        help="Art. 28(2): the processor engages another processor only with the "
        "prior specific or general written authorization of the controller; "
        "under a general authorization it informs the controller of changes.",
    )
    subprocessor_ids = fields.One2many(
        "gdpr.processor.subprocessor",
        "agreement_id",
        string="Sub-Processors",
    )
    transfer_ids = fields.One2many(
        "gdpr.processor.transfer",
        "agreement_id",
        string="Third-Country Transfers",
    )
    missing_transfer_country_ids = fields.Many2many(
        "res.country",
        string="Third Countries Without a Basis",
        compute="_compute_missing_transfer_country_ids",
        help="Third countries where a sub-processor processes the data and "
        "for which no transfer basis is given.",
    )

    # The signed document and what the agreement serves
    document = fields.Binary(string="Signed Document", attachment=False)
    document_name = fields.Char()
    processing_activity_ids = fields.Many2many(
        "gdpr.processing.activity",
        "gdpr_processor_agreement_activity_rel",
        "agreement_id",
        "activity_id",
        string="Processing Activities",
        check_company=True,
        tracking=True,
        help="The processing activities of the register this agreement serves.",
    )

    _sql_constraints = [
        (
            "name_company_uniq",
            "unique(name, company_id)",
            "The agreement reference must be unique per company.",
        ),
    ]

    @api.depends(*CLAUSE_FIELDS)
    def _compute_clauses_complete(self):
        for agreement in self:
            agreement.clauses_complete = all(agreement[f] for f in CLAUSE_FIELDS)

    @api.depends(*CLAUSE_FIELDS)
    def _compute_missing_clauses(self):
        for agreement in self:
            agreement.missing_clauses = "\n".join(
                self._fields[fname]._description_string(self.env)
                for fname in CLAUSE_FIELDS
                if not agreement[fname]
            )

    @api.depends("subprocessor_ids.country_id", "transfer_ids.country_id")
    def _compute_missing_transfer_country_ids(self):
        eea = self.env["gdpr.transfer"]._get_eea_countries()
        for agreement in self:
            agreement.missing_transfer_country_ids = (
                agreement.subprocessor_ids.country_id
                - eea
                - agreement.transfer_ids.country_id
            )

    @api.depends("name", "processor_id.name")
    def _compute_display_name(self):
        for agreement in self:
            agreement.display_name = (
                f"{agreement.name} - {agreement.processor_id.name}"
                if agreement.processor_id
                else agreement.name
            )

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------
    @api.constrains(
        "state", "date_signed", "date_end", "date_terminated", "termination_reason"
    )
    def _check_dates(self):
        today = fields.Date.context_today(self)
        for agreement in self:
            if agreement.date_signed and agreement.date_signed > today:
                raise ValidationError(
                    _("Agreement %s cannot be signed in the future.", agreement.name)
                )
            if (
                agreement.date_signed
                and agreement.date_end
                and agreement.date_end < agreement.date_signed
            ):
                raise ValidationError(
                    _(
                        "Agreement %s cannot end before it is signed.",
                        agreement.name,
                    )
                )
            if agreement.state in EVIDENCE_STATES and not agreement.date_signed:
                raise ValidationError(
                    _(
                        "Agreement %s is in force only once signed: give the "
                        "date of signature.",
                        agreement.name,
                    )
                )
            if agreement.state == "terminated":
                if not agreement.date_terminated:
                    raise ValidationError(
                        _(
                            "Give the date agreement %s was terminated on.",
                            agreement.name,
                        )
                    )
                if (
                    agreement.date_terminated > today
                    or agreement.date_terminated < agreement.date_signed
                ):
                    raise ValidationError(
                        _(
                            "Agreement %s is terminated between its signature "
                            "and today.",
                            agreement.name,
                        )
                    )
            elif agreement.state != "in_force" and (
                agreement.date_terminated or agreement.termination_reason
            ):
                # In force: values prepared on the form before 18.0.1.3.0,
                # which the termination dialog proposes.
                raise ValidationError(
                    _(
                        "Agreement %s is not terminated: it has no termination "
                        "date or reason.",
                        agreement.name,
                    )
                )
            if agreement.state == "expired" and not (
                agreement.date_end and agreement.date_end < today
            ):
                raise ValidationError(
                    _(
                        "Agreement %s expires only after its end date.",
                        agreement.name,
                    )
                )

    @api.constrains("state", "subprocessing_authorisation")
    def _check_in_force(self):
        for agreement in self.filtered(lambda a: a.state in EVIDENCE_STATES):
            if agreement.subprocessor_ids and (
                agreement.subprocessing_authorisation == "none"
            ):
                raise ValidationError(
                    _(
                        "Agreement %s lists sub-processors: choose the "
                        "controller's authorization for sub-processing "
                        "(Art. 28(2) GDPR).",
                        agreement.name,
                    )
                )
            if agreement.missing_transfer_country_ids:
                raise ValidationError(
                    _(
                        "Agreement %(name)s: a sub-processor processes the data in "
                        "%(countries)s; give the transfer basis under GDPR "
                        "Chapter V for each third country.",
                        name=agreement.name,
                        countries=", ".join(
                            agreement.missing_transfer_country_ids.mapped("name")
                        ),
                    )
                )

    @api.constrains("user_id", "company_id")
    def _check_officers(self):
        for agreement in self:
            agreement._gdpr_check_officer_field("user_id")

    @api.constrains(*TEXT_FIELDS)
    def _check_text_length(self):
        for agreement in self:
            for fname in TEXT_FIELDS:
                if len(agreement[fname] or "") > 10000:
                    raise ValidationError(
                        _(
                            "“%(field)s” of agreement %(name)s is longer than "
                            "%(max)s characters.",
                            field=self._fields[fname]._description_string(self.env),
                            name=agreement.name,
                            max=10000,
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
            if vals.get("state", "draft") != "draft":
                raise UserError(
                    _(
                        "A processor agreement is registered as a draft, then "
                        "put in force."
                    )
                )
            for fname in TERMINATION_FIELDS:
                if vals.get(fname):
                    self._gdpr_raise_termination_field(fname)
        return super().create(vals_list)

    def write(self, vals):
        # The values' types first: the checks below read them.
        vals = self._gdpr_check_values([vals])[0]
        self._gdpr_check_company_move(vals)
        self._gdpr_check_readable_values(
            [vals], self._gdpr_company_checked_fields(vals)
        )
        if "state" in vals:
            self._check_transition(vals["state"])
        if vals.get("state") == "terminated" and not self._gdpr_terminating():
            terminated = self.filtered(lambda a: a.state != "terminated")
            if terminated:
                raise UserError(
                    _(
                        "Agreement %s is terminated with the Terminate button, "
                        "which asks the date and the reason of the termination.",
                        terminated[0].name,
                    )
                )
        if "processing_activity_ids" in vals:
            before = {
                agreement: agreement.processing_activity_ids for agreement in self
            }
            res = super().write(vals)
            for agreement, activities in before.items():
                agreement._check_activities_kept(activities)
            return res
        return super().write(vals)

    def _check_activities_kept(self, activities):
        """Refuse removing ``activities`` from the agreement once it is
        evidence: what it served is part of it (adding one is tracked)."""
        self.ensure_one()
        removed = activities - self.processing_activity_ids
        if removed and self._gdpr_evidence_records():
            raise UserError(
                _(
                    "Agreement %(name)s was in force for processing activity "
                    "%(activity)s: the activities it serves are part of its "
                    "evidence and are not removed.",
                    name=self.display_name,
                    activity=removed[0].display_name,
                )
            )

    def _gdpr_check_activities_logged(self):
        """Before the activities of ``self`` change from the activity side:
        refuse to log over evidence changed behind the application's back."""
        agreements = self._gdpr_evidence_records()
        if agreements:
            self.env["gdpr.evidence.event"]._gdpr_check_logged(
                agreements, agreements._gdpr_evidence_values()
            )

    def _gdpr_log_activities_linked(self):
        """After the activities of ``self`` changed from the activity side:
        log the agreements whose evidence changed (``agreement_updated``), as
        the agreement's own write does, with a note in their chatter."""
        agreements = self._gdpr_evidence_records()
        if not agreements:
            return
        agreements.invalidate_recordset(["processing_activity_ids"])
        Event = self.env["gdpr.evidence.event"]
        latest = Event._gdpr_latest_evidence(agreements)
        values = agreements._gdpr_evidence_values()
        changed = agreements.filtered(
            lambda a: canonical_json(values[a.id]) != canonical_json(latest.get(a.id))
        )
        Event._gdpr_append(changed, "agreement_updated", values=values)
        for agreement in changed:
            agreement.message_post(
                body=_(
                    "Processing activities served, changed from the activity: %s",
                    ", ".join(agreement.processing_activity_ids.mapped("display_name")),
                ),
                subtype_xmlid="mail.mt_note",
            )

    def _check_transition(self, state):
        """Refuse a change of state that the life of an agreement never takes:
        draft → in force → expired or terminated."""
        if not state:
            raise ValidationError(_("The state of a processor agreement is required."))
        for agreement in self:
            if agreement.state == state:
                continue
            if (
                state == "in_force"
                and agreement.date_end
                and agreement.date_end < fields.Date.context_today(self)
            ):
                raise UserError(
                    _(
                        "Agreement %s has already ended: it cannot be put in force.",
                        agreement.name,
                    )
                )
            if state not in TRANSITIONS.get(agreement.state, ()):
                raise UserError(
                    _(
                        "Agreement %(name)s cannot go from “%(from)s” to “%(to)s”: "
                        "once in force it is evidence; a new agreement is "
                        "registered instead.",
                        name=agreement.name,
                        **{
                            "from": dict(
                                self._fields["state"]._description_selection(self.env)
                            )[agreement.state],
                            "to": dict(
                                self._fields["state"]._description_selection(self.env)
                            ).get(state, str(state)[:50]),
                        },
                    )
                )

    def _gdpr_check_evidence_write(self, vals):
        super()._gdpr_check_evidence_write(vals)
        # The termination's date and reason are given to the termination
        # dialog, which writes them with the state; never written otherwise.
        if not self._gdpr_terminating():
            for fname in TERMINATION_FIELDS:
                if fname in vals and self._gdpr_changes(fname, vals[fname]):
                    self._gdpr_raise_termination_field(fname)
        return None

    def _gdpr_raise_termination_field(self, fname):
        raise UserError(
            _(
                "“%(field)s” of a processor agreement is given when the agreement "
                "is terminated, with the Terminate button; it is not written "
                "otherwise.",
                field=self._fields[fname]._description_string(self.env),
            )
        )

    def _gdpr_terminating(self):
        """Whether server code is terminating all of ``self`` now (see
        :meth:`_gdpr_terminate`)."""
        marks = _TERMINATING.get()
        dbname = self.env.cr.dbname
        return bool(self) and all((dbname, rid) in marks for rid in self.ids)

    def _gdpr_evidence_records(self):
        return self.filtered(lambda agreement: agreement.state in EVIDENCE_STATES)

    # ------------------------------------------------------------------
    # The evidence log (gdpr.evidence.mixin hooks)
    # ------------------------------------------------------------------
    @api.model
    def _gdpr_evidence_log_domain(self):
        return [("state", "in", EVIDENCE_STATES)]

    def _gdpr_evidence_values(self):
        """The agreement as it binds the processor: the parties' and the
        activities' ids, dates, clauses, digests of the texts and of the
        signed document, and its sub-processors and transfers. No name of a
        person: the processor and sub-processors by partner id only."""
        Event = self.env["gdpr.evidence.event"]
        # The document's content, not its size (bin_size from a client).
        agreements = self.with_context(bin_size=False)
        return {
            agreement.id: {
                "name": agreement.name,
                **{
                    fname: Event._gdpr_field_value(agreement, fname)
                    for fname in EVIDENCE_FIELDS
                },
                "document": agreement._gdpr_document_digest(),
                "subprocessors": [
                    [
                        line.id,
                        line.partner_id.id or None,
                        Event._gdpr_digest(line.service),
                        line.country_id.id or None,
                    ]
                    for line in agreement.subprocessor_ids.sorted("id")
                ],
                "transfers": [
                    [
                        line.id,
                        line.country_id.id or None,
                        line.basis_id.id or None,
                        Event._gdpr_digest(line.details),
                    ]
                    for line in agreement.transfer_ids.sorted("id")
                ],
            }
            for agreement in agreements
        }

    def _gdpr_evidence_derived_mismatches(self):
        """A sub-processor or transfer line carries its agreement's company."""
        mismatches = {}
        for agreement in self:
            wrong = [
                fname
                for fname in ("subprocessor_ids", "transfer_ids")
                if agreement[fname].company_id - agreement.company_id
            ]
            if wrong:
                mismatches[agreement.id] = [f"{fname}.company_id" for fname in wrong]
        return mismatches

    def _gdpr_document_digest(self):
        """SHA-256 (hex) of the signed document as stored (base64), or None."""
        self.ensure_one()
        document = self.with_context(bin_size=False).document
        if not document:
            return None
        if isinstance(document, str):
            document = document.encode()
        return hashlib.sha256(document).hexdigest()

    def _gdpr_evidence_trigger_fields(self):
        return [
            "name",
            "document",
            "subprocessor_ids",
            "transfer_ids",
            *EVIDENCE_FIELDS,
        ]

    @api.model
    def _gdpr_evidence_immutable_keys(self):
        return (
            "name",
            "document",
            "subprocessors",
            "transfers",
            *(key for key in EVIDENCE_FIELDS if key not in EVIDENCE_MUTABLE_KEYS),
        )

    @api.model
    def _gdpr_evidence_transition_errors(self, before, after, event_type):
        """Beyond the locked keys: in force, the agreement only expires or is
        terminated, once; its termination is written with it and never
        changes; the activities it serves are added, never removed."""
        broken = set(
            super()._gdpr_evidence_transition_errors(before, after, event_type)
        )
        old, new = before.get("state"), after.get("state")
        if old != new and new not in TRANSITIONS.get(old, ()):
            broken.add("state")
        for key in TERMINATION_FIELDS:
            if before.get(key) != after.get(key) and not (
                old == "in_force" and new == "terminated"
            ):
                broken.add(key)
        if not set(before.get("processing_activity_ids") or ()) <= set(
            after.get("processing_activity_ids") or ()
        ):
            broken.add("processing_activity_ids")
        return sorted(broken)

    def _gdpr_evidence_event_type_create(self):
        return "agreement_in_force"

    def _gdpr_evidence_event_type_write(self, before, after, vals):
        if before.get("state") != after.get("state"):
            if after.get("state") == "terminated":
                return "agreement_terminated"
            if after.get("state") == "expired":
                return "agreement_expired"
        return "agreement_updated"

    def _gdpr_unlink_refused_message(self):
        return _(
            "A processor agreement that was in force is evidence (Art. 5(2), "
            "28 GDPR) and is never deleted; only drafts are."
        )

    # ------------------------------------------------------------------
    # The end date (gdpr.deadline.mixin hooks)
    # ------------------------------------------------------------------
    def _gdpr_deadline_open_domain(self):
        return [("state", "=", "in_force")]

    @api.model
    def _gdpr_deadline_depends(self):
        return ["date_end", "state", "user_id"]

    def _gdpr_reminder_user(self):
        self.ensure_one()
        return self.user_id or self.env.user

    def _gdpr_reminder_summary(self):
        self.ensure_one()
        return _(
            "Processor agreement %(name)s ends on %(date)s",
            name=self.name,
            date=format_date(self.env, self.date_end),
        )

    def _gdpr_reminder_feedback(self):
        return _("Agreement no longer in force.")

    def _gdpr_overdue_message(self):
        self.ensure_one()
        return _(
            "The agreement ended on %s: it has expired.",
            format_date(self.env, self.date_end),
        )

    @api.model
    def _cron_expire(self):
        """Expire the agreements in force whose end date has passed, with a
        note on each. One that fails is logged and skipped (see
        :meth:`_cron_post_overdue`). Returns the agreements expired."""
        self._cron_post_overdue()
        expired = self.browse()
        for agreement in self.search([("is_overdue", "=", True)]):
            try:
                with self.env.cr.savepoint():
                    agreement.write({"state": "expired"})
                    self.env.flush_all()
            except Exception:
                _logger.exception(
                    "gdpr.processor.agreement %s: could not expire", agreement.id
                )
                self.env.invalidate_all()
                continue
            expired |= agreement
        return expired

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_confirm(self):
        """Put the agreement in force: it becomes evidence."""
        for agreement in self:
            if agreement.state != "draft":
                raise UserError(_("Agreement %s is not a draft.", agreement.name))
            if agreement.date_end and agreement.date_end < fields.Date.context_today(
                self
            ):
                raise UserError(
                    _(
                        "Agreement %s has already ended: it cannot be put in force.",
                        agreement.name,
                    )
                )
        self.write({"state": "in_force"})

    def action_terminate(self):
        """Open the termination dialog, which asks the date and the reason."""
        self.ensure_one()
        if self.state != "in_force":
            raise UserError(_("Agreement %s is not in force.", self.name))
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_gdpr.gdpr_processor_agreement_terminate_action"
        )
        action["context"] = {"default_agreement_id": self.id}
        return action

    def _gdpr_terminate(self, date, reason):
        """Terminate the agreements in force of ``self`` on ``date`` for
        ``reason``: one write of the state, the date and the reason (one
        evidence event each), and a note in the chatter. For the
        termination dialog; the checks of the dates are the constraints'."""
        reason = (reason or "").strip()
        if is_blank(reason):
            raise ValidationError(_("Give the reason for the termination."))
        if not date:
            raise ValidationError(_("Give the date of the termination."))
        for agreement in self:
            if agreement.state != "in_force":
                raise UserError(_("Agreement %s is not in force.", agreement.name))
        dbname = self.env.cr.dbname
        token = _TERMINATING.set(
            _TERMINATING.get() | {(dbname, rid) for rid in self.ids}
        )
        try:
            self.write(
                {
                    "state": "terminated",
                    "date_terminated": date,
                    "termination_reason": reason,
                }
            )
        finally:
            _TERMINATING.reset(token)
        for agreement in self:
            agreement.message_post(
                body=_(
                    "Agreement terminated on %(date)s. Reason: %(reason)s",
                    date=format_date(self.env, agreement.date_terminated),
                    reason=reason,
                ),
                subtype_xmlid="mail.mt_note",
            )
        return True

    def _get_clause_rows(self):
        """(label, explanation, stipulated) of each Art. 28(3) clause, for
        the printout."""
        self.ensure_one()
        return [
            (
                self._fields[fname]._description_string(self.env),
                self._fields[fname]._description_help(self.env),
                self[fname],
            )
            for fname in CLAUSE_FIELDS
        ]

    def action_print(self):
        return self.env.ref("crm_gdpr.gdpr_processor_agreement_report").report_action(
            self
        )
