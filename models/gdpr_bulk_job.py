import logging
import time
import weakref
from datetime import timedelta

import psycopg2

from odoo import SUPERUSER_ID, Command, _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, config

_logger = logging.getLogger(__name__)

# Above this many consents a bulk operation runs as a background job.
THRESHOLD_PARAM = "crm_gdpr.bulk_job_threshold"
DEFAULT_THRESHOLD = 5000
# Consents per batch: one batch is one transaction of the job's cron.
BATCH_SIZE_PARAM = "crm_gdpr.bulk_job_batch_size"
DEFAULT_BATCH_SIZE = 500
# A batch that fails this many times in a row fails the job.
MAX_BATCH_FAILURES = 3
# A call of the cron stops its batch after about this many seconds (the
# cursor records where); the runner calls again.
BATCH_SECONDS_PARAM = "crm_gdpr.bulk_job_batch_seconds"
DEFAULT_BATCH_SECONDS = 20
# Items run together in one savepoint; a chunk that fails is run again item
# by item, so that one failing item is skipped and the others are done.
CHUNK_SIZE = 50
# Errors of the batch as a whole (a concurrent update, a lost connection):
# the batch is rolled back and retried, never its items skipped.
BATCH_ERRORS = (psycopg2.OperationalError, psycopg2.InterfaceError)
# Reasons of failed items kept on the job.
MAX_ITEM_ERRORS = 100
# What one consent request by e-mail costs, in consents (the threshold and
# the batch size count consents): rendering its mail takes about twice the
# time of a consent (bench rows 9 and 10 of the README).
REQUEST_WEIGHT = 2
# Start of the current run of Odoo's cron runner, per cursor: the runner
# calls the method up to 10 times in one run, under one time limit.
_RUN_STARTS = weakref.WeakKeyDictionary()


