import logging
from datetime import timedelta

import pytz

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression

from .gdpr_evidence_mixin import evidence_exception, in_evidence_exception

_logger = logging.getLogger(__name__)


def schedule_reminder(record, activity_type, **values):
    """Schedule the reminder activity ``activity_type`` on ``record``.

    The assignee is told by e-mail as ``mail.activity`` does, but a failed
    notification (e.g. a sender without an e-mail address) is logged and
    never blocks the record: a breach is always registered (Art. 33(5)),
    and the reminder shows in the assignee's activities anyway.
    """
    activity = record.with_context(mail_activity_quick_update=True).activity_schedule(
        activity_type, **values
    )
    for todo in activity.filtered(lambda act: act.user_id != act.env.user):
        # sudo as mail.activity's create: the assignee's partner may be one
        # the current user cannot read (the notification names it only).
        if not todo.user_id.partner_id._filtered_access("read"):
            todo = todo.sudo()
        try:
            with todo.env.cr.savepoint():
                todo.action_notify()
        except UserError as error:
            _logger.warning(
                "%s %s: the reminder's assignee could not be notified: %s",
                record._name,
                record.id,
                error,
            )
    return activity


class GdprDeadlineMixin(models.AbstractModel):
    """A legal clock: a deadline, its live overdue state, a reminder and a job.

    Shared by the GDPR registers whose records must be dealt with by a
    deadline (the data-subject request's month of Art. 12(3), the breach's
    72 hours of Art. 33(1)). The model inheriting it also inherits
    ``mail.thread`` and ``mail.activity.mixin``, listed after it
    (``_inherit = ["gdpr.deadline.mixin", "mail.thread", "mail.activity.mixin"]``:
    the reminder is scheduled once ``mail.thread`` has created the record and
    subscribed its creator), and sets:

    - ``_gdpr_deadline_field``: the name of its (stored) ``Date`` or
      ``Datetime`` deadline field;
    - ``_gdpr_reminder_activity_type``: the xmlid of the reminder's
      ``mail.activity.type``;
    - ``_gdpr_reminder_advance``: how long before the deadline the reminder
      falls due (a ``timedelta``);

    and overrides the hooks :meth:`_gdpr_deadline_open_domain` (which records
    still run against their deadline), :meth:`_gdpr_deadline_depends`,
    :meth:`_gdpr_reminder_user`, :meth:`_gdpr_reminder_summary` and
    :meth:`_gdpr_overdue_message`. A daily ``ir.cron`` of the model calls
    :meth:`_cron_post_overdue`.

    ``is_overdue`` is live: true the moment the deadline passes (for a date
    deadline: from the day after it, in the user's timezone), never waiting
    for a job or a save, and searchable, as ``mail.activity.mixin``'s
    ``activity_state``.
    """

    _name = "gdpr.deadline.mixin"
    _description = "GDPR Deadline Mixin"

    _gdpr_deadline_field = "date_deadline"
    _gdpr_reminder_activity_type = None
    _gdpr_reminder_advance = timedelta(days=1)

    is_overdue = fields.Boolean(
        string="Overdue",
        compute="_compute_is_overdue",
        search="_search_is_overdue",
        help="The deadline passed and the record is not dealt with.",
    )
    overdue_notified = fields.Boolean(
        string="Overdue Notice Posted",
        compute="_compute_overdue_notified",
        store=True,
        copy=False,
        help="Technical: the daily job posted its overdue notice for the "
        "current deadline (a new deadline resets it).",
    )

    # ------------------------------------------------------------------
    # Hooks
    # ------------------------------------------------------------------
    def _gdpr_deadline_open_domain(self):
        """Domain of the records whose clock still runs (not dealt with yet).

        Used by ``is_overdue`` (compute and search), the reminder and the
        daily job. Override it; by default every record runs.
        """
        return []

    @api.model
    def _gdpr_deadline_depends(self):
        """Fields whose change may change ``is_overdue`` or the reminder.

        The deadline, the fields it is computed from, those of
        :meth:`_gdpr_deadline_open_domain` and of :meth:`_gdpr_reminder_user`.
        Override to add yours to the list.
        """
        return [self._gdpr_deadline_field]

    def _gdpr_reminder_user(self):
        """The user who gets the reminder (default: the current user)."""
        self.ensure_one()
        return self.env.user

    def _gdpr_reminder_summary(self):
        """The summary of the reminder activity (called in the language of
        the user who gets it, as :meth:`_gdpr_overdue_message`)."""
        self.ensure_one()
        return False

    def _gdpr_reminder_feedback(self):
        """The feedback with which the reminder is closed when the record
        stops running (e.g. the request is answered)."""
        return False

    def _gdpr_overdue_message(self):
        """The note the daily job posts once on an overdue record."""
        self.ensure_one()
        return self.env._("The deadline passed.")

    def _get_tz(self):
        """Timezone in which the record's days are counted (the day its
        reminder falls due, :meth:`_local_date`).

        The company's timezone (its partner's), else the user's, else UTC;
        override to use another one.
        """
        self.ensure_one()
        company = self["company_id"] if "company_id" in self._fields else None
        return (company and company.partner_id.tz) or self.env.user.tz or "UTC"

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    def _gdpr_deadline_is_datetime(self):
        return self._fields[self._gdpr_deadline_field].type == "datetime"

    def _gdpr_deadline_now(self):
        """The moment the deadline is compared with: now for a datetime, the
        user's today for a date (a date deadline runs until its day ends)."""
        if self._gdpr_deadline_is_datetime():
            return fields.Datetime.now()
        return fields.Date.context_today(self)

    def _gdpr_overdue_domain(self):
        return expression.AND(
            [
                self._gdpr_deadline_open_domain(),
                [
                    (self._gdpr_deadline_field, "!=", False),
                    (self._gdpr_deadline_field, "<", self._gdpr_deadline_now()),
                ],
            ]
        )

    @api.depends(lambda self: self._gdpr_deadline_depends())
    @api.depends_context("tz")
    def _compute_is_overdue(self):
        overdue = self.filtered_domain(self._gdpr_overdue_domain())
        for record in self:
            record.is_overdue = record in overdue

    def _search_is_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(
                self.env._("Search “Overdue” with = or != and True or False.")
            )
        domain = self._gdpr_overdue_domain()
        if (operator == "=") == value:
            return domain
        return ["!", *expression.normalize_domain(domain)]

    @api.depends(lambda self: [self._gdpr_deadline_field])
    def _compute_overdue_notified(self):
        # A new deadline (e.g. an extension) gets its own overdue notice.
        self.overdue_notified = False

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        records._gdpr_sync_reminder()
        return records

    def write(self, vals):
        # Not a context key (clients send the context): the job marks the
        # records it writes (see gdpr.evidence.mixin's evidence_exception).
        if "overdue_notified" in vals and not in_evidence_exception(
            self.env, self._name, self.ids
        ):
            raise UserError(
                self.env._("Only the daily job records that it posted its notice.")
            )
        res = super().write(vals)
        if set(vals) & set(self._gdpr_deadline_depends()):
            self._gdpr_sync_reminder()
        return res

    # ------------------------------------------------------------------
    # Reminder and daily job
    # ------------------------------------------------------------------
    def _local_date(self, value):
        """The calendar date of ``value`` in the record's timezone: a UTC
        datetime is converted (see :meth:`_get_tz`), a date is itself."""
        self.ensure_one()
        if not isinstance(value, fields.datetime):
            return value
        tz = pytz.timezone(self._get_tz())
        return pytz.utc.localize(value).astimezone(tz).date()

    def _gdpr_sync_reminder(self):
        """Close the reminder of the records that stopped running and
        (re)schedule it, ``_gdpr_reminder_advance`` before the deadline (never
        before today), for those that run."""
        activity_type = self._gdpr_reminder_activity_type
        if not activity_type or not self:
            return
        running = self.filtered_domain(self._gdpr_deadline_open_domain())
        (self - running).activity_feedback(
            [activity_type], feedback=self._gdpr_reminder_feedback()
        )
        running.activity_unlink([activity_type])
        today = fields.Date.context_today(self)
        for record in running:
            deadline = record[self._gdpr_deadline_field]
            if not deadline:
                continue
            due = max(record._local_date(deadline - self._gdpr_reminder_advance), today)
            user = record._gdpr_reminder_user()
            schedule_reminder(
                record,
                activity_type,
                date_deadline=due,
                # In the language of the one who gets the reminder.
                summary=record.with_context(lang=user.lang)._gdpr_reminder_summary(),
                user_id=user.id,
            )

    @api.model
    def _cron_post_overdue(self):
        """Post the overdue notice once on every overdue record.

        Each record is processed on its own: one that fails is logged and
        skipped, never blocks the others. Returns the records notified.
        """
        records = self.search(
            [("is_overdue", "=", True), ("overdue_notified", "=", False)]
        )
        notified = self.browse()
        for record in records:
            try:
                with self.env.cr.savepoint():
                    # Words and dates in one language: the reminder's.
                    lang = record._gdpr_reminder_user().lang
                    record.message_post(
                        body=record.with_context(lang=lang)._gdpr_overdue_message(),
                        subtype_xmlid="mail.mt_note",
                    )
                    with evidence_exception(record):
                        record.write({"overdue_notified": True})
                    self.env.flush_all()
            except Exception:
                _logger.exception(
                    "%s %s: the overdue notice could not be posted",
                    self._name,
                    record.id,
                )
                self.env.invalidate_all()
                continue
            notified |= record
        return notified
