from datetime import datetime, time, timedelta

import pytz

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..utils import is_blank
from .gdpr_datetime import format_datetime_tz
from .gdpr_evidence_mixin import evidence_exception

# Art. 33(1) GDPR: notify the supervisory authority "not later than 72 hours
# after having become aware of it". Real elapsed time, whatever the clocks do.
NOTIFICATION_DELAY = timedelta(hours=72)


class GdprBreach(models.Model):
    _name = "gdpr.breach"
    _description = "GDPR Personal Data Breach"
    # gdpr.deadline.mixin before mail.thread: it schedules the reminder once
    # mail.thread has created the record and subscribed its creator.
    _inherit = [
        "gdpr.value.check.mixin",
        "gdpr.evidence.mixin",
        "gdpr.deadline.mixin",
        "mail.thread",
        "mail.activity.mixin",
    ]
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
    _gdpr_technical_fields = (
        "notification_deadline",
        "is_reported_late",
        "overdue_notified",
    )
    # A breach stays in its controller's register (Art. 33(5)).
    _gdpr_locked_fields = ("company_id",)
    # Partners a breach names: the user must be able to read them (SPEC 8).
    _gdpr_partner_fields = ("dpo_id", "processor_id", "notifier_id")
    # The phases of a notification (Art. 33(4)), in the order they come.
    _gdpr_report_type_order = ("initial", "follow_up", "complete")

    # The 72-hour clock (gdpr.deadline.mixin): the DPO's reminder falls due a
    # day before the deadline, written in the DPO's language.
    _gdpr_deadline_field = "notification_deadline"
    _gdpr_reminder_activity_type = "crm_gdpr.mail_activity_type_gdpr_breach_deadline"
    _gdpr_reminder_advance = timedelta(hours=24)

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
        help="Unauthorized or accidental disclosure of, or access to, personal data.",
    )
    breach_integrity = fields.Boolean(
        string="Integrity Breach",
        tracking=True,
        help="Unauthorized or accidental alteration of personal data.",
    )
    breach_availability = fields.Boolean(
        string="Availability Breach",
        tracking=True,
        help="Accidental or unauthorized loss of access to, or destruction of, "
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
        help="The notification deadline passed and the breach is not reported: "
        "true the minute the deadline passes.",
    )

    # Notification of the supervisory authority (Art. 33)
    is_reported = fields.Boolean(string="Breach Reported", tracking=True)
    reported_at = fields.Datetime(
        string="Reported On",
        compute="_compute_reported_at",
        store=True,
        readonly=False,
        copy=False,
        tracking=True,
        help="When the notification was sent to the supervisory authority: "
        "compared with the deadline to the minute.",
    )
    date_reported = fields.Date(
        string="Report Date",
        compute="_compute_date_reported",
        inverse="_inverse_date_reported",
        store=True,
        readonly=False,
        copy=False,
        tracking=True,
        help="The day of “Reported On”. Writing a day alone takes its first "
        "moment (today: now), so a report is never deemed late on a day that "
        "could have been in time; give “Reported On” to decide to the minute.",
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
    notifier_id = fields.Many2one(
        "res.partner",
        string="Notification Submitted By",
        ondelete="restrict",
        check_company=True,
        tracking=True,
        help="The person submitting the notification to the supervisory authority.",
    )
    is_cross_border = fields.Boolean(
        string="Cross-Border Breach",
        tracking=True,
        help="The breach concerns data subjects in other Member States "
        "(Art. 56 GDPR): other supervisory authorities are concerned.",
    )
    other_authorities = fields.Text(
        string="Other Supervisory Authorities",
        tracking=True,
        help="The supervisory authorities of other Member States notified or "
        "to be notified.",
    )

    # Art. 33(3) in detail, as the notification form of the UODO asks
    date_breach_end = fields.Date(string="Breach End Date", tracking=True)
    is_ongoing = fields.Boolean(
        string="Still Ongoing",
        tracking=True,
        help="The breach has not ended yet.",
    )
    data_category_ids = fields.Many2many(
        "gdpr.data.category",
        string="Categories of Personal Data",
        ondelete="restrict",
        tracking=True,
        help="The categories of personal data concerned (Art. 33(3)(a) GDPR).",
    )
    processor_id = fields.Many2one(
        "res.partner",
        string="Processor Involved",
        ondelete="restrict",
        check_company=True,
        tracking=True,
        help="The processor in whose systems or by whose fault the breach "
        "happened, if any.",
    )
    missing_notification_items = fields.Text(
        string="Still to Come",
        compute="_compute_missing_notification_items",
        help="The Art. 33(3) items not given yet: an initial notification may "
        "leave them for a later phase (Art. 33(4)); a complete one gives them all.",
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
        string="Data Subjects Informed On",
        compute="_compute_date_subjects_notified",
        store=True,
        readonly=False,
        tracking=True,
        help="Emptied when “Data Subjects Informed” is unticked.",
    )
    subjects_notification_method = fields.Text(
        string="How the Data Subjects Were Informed", tracking=True
    )
    communication_content = fields.Text(
        string="Content of the Communication",
        tracking=True,
        help="What the data subjects were told (Art. 34(2) GDPR).",
    )
    subjects_notified_count = fields.Integer(
        string="Number of Data Subjects Informed",
        tracking=True,
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

    @api.depends("is_reported")
    def _compute_reported_at(self):
        date_field = self._fields["date_reported"]
        for breach in self:
            if not breach.is_reported:
                breach.reported_at = False
            elif not breach.reported_at:
                # A report date given alone (first-version integrators, and
                # the breaches reported before this field existed) decides;
                # a date still to follow this field is not one.
                day = (
                    not self.env.is_to_compute(date_field, breach)
                    and breach.date_reported
                )
                breach.reported_at = (
                    breach._reported_at_from_date(day) if day else fields.Datetime.now()
                )

    @api.depends("reported_at")
    def _compute_date_reported(self):
        for breach in self:
            breach.date_reported = breach.reported_at and breach._local_date(
                breach.reported_at
            )

    def _inverse_date_reported(self):
        for breach in self:
            if not breach.date_reported:
                continue
            if breach.reported_at and (
                breach._local_date(breach.reported_at) == breach.date_reported
            ):
                continue
            # The day was checked by the outer write: the moment follows it.
            with evidence_exception(breach):
                breach.reported_at = breach._reported_at_from_date(breach.date_reported)

    @api.depends("is_reported", "reported_at", "notification_deadline")
    def _compute_is_reported_late(self):
        for breach in self:
            breach.is_reported_late = bool(
                breach.is_reported
                and breach.reported_at
                and breach.notification_deadline
                and breach.reported_at > breach.notification_deadline
            )

    @api.depends("subjects_notified")
    def _compute_date_subjects_notified(self):
        for breach in self:
            if not breach.subjects_notified:
                breach.date_subjects_notified = False

    @api.depends(
        lambda self: [
            *self._get_notification_item_fields(),
            "dpo_id.email",
            "dpo_id.phone",
            "dpo_id.mobile",
        ]
    )
    def _compute_missing_notification_items(self):
        for breach in self:
            breach.missing_notification_items = "\n".join(
                breach._get_missing_notification_items()
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

    @api.constrains("is_reported", "reported_at", "date_breach", "date_discovered")
    def _check_date_reported(self):
        now = fields.Datetime.now()
        for breach in self:
            if breach.is_reported and not breach.reported_at:
                raise ValidationError(
                    _("Give the date breach %s was reported on.", breach.name)
                )
            if not breach.reported_at:
                continue
            if breach._local_date(breach.reported_at) < breach.date_breach:
                raise ValidationError(
                    _(
                        "Breach %s cannot be reported before the breach date.",
                        breach.name,
                    )
                )
            if breach.reported_at > now + timedelta(minutes=5):
                raise ValidationError(
                    _("The report date of %s cannot be in the future.", breach.name)
                )
            if breach.reported_at < breach.date_discovered:
                raise ValidationError(
                    _(
                        "Breach %s cannot be reported before it was discovered.",
                        breach.name,
                    )
                )

    @api.constrains("date_breach", "date_breach_end", "is_ongoing")
    def _check_date_breach_end(self):
        for breach in self:
            if not breach.date_breach_end:
                continue
            if breach.is_ongoing:
                raise ValidationError(
                    _(
                        "Breach %s cannot be still ongoing and have ended: untick "
                        "“Still Ongoing” or clear the end date.",
                        breach.name,
                    )
                )
            if breach.date_breach_end < breach.date_breach:
                raise ValidationError(
                    _("Breach %s cannot end before it started.", breach.name)
                )
            if breach.date_breach_end > fields.Date.context_today(breach):
                raise ValidationError(
                    _("The end date of breach %s cannot be in the future.", breach.name)
                )

    @api.constrains("subjects_notified_count")
    def _check_subjects_notified_count(self):
        if any(breach.subjects_notified_count < 0 for breach in self):
            raise ValidationError(
                _("The number of data subjects informed cannot be negative.")
            )

    @api.constrains(lambda self: ["is_reported", *self._get_notification_item_fields()])
    def _check_notification_items(self):
        for breach in self:
            if not breach.is_reported:
                continue
            missing = breach._get_missing_notification_items(
                initial=breach.report_type != "complete"
            )
            if not missing:
                continue
            if breach.report_type == "complete":
                message = _(
                    "A complete notification of breach %(breach)s gives every "
                    "item of Art. 33(3) GDPR. Still missing: %(items)s.",
                    breach=breach.name,
                    items=", ".join(missing),
                )
            else:
                message = _(
                    "Even a first notification of breach %(breach)s says what "
                    "happened and the risk to the data subjects. Still missing: "
                    "%(items)s.",
                    breach=breach.name,
                    items=", ".join(missing),
                )
            raise ValidationError(message)

    @api.constrains("is_reported", "reported_at", "date_discovered", "delay_reason")
    def _check_delay_reason(self):
        for breach in self:
            if breach.is_reported_late and is_blank(breach.delay_reason):
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
                if breach.date_subjects_notified:
                    raise ValidationError(
                        _(
                            "The data subjects of breach %s were not informed: "
                            "their notification has no date.",
                            breach.name,
                        )
                    )
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
                and is_blank(breach.subjects_decision_reason)
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
        self._gdpr_check_readable_values(vals_list, self._gdpr_partner_fields)
        vals_list = [self._reported_by_date(vals) for vals in vals_list]
        breaches = super().create(vals_list)
        # Registered already reported (an import of history): both happened.
        self.env["gdpr.evidence.event"]._gdpr_append(
            breaches.filtered("is_reported"), "breach_reported"
        )
        return breaches

    def write(self, vals):
        self._gdpr_check_company_move(vals)
        self._gdpr_check_readable_values([vals], self._gdpr_partner_fields)
        vals = self._reported_by_date(vals)
        return super().write(vals)

    @api.model
    def _reported_by_date(self, vals):
        """``vals``, where a report day given alone ticks Reported with it."""
        if vals.get("date_reported") and "is_reported" not in vals:
            return {**vals, "is_reported": True}
        return vals

    def _gdpr_check_evidence_write(self, vals):
        """A report to the authority is a fact: it is never withdrawn and its
        moment never changes; the notification's phases only move forward."""
        res = super()._gdpr_check_evidence_write(vals)
        reported = self.filtered("is_reported")
        if reported and "is_reported" in vals and not vals["is_reported"]:
            raise UserError(
                _(
                    "Breach %s was reported to the supervisory authority: a "
                    "notification cannot be withdrawn. Send a follow-up "
                    "notification to correct it.",
                    reported[0].name,
                )
            )
        for fname in ("reported_at", "date_reported"):
            if fname in vals:
                changed = reported._gdpr_changes(fname, vals[fname])
                if changed:
                    self._gdpr_raise_locked(changed[0], fname)
        if vals.get("report_type") in self._gdpr_report_type_order:
            order = self._gdpr_report_type_order
            new = order.index(vals["report_type"])
            for breach in self:
                if (
                    breach.report_type in order
                    and order.index(breach.report_type) > new
                ):
                    raise UserError(
                        _(
                            "The notification of breach %s cannot go back to an "
                            "earlier phase: initial, then follow-up, then complete.",
                            breach.name,
                        )
                    )
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

    @api.model
    def _gdpr_evidence_immutable_keys(self):
        return (*super()._gdpr_evidence_immutable_keys(), "company_id")

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

    def _reported_at_from_date(self, day):
        """The moment a report given as a day alone is taken at.

        Today: now. Another day: its first moment in the breach's timezone,
        not before the discovery when it is the discovery's day, so that a
        report is never deemed late on a day that could have been in time.
        """
        self.ensure_one()
        if day == fields.Date.context_today(self.with_context(tz=self._get_tz())):
            return fields.Datetime.now()
        tz = pytz.timezone(self._get_tz())
        start = (
            tz.localize(datetime.combine(day, time.min))
            .astimezone(pytz.utc)
            .replace(tzinfo=None)
        )
        if self.date_discovered and self._local_date(self.date_discovered) == day:
            return max(start, self.date_discovered)
        return start

    @api.model
    def _get_notification_item_fields(self):
        """Fields of the Art. 33(3) items (see :meth:`_get_notification_items`)."""
        return [
            "report_type",
            "nature",
            "breach_confidentiality",
            "breach_integrity",
            "breach_availability",
            "date_breach_end",
            "is_ongoing",
            "data_category_ids",
            "subjects_description",
            "records_count",
            "consequences",
            "measures",
            "risk_level",
            "notifier_id",
            "dpo_id",
            "subjects_notified",
            "communication_content",
            "subjects_notified_count",
        ]

    def _get_notification_items(self):
        """The items of a notification (Art. 33(3) GDPR, the UODO form).

        A list of ``(label, is_given, initial)``: ``initial`` items are
        required in every notification, the others may come in a later phase
        (Art. 33(4)) and are all required in a complete notification. Extend
        the list to require more.
        """
        self.ensure_one()
        items = [
            (_("nature of the breach"), not is_blank(self.nature), True),
            (_("risk to the data subjects"), bool(self.risk_level), True),
            (
                _("what was breached (confidentiality, integrity, availability)"),
                self.breach_confidentiality
                or self.breach_integrity
                or self.breach_availability,
                False,
            ),
            (
                _("end of the breach or “still ongoing”"),
                bool(self.date_breach_end or self.is_ongoing),
                False,
            ),
            (_("categories of personal data"), bool(self.data_category_ids), False),
            (
                _("categories and approximate number of data subjects"),
                not is_blank(self.subjects_description),
                False,
            ),
            (_("approximate number of records"), self.records_count > 0, False),
            (
                _("likely consequences"),
                not is_blank(self.consequences),
                False,
            ),
            (
                _("measures taken or proposed"),
                not is_blank(self.measures),
                False,
            ),
            (_("person submitting the notification"), bool(self.notifier_id), False),
            (
                _("contact details (e-mail or phone) of the data protection officer"),
                bool(self.dpo_id.email or self.dpo_id.phone or self.dpo_id.mobile),
                False,
            ),
        ]
        if self.subjects_notified:
            items += [
                (
                    _("content of the communication to the data subjects"),
                    not is_blank(self.communication_content),
                    False,
                ),
                (
                    _("number of data subjects informed"),
                    self.subjects_notified_count > 0,
                    False,
                ),
            ]
        return items

    def _get_missing_notification_items(self, initial=False):
        """Labels of the items not given; ``initial``: only those required
        in every notification."""
        self.ensure_one()
        return [
            label
            for label, given, required_first in self._get_notification_items()
            if not given and (required_first or not initial)
        ]

    def _get_report_data_categories(self):
        """The categories the printout lists, ticked or not: every category
        of the breach's company, and those of the breach even if archived."""
        self.ensure_one()
        categories = self.env["gdpr.data.category"].search(
            [("company_id", "in", [self.company_id.id, False])]
        )
        return (categories | self.data_category_ids).sorted(
            lambda category: (category.sequence, category.id)
        )

    # ------------------------------------------------------------------
    # The clock (gdpr.deadline.mixin hooks)
    # ------------------------------------------------------------------
    def _gdpr_deadline_open_domain(self):
        return [("is_reported", "=", False)]

    @api.model
    def _gdpr_deadline_depends(self):
        return ["notification_deadline", "date_discovered", "is_reported", "dpo_id"]

    @api.depends("notification_deadline", "is_reported")
    def _compute_overdue_notified(self):
        # One note per run of the clock: a new deadline, or a report ticked by
        # mistake and withdrawn, gets its own.
        return super()._compute_overdue_notified()

    def _gdpr_reminder_user(self):
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

    def _gdpr_reminder_summary(self):
        self.ensure_one()
        return self.env._(
            "Notify the supervisory authority by %s",
            format_datetime_tz(self.env, self.notification_deadline, self._get_tz()),
        )

    def _gdpr_reminder_feedback(self):
        return self.env._("Breach reported to the supervisory authority.")

    def _gdpr_overdue_message(self):
        self.ensure_one()
        return self.env._(
            "The 72-hour deadline to notify the supervisory authority "
            "passed on %s and the breach is not reported.",
            format_datetime_tz(self.env, self.notification_deadline, self._get_tz()),
        )