class GdprBulkJob(models.Model):
    """A bulk operation of any size, run in committed batches by a cron.

    Above ``crm_gdpr.bulk_job_threshold`` consents (a system parameter,
    default 5,000) a bulk operation is not run in the user's request, which
    Odoo's ``limit_time_cpu`` / ``limit_time_real`` would kill, but queued
    here: the job keeps the ordered list of its work items (``items``), the
    number of items done (``cursor``), its parameters and counts, and the
    cron ``crm_gdpr.ir_cron_gdpr_bulk_job`` (triggered at once) runs one
    batch per call. A batch's work and the advance of the cursor are written
    in the same transaction, committed by Odoo's cron runner: a batch killed
    or crashed is rolled back whole and run again, so nothing is done twice
    and nothing is left out. A batch that raises is rolled back, noted on the
    job and retried; after ``MAX_BATCH_FAILURES`` failures in a row the job
    fails (its user is told and may resume it). Each batch runs as the user
    who launched the job, in the companies that user worked in: record rules
    and the evidence rules hold as in the user's own request.

    **Adding a kind of job** (e.g. a module's own bulk operation):

    1. add the type: ``job_type = fields.Selection(selection_add=[("my_type",
       "My operation")], ondelete={"my_type": "cascade"})``;
    2. write the batch method ``_gdpr_job_process_my_type(self, items,
       params)``: it is called with one batch of ``items`` (JSON values:
       ids, lists of ids...) and the job's ``params`` (a JSON dict), as the
       job's user, and returns a dict with ``records``
       (the consents it created or changed, linked to the job; records of
       another model need a field of the job, see
       :meth:`_gdpr_record_fields`), and optionally ``skipped`` and
       ``failed`` (counts). It must not commit;
    3. where the operation starts, call :meth:`_gdpr_run_or_queue`: below
       the threshold it calls the same method at once on every item and
       returns its result, above it queues the job and returns it (open it
       with ``job._get_records_action()``).

    Each item should cost about the same; ``weight`` (consents per item)
    sets how many items make a batch of ``crm_gdpr.bulk_job_batch_size``
    consents (default 500).
    """

    _name = "gdpr.bulk.job"
    _description = "GDPR Background Job"
    _inherit = ["mail.thread"]
    _order = "id desc"

    name = fields.Char(required=True, readonly=True)
    job_type = fields.Selection(
        [
            ("consent_grant", "Bulk grant of consents"),
            ("consent_withdraw", "Bulk withdrawal of consents"),
            ("consent_retention", "Retention of withdrawn consents"),
            ("consent_request", "Consent requests by e-mail"),
            ("consent_withdraw_import", "Import of unsubscribed addresses"),
        ],
        string="Type",
        required=True,
        readonly=True,
    )
    user_id = fields.Many2one(
        "res.users",
        string="Launched By",
        required=True,
        readonly=True,
        default=lambda self: self.env.user,
        help="The job runs as this user, in the companies of the launch.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, default=lambda s: s.env.company
    )
    allowed_company_ids = fields.Many2many(
        "res.company",
        string="Companies",
        readonly=True,
        help="The companies the user worked in when launching the job.",
    )
    state = fields.Selection(
        [
            ("queued", "Queued"),
            ("running", "Running"),
            ("done", "Done"),
            ("failed", "Failed"),
        ],
        required=True,
        default="queued",
        readonly=True,
        tracking=True,
    )
    # The work: an ordered list of JSON items and how many are done.
    items = fields.Json(readonly=True, prefetch=False, copy=False)
    params = fields.Json(string="Parameters", readonly=True, prefetch=False)
    batch_size = fields.Integer(
        string="Items per Batch", readonly=True, default=DEFAULT_BATCH_SIZE
    )
    item_count = fields.Integer(string="Items", readonly=True)
    cursor = fields.Integer(string="Items Done", readonly=True, copy=False)
    remaining_count = fields.Integer(
        string="Items Remaining", compute="_compute_progress"
    )
    progress = fields.Float(compute="_compute_progress")
    # Results.
    processed_count = fields.Integer(string="Processed", readonly=True)
    skipped_count = fields.Integer(string="Skipped", readonly=True)
    failed_count = fields.Integer(string="Failed", readonly=True)
    consent_ids = fields.Many2many(
        "gdpr.consent",
        string="Consents",
        readonly=True,
        copy=False,
        help="The consents the job created, withdrew or erased.",
        # Withdrawn consents are archived: a withdrawal job shows them.
        context={"active_test": False},
    )
    request_ids = fields.Many2many(
        "gdpr.consent.request",
        string="Consent Requests",
        readonly=True,
        copy=False,
        help="The consent requests the job created and whose e-mails it queued.",
    )
    item_errors = fields.Text(
        string="Failed Items",
        readonly=True,
        copy=False,
        help="Why the failed items were skipped (one line per item).",
    )
    # Failures of the current batch.
    batch_failures = fields.Integer(readonly=True, copy=False)
    error = fields.Text(readonly=True, copy=False)
    retry_at = fields.Datetime(readonly=True, copy=False)
    date_done = fields.Datetime(string="Finished On", readonly=True, copy=False)

    @api.depends("cursor", "item_count")
    def _compute_progress(self):
        for job in self:
            job.remaining_count = max(job.item_count - job.cursor, 0)
            job.progress = (
                100.0 * job.cursor / job.item_count if job.item_count else 100.0
            )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_open_consents(self):
        """The consents the job created, withdrew or erased."""
        self.ensure_one()
        return self.consent_ids.with_context(active_test=False)._get_records_action(
            name=_("Consents of %s", self.name)
        )

    def action_open_requests(self):
        """The consent requests the job created."""
        self.ensure_one()
        return self.request_ids._get_records_action(
            name=_("Consent Requests of %s", self.name)
        )

    def action_resume(self):
        """Put a failed job back in the queue (its user or an officer)."""
        self.check_access("read")
        failed = self.filtered(lambda job: job.state == "failed")
        if not failed:
            return False
        # sudo: jobs are written by the server only; the caller reads them.
        failed.sudo().write(
            {"state": "queued", "batch_failures": 0, "error": False, "retry_at": False}
        )
        self._gdpr_trigger()
        return True

    # ------------------------------------------------------------------
    # Launching
    # ------------------------------------------------------------------
    @api.model
    def _gdpr_open_states(self):
        """States of a job that still has work to do."""
        return ("queued", "running")

    @api.model
    def _gdpr_param(self, key, default, minimum, convert=int):
        """The number in system parameter ``key``, else ``default``.

        A parameter is free text: a value that is no number (``"abc"``,
        ``"5 000"``) or below ``minimum`` is logged and the default used, as
        Odoo reads its own numeric parameters: a bulk operation (a withdrawal
        above all) never fails because of a configuration value.
        """
        # sudo: system parameters are read by the server only.
        value = self.env["ir.config_parameter"].sudo().get_param(key)
        if not value:
            return default
        try:
            number = convert(value)
        except ValueError:
            number = None
        if number is None or not minimum <= number < float("inf"):
            _logger.warning(
                "System parameter %s: %r is not a number of at least %s; %s is used.",
                key,
                value,
                minimum,
                default,
            )
            return default
        return number

    @api.model
    def _gdpr_threshold(self):
        """Consents above which a bulk operation runs in the background."""
        return self._gdpr_param(THRESHOLD_PARAM, DEFAULT_THRESHOLD, 0)

    @api.model
    def _gdpr_run_or_queue(self, job_type, items, params, name, weight=1):
        """Run ``job_type`` on ``items`` now, or queue it when it is big.

        :param items: the work items (JSON values), in the order of the work
        :param params: a JSON-serialisable dict given to each batch
        :param name: the job's name, shown to the user
        :param weight: consents per item (the threshold counts consents)
        :return: ``(job, result)``: the queued job and ``None``, or an empty
            job and the result of the batch method run on every item
        """
        if len(items) * weight <= self._gdpr_threshold():
            return self.browse(), self._gdpr_process(job_type, items, params)
        return self._gdpr_launch(job_type, items, params, name, weight=weight), None

    @api.model
    def _gdpr_launch(self, job_type, items, params, name, weight=1):
        """Queue a job of ``job_type`` for the current user and start it."""
        size = self._gdpr_param(BATCH_SIZE_PARAM, DEFAULT_BATCH_SIZE, 1)
        # sudo: jobs are written by the server only (users read them); the
        # job runs as the current user, in the current companies.
        job = self.sudo().create(
            {
                "name": name,
                "job_type": job_type,
                "user_id": self.env.uid,
                "company_id": self.env.company.id,
                "allowed_company_ids": [Command.set(self.env.companies.ids)],
                "items": list(items),
                "params": params,
                "item_count": len(items),
                "batch_size": max(1, int(size // max(1, weight))),
            }
        )
        self._gdpr_trigger()
        self._gdpr_trigger_after_commit()
        return job.sudo(self.env.su)

    @api.model
    def _gdpr_trigger(self, at=None):
        # sudo: users do not read scheduled actions; this only wakes the job
        # runner up.
        self.env.ref("crm_gdpr.ir_cron_gdpr_bulk_job").sudo()._trigger(at)

    @api.model
    def _gdpr_trigger_after_commit(self):
        """Trigger the runner again once the current transaction commits.

        The trigger made in the transaction may be consumed by a run that
        ends before this transaction commits, and so never sees the job:
        a trigger made after the commit always finds it.
        """
        registry = self.env.registry

        def trigger():
            with registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                env["gdpr.bulk.job"]._gdpr_trigger()

        self.env.cr.postcommit.add(trigger)

    # ------------------------------------------------------------------
    # Running
    # ------------------------------------------------------------------
    @api.model
    def _gdpr_batch_seconds(self):
        # 0: one chunk per call.
        return self._gdpr_param(
            BATCH_SECONDS_PARAM, DEFAULT_BATCH_SECONDS, 0, convert=float
        )

    @api.model
    def _gdpr_run_seconds(self):
        """Seconds one run of the cron runner may spend in this job: half its
        time limit (``limit_time_real_cron``, else ``limit_time_real``)."""
        limit = config.get("limit_time_real_cron") or 0
        if limit <= 0:
            limit = config.get("limit_time_real") or 0
        return limit / 2 if limit > 0 else None

    @api.model
    def _gdpr_run_deadline(self, now):
        """When the current run of Odoo's cron runner must stop working
        (``time.monotonic()`` value), or None outside the runner.

        The runner calls the method up to 10 times in one run, under one
        time limit: the calls of a run stop at half that limit in all.
        """
        run_seconds = self._gdpr_run_seconds()
        if not (self.env.context.get("cron_id") and run_seconds):
            return None
        return _RUN_STARTS.setdefault(self.env.cr, now) + run_seconds

    @api.model
    def _cron_gdpr_process_jobs(self):
        """Run one batch of the next job, then report the progress.

        A batch stops at its size or after ``crm_gdpr.bulk_job_batch_seconds``
        (default 20), whichever comes first, the cursor recording where. When
        the job finishes and time remains, the next queued job gets its batch
        in the same call. Odoo's cron runner commits after each call and
        calls again while the progress says work remains; when the run's time
        is spent, the call does nothing and triggers a new run. This method
        never commits.
        """
        now = time.monotonic()
        deadline = now + self._gdpr_batch_seconds()
        run_deadline = self._gdpr_run_deadline(now)
        if run_deadline is not None:
            if now >= run_deadline:
                self._gdpr_trigger()
                return
            deadline = min(deadline, run_deadline)
        done = 0
        while True:
            job = self._gdpr_lock_next_job()
            if not job:
                break
            done += job._gdpr_run_batch(deadline)
            if job.state in self._gdpr_open_states() or time.monotonic() >= deadline:
                break
        if done:
            self.env["ir.cron"]._notify_progress(
                done=done, remaining=self._gdpr_remaining_items()
            )

    @api.model
    def _gdpr_lock_next_job(self):
        """The next job ready to run, locked for this transaction.

        A job locked by another transaction (a batch running in another
        worker) is skipped: one job never runs two batches at once.
        """
        self.env["gdpr.bulk.job"].flush_model()
        self.env.cr.execute(
            SQL(
                "SELECT id FROM gdpr_bulk_job WHERE state IN ('queued', 'running') "
                "AND (retry_at IS NULL OR retry_at <= %s) "
                "ORDER BY batch_failures, id LIMIT 1 FOR NO KEY UPDATE SKIP LOCKED",
                fields.Datetime.now(),
            )
        )
        row = self.env.cr.fetchone()
        return self.sudo().browse(row[0]) if row else self.browse()

    @api.model
    def _gdpr_remaining_items(self):
        groups = self.sudo()._read_group(
            [("state", "in", ("queued", "running"))],
            aggregates=["item_count:sum", "cursor:sum"],
        )
        total, done = groups[0]
        return max((total or 0) - (done or 0), 0)

    def _gdpr_run_batch(self, deadline=None):
        """Run the next batch of the job; return the number of items done.

        The batch runs in a savepoint as the job's user; its work, the
        cursor and the counts are written in the same transaction. It stops
        early at ``deadline`` (a ``time.monotonic()`` value), after one chunk
        at least. An item that fails is skipped, counted as failed and its
        reason kept (SPEC section 9); a failure of the batch itself (the
        user's companies, a concurrent update) rolls the batch back and is
        noted on the job.
        """
        self.ensure_one()
        start = self.cursor
        batch = (self.items or [])[start : start + self.batch_size]
        if self.state == "queued":
            self.state = "running"
        if not batch:
            self._gdpr_finish()
            return 0
        try:
            # A flushing savepoint: its rollback also drops the cache and the
            # pending hooks (tracking, bus) of the failed batch.
            with self.env.cr.savepoint():
                job = self.with_env(self._gdpr_user_env())
                result = job._gdpr_process_batch(
                    self.job_type, batch, self.params or {}, deadline
                )
        except Exception as error:  # noqa: BLE001 -- noted on the job, retried
            _logger.exception(
                "GDPR background job %s: batch at item %s failed", self.id, start
            )
            self._gdpr_batch_failed(error)
            return 0
        fields_by_model = self._gdpr_record_fields()
        links = {}
        for records in result["records"]:
            links.setdefault(fields_by_model[records._name], []).extend(
                Command.link(rid) for rid in records.ids
            )
        errors = [line for line in (self.item_errors or "").splitlines() if line]
        errors += result["errors"]
        self.write(
            {
                **links,
                "cursor": start + result["count"],
                "processed_count": self.processed_count
                + sum(len(records) for records in result["records"]),
                "skipped_count": self.skipped_count + result["skipped"],
                "failed_count": self.failed_count + result["failed"],
                "item_errors": "\n".join(errors[:MAX_ITEM_ERRORS]) or False,
                "batch_failures": 0,
                "error": False,
                "retry_at": False,
            }
        )
        if self.cursor >= self.item_count:
            self._gdpr_finish()
        return result["count"]

    @api.model
    def _gdpr_record_fields(self):
        """The job's Many2many field keeping the records of each model that
        a batch method returns. A kind of job returning records of another
        model extends it with a field of its own."""
        return {"gdpr.consent": "consent_ids", "gdpr.consent.request": "request_ids"}

    def _gdpr_process_batch(self, job_type, items, params, deadline=None):
        """Run ``items`` in chunks until done or ``deadline``, as the user.

        :return: a dict: ``count`` (items done), ``records`` (a list of the
            record sets the chunks returned), ``skipped``, ``failed``
            (consents) and ``errors`` (one line per failed item)
        """
        totals = {
            "count": 0,
            "records": [],
            "skipped": 0,
            "failed": 0,
            "errors": [],
        }
        for index in range(0, len(items), CHUNK_SIZE):
            if index and deadline is not None and time.monotonic() >= deadline:
                break
            chunk = items[index : index + CHUNK_SIZE]
            try:
                result = self._gdpr_process_isolated(job_type, chunk, params)
            except BATCH_ERRORS:
                raise
            except Exception:  # noqa: BLE001 -- the chunk is run item by item
                self.env.clear()
                result = self._gdpr_process_one_by_one(job_type, chunk, params)
            totals["count"] += len(chunk)
            totals["records"] += result["records"]
            totals["skipped"] += result.get("skipped", 0)
            totals["failed"] += result.get("failed", 0)
            totals["errors"] += result.get("errors", [])
        return totals

    def _gdpr_process_isolated(self, job_type, items, params):
        """Run ``items`` in a savepoint, flushed inside it; the result's
        ``records`` become a list of record sets."""
        with self.env.cr.savepoint():
            result = self._gdpr_process(job_type, items, params)
            self.env.flush_all()
        records = result.get("records")
        return dict(result, records=[records] if records else [])

    def _gdpr_process_one_by_one(self, job_type, items, params):
        """Run each of ``items`` in its own savepoint; skip those that fail."""
        totals = {"records": [], "skipped": 0, "failed": 0}
        errors = []
        for item in items:
            try:
                result = self._gdpr_process_isolated(job_type, [item], params)
            except BATCH_ERRORS:
                raise
            except Exception as error:  # noqa: BLE001 -- skipped, counted, kept
                _logger.info(
                    "GDPR background job: %s item %s failed and was skipped",
                    job_type,
                    item,
                    exc_info=True,
                )
                self.env.clear()
                totals["failed"] += self._gdpr_item_consents(job_type, item, params)
                reason = error.args[0] if isinstance(error, UserError) else repr(error)
                errors.append(
                    self.env._(
                        "Item %(item)s: %(reason)s",
                        item=item,
                        reason=str(reason).splitlines()[0] if reason else "",
                    )
                )
                continue
            totals["records"] += result["records"]
            totals["skipped"] += result.get("skipped", 0)
            totals["failed"] += result.get("failed", 0)
        totals["errors"] = errors
        return totals

    @api.model
    def _gdpr_item_consents(self, job_type, item, params):
        """How many consents ``item`` stands for (the counts are consents;
        of a consent request job, requests)."""
        if job_type == "consent_request":
            return 1
        if job_type == "consent_grant":
            return len(params.get("lines") or ()) or 1
        return len(item) if isinstance(item, list) else 1

    def _gdpr_user_env(self):
        """The environment of the job's user, in the companies of the launch.

        Companies the user has lost since the launch are dropped; a job whose
        user works in none of them any more cannot run.
        """
        user = self.user_id
        companies = self.company_id | self.allowed_company_ids
        if user.id != SUPERUSER_ID:
            companies &= user.company_ids
        if not companies:
            raise UserError(
                _(
                    "%s no longer works in the companies of this job.",
                    user.display_name,
                )
            )
        context = {
            "allowed_company_ids": companies.ids,
            "lang": user.lang,
            "tz": user.tz,
        }
        return self.env(user=user, context=context, su=False)

    @api.model
    def _gdpr_process(self, job_type, items, params):
        """Run the batch method of ``job_type`` on ``items``."""
        return getattr(self, f"_gdpr_job_process_{job_type}")(items, params)

    def _gdpr_batch_failed(self, error):
        failures = self.batch_failures + 1
        vals = {"batch_failures": failures, "error": str(error) or repr(error)}
        if failures < MAX_BATCH_FAILURES:
            vals["retry_at"] = fields.Datetime.now() + timedelta(minutes=failures)
            self.write(vals)
            self._gdpr_trigger(vals["retry_at"])
            return
        vals.update(state="failed", retry_at=False)
        self.write(vals)
        job = self.with_context(lang=self.user_id.lang)
        job._gdpr_tell_user(
            job.env._(
                "%(name)s failed after %(done)s of %(total)s items: %(error)s",
                name=job.name,
                done=job.cursor,
                total=job.item_count,
                error=job.error,
            ),
            "danger",
        )

    def _gdpr_finish(self):
        self.write({"state": "done", "date_done": fields.Datetime.now()})
        job = self.with_context(lang=self.user_id.lang)
        # Failed or skipped items are the user's to notice (someone was not
        # recorded): a warning that stays, not a passing "success".
        job._gdpr_tell_user(
            job.env._(
                "%(name)s finished: %(processed)s processed, %(skipped)s "
                "skipped, %(failed)s failed.",
                name=job.name,
                processed=job.processed_count,
                skipped=job.skipped_count,
                failed=job.failed_count,
            ),
            "warning" if job.failed_count or job.skipped_count else "success",
        )

    def _gdpr_tell_user(self, message, kind):
        """Note ``message`` in the chatter and send it to the job's user."""
        self.message_post(body=message, subtype_xmlid="mail.mt_note")
        self.user_id._bus_send(
            "simple_notification",
            {
                "type": kind,
                "title": self.env._("GDPR background job"),
                "message": message,
                "sticky": kind in ("danger", "warning"),
            },
        )

    # ------------------------------------------------------------------
    # Batch methods (one per job type)
    # ------------------------------------------------------------------
    def _gdpr_job_process_consent_grant(self, items, params):
        """Grant the consents of ``params`` to the partners ``items``."""
        Consent = self.env["gdpr.consent"]
        givers = self.env[params.get("giver_model", "res.partner")].browse(items)
        existing = givers.exists()
        consents, skipped = Consent._gdpr_grant(
            existing,
            params["lines"],
            params["date_given"],
            source=self.env["gdpr.consent.source"].browse(params.get("source_id")),
            company=self.env["res.company"].browse(params["company_id"]),
            lead=self.env["crm.lead"].browse(params.get("lead_id")),
        )
        missing = len(givers) - len(existing)
        return {
            "records": consents,
            "skipped": len(skipped) + missing * len(params["lines"]),
            "skipped_pairs": skipped,
        }

    def _gdpr_job_process_consent_withdraw(self, items, params):
        """Withdraw the consents ``items`` (those still active)."""
        consents = self.env["gdpr.consent"].browse(items).exists()
        withdrawn = consents.action_withdraw(
            date_withdrawn=params.get("date_withdrawn"),
            reason=self.env["gdpr.withdrawal.reason"].browse(params.get("reason_id")),
            source=self.env["gdpr.withdrawal.source"].browse(params.get("source_id")),
        )
        return {"records": withdrawn, "skipped": len(items) - len(withdrawn)}

    def _gdpr_job_process_consent_retention(self, items, params):
        """Flag, and erase where the category says so, expired consents.

        ``items`` are lists of consent ids, one per giver.
        """
        consents = (
            self.env["gdpr.consent"]
            .with_context(active_test=False)
            .browse([cid for group in items for cid in group])
            .exists()
        )
        erased, failed = consents._gdpr_retention_process()
        return {"records": erased, "failed": len(failed)}

    def _gdpr_job_process_consent_request(self, items, params):
        """Ask the givers ``items`` by e-mail to confirm the texts of
        ``params`` (double opt-in): one request each, its mail queued.

        ``items`` are ``["partner", id]`` or ``["lead", id]``; a lead is
        asked through its contact. A giver without an e-mail address, or
        deleted since the launch, is skipped.
        """
        ids = {"partner": [], "lead": []}
        for kind, record_id in items:
            ids[kind].append(record_id)
        partners = self.env["res.partner"].browse(ids["partner"]).exists()
        leads = self.env["crm.lead"].browse(ids["lead"]).exists()
        texts = (
            self.env["gdpr.consent.text"]
            .with_context(active_test=False)
            .browse(params["text_ids"])
        )
        requests, skipped = self.env["gdpr.consent.request"]._gdpr_ask(
            partners, leads, texts
        )
        missing = len(items) - len(partners) - len(leads)
        return {
            "records": requests,
            "skipped": len(skipped) + missing,
            "skipped_names": skipped,
        }

    def _gdpr_job_process_consent_withdraw_import(self, items, params):
        """Withdraw the consents ``items`` that the import's preview showed
        (those still active)."""
        return self._gdpr_job_process_consent_withdraw(items, params)
