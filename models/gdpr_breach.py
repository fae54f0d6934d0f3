from datetime import timedelta

import pytz

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import format_datetime

from .gdpr_input import check_company_move, check_input_values
from .gdpr_jobs import process_each

# Art. 33(1) GDPR: notify the supervisory authority "not later than 72 hours
# after having become aware of it". Real elapsed time, whatever the clocks do.
NOTIFICATION_DELAY = timedelta(hours=72)
# The DPO's reminder falls due this long before the deadline.
REMINDER_ADVANCE = timedelta(hours=24)


class GdprBreach(models.Model):
    _name = "gdpr.breach"
    _description = "GDPR Personal Data Breach"
    _inherit = ["gdpr.evidence.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "date_discovered desc, id desc"
    _check_company_auto = True

    # Evidence (SPEC section 7, see gdpr.evidence.mixin): Art. 33(5), every
    # breach is documented, reported or not.
    _gdpr_identifier_field = "name"
    _gdpr_identifier_sequence = "gdpr.breach"
    _gdpr_copy_refused = True
    _gdpr_unlink_refused = True
    _gdpr_append_only_chatter = True
    _gdpr_evidence_log = True

    @api.model
    def _default_dpo_id(self):
        """Return the DPO of the current company's processing register.

        Without a register, or without a DPO on it, the field stays empty
        and the user chooses.
        Override to take the DPO from elsewhere (e.g. the company settings).
        """
        register = self.env["gdpr.processing.register"].search(
            [
                ("company_id", "in", [self.env.company.id, False]),
                ("dpo_id", "!=", False),
            ],
            order="company_id asc, id desc",
            limit=1,
        )
        return register.dpo_id

    # Identification
    name = fields.Char(
        string="Reference",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
        index="trigram",
        default=lambda self: _("New"),
        help="Assigned by the system at creation; it never changes.",
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
        tracking=True,
    )
    dpo_id = fields.Many2one(
        "res.partner",
        string="Data Protection Officer",
        required=True,
        default=lambda self: self._default_dpo_id(),
        check_company=True,
        tracking=True,
        help="The data protection officer (or other contact point) handling "
        "the breach, named in the notification.",
    )

    # What happened (Art. 33(3)(a))
    date_breach = fields.Date(
        string="Breach Date",
        required=True,
        default=fields.Date.context_today,
        tracking=True,
    )
    records_count = fields.Integer(
        string="Records Affected",
        tracking=True,
        help="Approximate number of personal data records concerned.",
    )
    breach_confidentiality = fields.Boolean(
        string="Confidentiality Breach",
        tracking=True,
        help="Unauthorised or accidental disclosure of, or access to, personal data.",
    )
    breach_integrity = fields.Boolean(
        string="Integrity Breach",
        tracking=True,
        help="Unauthorised or accidental alteration of personal data.",
    )
    breach_availability = fields.Boolean(
        string="Availability Breach",
        tracking=True,
        help="Accidental or unauthorised loss of access to, or destruction of, "
        "personal data.",
    )
    nature = fields.Text(string="Nature of the Breach", tracking=True)
    subjects_description = fields.Text(
        string="Categories and Approximate Number of Data Subjects", tracking=True
    )
    consequences = fields.Text(string="Likely Consequences", tracking=True)
    measures = fields.Text(string="Measures Taken or Proposed", tracking=True)
    discovery_description = fields.Text(
        string="How the Breach Was Discovered",
        tracking=True,
    )

    # The 72-hour clock (Art. 33(1))
    date_discovered = fields.Datetime(
        string="Discovered On",
        required=True,
        default=fields.Datetime.now,
        tracking=True,
        help="When the controller became aware of the breach: the 72 hours "
        "for the notification run from this moment.",
    )
    notification_deadline = fields.Datetime(
        compute="_compute_notification_deadline",
        store=True,
        tracking=True,
        help="72 hours after the discovery (Art. 33(1) GDPR).",
    )
    is_overdue = fields.Boolean(
        string="Overdue",
        compute="_compute_is_overdue",
        store=True,
        tracking=True,
        help="The notification deadline passed and the breach is not reported. "
        "Checked when the breach changes and every day by a scheduled action.",
    )

    # Notification of the supervisory authority (Art. 33)
    is_reported = fields.Boolean(string="Breach Reported", tracking=True)
    date_reported = fields.Date(
        string="Report Date",
        compute="_compute_date_reported",
        store=True,
        readonly=False,
        tracking=True,
    )
    is_reported_late = fields.Boolean(
        string="Reported Late",
        compute="_compute_is_reported_late",
        store=True,
        tracking=True,
        help="Reported after the notification deadline: the notification "
        "must give the reasons for the delay (Art. 33(1)).",
    )
    delay_reason = fields.Text(string="Reasons for the Delay", tracking=True)
    report_type = fields.Selection(
        [
            ("initial", "Initial"),
            ("follow_up", "Follow-up"),
            ("complete", "Complete"),
        ],
        default="initial",
        tracking=True,
        help="Art. 33(4): the information may be provided in phases. A follow-up "
        "refers to the case opened by the initial notification.",
    )
    authority_reference = fields.Char(
        string="Authority Case Reference",
        tracking=True,
        help="The case reference given by the supervisory authority.",
    )
    no_report_reason = fields.Text(
        string="Justification for Not Reporting", tracking=True
    )

    # Communication to the data subjects (Art. 34)
    risk_level = fields.Selection(
        [
            ("none", "No risk"),
            ("risk", "Risk"),
            ("high", "High risk"),
        ],
        string="Risk to Data Subjects",
        tracking=True,
        help="No risk: the authority need not be notified (Art. 33(1)). "
        "High risk: the data subjects must be informed too (Art. 34(1)).",
    )
    subjects_notified = fields.Boolean(string="Data Subjects Informed", tracking=True)
    date_subjects_notified = fields.Date(
        string="Data Subjects Informed On", tracking=True
    )
    subjects_notification_method = fields.Text(
        string="How the Data Subjects Were Informed", tracking=True
    )
    subjects_decision_reason = fields.Text(
        string="Reasons for the Decision to Inform or Not",
        tracking=True,
        help="Why the data subjects were or were not informed (Art. 34(3), "
        "EDPB guidelines 9/2022).",
    )

    attachment_ids = fields.One2many(
        "ir.attachment",
        "res_id",
        domain=[("res_model", "=", "gdpr.breach")],
        string="Attachments",
    )

    _sql_constraints = [
        (
            "name_company_uniq",
            "unique(name, company_id)",
            "The breach reference must be unique per company.",
        ),
    ]

    @api.depends("date_discovered")
    def _compute_notification_deadline(self):
        for breach in self:
            breach.notification_deadline = (
                breach.date_discovered and breach.date_discovered + NOTIFICATION_DELAY
            )

    @api.depends("is_reported", "notification_deadline")
    def _compute_is_overdue(self):
        now = fields.Datetime.now()
        for breach in self:
            breach.is_overdue = bool(
                not breach.is_reported
                and breach.notification_deadline
                and breach.notification_deadline < now
            )

    @api.depends("is_reported")
    def _compute_date_reported(self):
        today = fields.Date.context_today(self)
        for breach in self:
            if not breach.is_reported:
                breach.date_reported = False
            elif not breach.date_reported:
                breach.date_reported = today

    @api.depends("is_reported", "date_reported", "notification_deadline")
    def _compute_is_reported_late(self):
        for breach in self:
            breach.is_reported_late = bool(
                breach.is_reported
                and breach.date_reported
                and breach.notification_deadline
                and breach.date_reported
                > breach._local_date(breach.notification_deadline)
            )

    @api.constrains("records_count")
    def _check_records_count(self):
        if any(breach.records_count < 0 for breach in self):
            raise ValidationError(
                _("The number of records affected cannot be negative.")
            )

    @api.constrains("date_breach", "date_discovered")
    def _check_dates(self):
        now = fields.Datetime.now()
        for breach in self:
            today = fields.Date.context_today(breach)
            if breach.date_breach > today:
                raise ValidationError(
                    _("The breach date of %s cannot be in the future.", breach.name)
                )
            if breach.date_discovered > now + timedelta(minutes=5):
                raise ValidationError(
                    _(
                        "The discovery of breach %s cannot be in the future.",
                        breach.name,
                    )
                )
            if breach._local_date(breach.date_discovered) < breach.date_breach:
                raise ValidationError(
                    _(
                        "Breach %s cannot be discovered before it happened.",
                        breach.name,
                    )
                )

    @api.constrains("is_reported", "date_reported", "date_breach")
    def _check_date_reported(self):
        for breach in self:
            if not breach.is_reported:
                continue
            if not breach.date_reported:
                raise ValidationError(
                    _("Give the date breach %s was reported on.", breach.name)
                )
            if breach.date_reported < breach.date_breach:
                raise ValidationError(
                    _(
                        "Breach %s cannot be reported before the breach date.",
                        breach.name,
                    )
                )
            if breach.date_reported > fields.Date.context_today(breach):
                raise ValidationError(
                    _("The report date of %s cannot be in the future.", breach.name)
                )

    @api.constrains("is_reported", "date_reported", "date_discovered", "delay_reason")
    def _check_delay_reason(self):
        for breach in self:
            if breach.is_reported_late and not (breach.delay_reason or "").strip():
                raise ValidationError(
                    _(
                        "Breach %s is reported after the 72-hour deadline: give the "
                        "reasons for the delay (Art. 33(1) GDPR).",
                        breach.name,
                    )
                )

    @api.constrains("is_reported", "report_type", "authority_reference")
    def _check_authority_reference(self):
        for breach in self:
            if (
                breach.is_reported
                and breach.report_type == "follow_up"
                and not breach.authority_reference
            ):
                raise ValidationError(
                    _(
                        "A follow-up notification of breach %s refers to the case of "
                        "the supervisory authority: give its case reference.",
                        breach.name,
                    )
                )

    @api.constrains(
        "subjects_notified",
        "date_subjects_notified",
        "subjects_notification_method",
        "date_breach",
    )
    def _check_subjects_notification(self):
        for breach in self:
            if not breach.subjects_notified:
                continue
            if (
                not breach.date_subjects_notified
                or not breach.subjects_notification_method
            ):
                raise ValidationError(
                    _(
                        "Give when and how the data subjects of breach %s were "
                        "informed.",
                        breach.name,
                    )
                )
            if breach.date_subjects_notified < breach.date_breach:
                raise ValidationError(
                    _(
                        "The data subjects of breach %s cannot be informed before "
                        "the breach date.",
                        breach.name,
                    )
                )
            if breach.date_subjects_notified > fields.Date.context_today(breach):
                raise ValidationError(
                    _(
                        "The date the data subjects of breach %s were informed "
                        "cannot be in the future.",
                        breach.name,
                    )
                )

    @api.constrains(
        "is_reported", "risk_level", "subjects_notified", "subjects_decision_reason"
    )
    def _check_subjects_decision_reason(self):
        for breach in self:
            if (
                breach.is_reported
                and breach.risk_level == "high"
                and not breach.subjects_notified
                and not (breach.subjects_decision_reason or "").strip()
            ):
                raise ValidationError(
                    _(
                        "Breach %s is a high risk to the data subjects and they were "
                        "not informed: give the reasons (Art. 34(3) GDPR).",
                        breach.name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        default_dpo = None
        for vals in vals_list:
            check_input_values(self, vals)
            if not vals.get("dpo_id"):
                if default_dpo is None:
                    default_dpo = self.default_get(["dpo_id"]).get("dpo_id") or False
                if "dpo_id" in vals or not default_dpo:
                    raise ValidationError(
                        _(
                            "A personal data breach needs its data protection "
                            "officer (or other contact point), named in the "
                            "notification."
                        )
                    )
        breaches = super().create(vals_list)
        breaches.filtered(lambda b: not b.is_reported)._schedule_deadline_activity()
        return breaches

    def write(self, vals):
        check_input_values(self, vals)
        check_company_move(self, vals)
        res = super().write(vals)
        if "is_reported" in vals:
            reported = self.filtered("is_reported")
            reported.activity_feedback(
                ["crm_gdpr.mail_activity_type_gdpr_breach_deadline"],
                feedback=_("Breach reported to the supervisory authority."),
            )
        if {"is_reported", "date_discovered", "dpo_id"} & set(vals):
            self.filtered(lambda b: not b.is_reported)._schedule_deadline_activity()
        return res

    def _gdpr_unlink_refused_message(self):
        return _(
            "Personal data breaches are never deleted: every breach is "
            "documented, reported or not (GDPR Art. 33(5))."
        )

    @api.model
    def _gdpr_evidence_fields(self):
        """The fields of a breach that the evidence log records.

        Every stored, tracked field that a user writes (derived computes such
        as the deadline or the overdue flag are not evidence of their own).
        Texts are logged as SHA-256 digests.
        """
        return sorted(
            fname
            for fname, field in self._fields.items()
            if field.store
            and getattr(field, "tracking", False)
            and not (field.compute and field.readonly)
        )

    def _gdpr_evidence_values(self):
        Event = self.env["gdpr.evidence.event"]
        fnames = self._gdpr_evidence_fields()
        return {
            breach.id: {
                "name": breach.name,
                **{fname: Event._gdpr_field_value(breach, fname) for fname in fnames},
            }
            for breach in self
        }

    def _gdpr_evidence_trigger_fields(self):
        return [*self._gdpr_evidence_fields(), "name"]

    def _gdpr_evidence_event_type_create(self):
        return "breach_created"

    def _gdpr_evidence_event_type_write(self, before, after, vals):
        if after.get("is_reported") and not before.get("is_reported"):
            return "breach_reported"
        if any(
            before.get(fname) != after.get(fname)
            for fname in ("report_type", "authority_reference")
        ):
            return "breach_follow_up"
        return "breach_updated"

    def _local_date(self, value):
        """Return the calendar date of the UTC datetime ``value`` in the
        breach's timezone (see :meth:`_get_tz`)."""
        self.ensure_one()
        tz = pytz.timezone(self._get_tz())
        return pytz.utc.localize(value).astimezone(tz).date()

    def _get_tz(self):
        """Timezone in which the breach's days are counted.

        Used to decide whether the report date is after the deadline's day and
        on which day the DPO's reminder falls due. The company's timezone (its
        partner's), else the user's, else UTC; override to use another one.
        """
        self.ensure_one()
        return self.company_id.partner_id.tz or self.env.user.tz or "UTC"

    def _get_dpo_user(self):
        """Return the user who gets the deadline reminder.

        The DPO's own user when it is a GDPR officer of the breach's company,
        else the current user. Override to route the reminder elsewhere.
        """
        self.ensure_one()
        users = self.dpo_id.user_ids.filtered(
            lambda user: (
                self.company_id in user.company_ids
                and user.has_group("crm_gdpr.group_gdpr_officer")
            )
        )
        return users[:1] or self.env.user

    def _schedule_deadline_activity(self):
        """(Re)schedule the DPO's reminder, due a day before the deadline."""
        activity_type = "crm_gdpr.mail_activity_type_gdpr_breach_deadline"
        self.activity_unlink([activity_type])
        today = fields.Date.context_today(self)
        for breach in self:
            due = max(
                breach._local_date(breach.notification_deadline - REMINDER_ADVANCE),
                today,
            )
            breach.activity_schedule(
                activity_type,
                date_deadline=due,
                summary=_(
                    "Notify the supervisory authority by %s",
                    format_datetime(
                        self.env, breach.notification_deadline, tz=breach._get_tz()
                    ),
                ),
                user_id=breach._get_dpo_user().id,
            )

    @api.model
    def _cron_flag_overdue(self):
        """Flag the unreported breaches whose notification deadline passed."""
        breaches = self.search(
            [
                ("is_reported", "=", False),
                ("is_overdue", "=", False),
                ("notification_deadline", "<", fields.Datetime.now()),
            ]
        )
        self.env.add_to_compute(self._fields["is_overdue"], breaches)
        breaches.flush_recordset(["is_overdue"])
        # One breach that fails is logged and skipped (SPEC section 9).
        process_each(
            breaches, lambda breach: breach._gdpr_post_overdue_note(), "Breach deadline"
        )
        return breaches

    def _gdpr_post_overdue_note(self):
        for breach in self:
            breach.message_post(
                body=_(
                    "The 72-hour deadline to notify the supervisory authority "
                    "passed on %s and the breach is not reported.",
                    format_datetime(
                        self.env, breach.notification_deadline, tz=breach._get_tz()
                    ),
                ),
                subtype_xmlid="mail.mt_note",
            )
