"""Evidence models: what the controller shows a supervisory authority.

SPEC section 7. Every model that is evidence (consents, breaches, the
identifiers of registers and activities) inherits :class:`GdprEvidenceMixin`
and declares with class attributes what of it is evidence:

``_gdpr_identifier_field`` / ``_gdpr_identifier_sequence``
    the server-assigned identifier (``name``, ``code``) and the code of the
    ``ir.sequence`` it is drawn from. Assigned in ``create`` whatever the
    caller sends, refused in ``write``. Override
    :meth:`_gdpr_next_identifiers` to number records another way.
``_gdpr_locked_fields``
    fields that never change after creation.
``_gdpr_locked_once_set_fields``
    fields that may be filled once, when empty, and never change afterwards.
``_gdpr_technical_fields``
    computed or technical fields no client ever writes (not even at creation).
``_gdpr_copy_refused`` / ``_gdpr_unlink_refused``
    records are never duplicated / never deleted, by anybody.
:meth:`_gdpr_evidence_records`
    which records are evidence now (default: all of them). A record that
    becomes evidence at a step of its life (a processor agreement once in
    force, an impact assessment once decided) is free before it: the locked
    fields and the refusal of copy and unlink apply to the records this hook
    returns. The identifier and the technical fields hold for every record.
``_gdpr_append_only_chatter``
    messages, tracking values and attachments of the records are never
    edited or deleted, and nobody posts in another author's name (see
    ``mail_message.py``, ``mail_tracking_value.py``, ``ir_attachment.py``).
``_gdpr_evidence_log``
    every change of :meth:`_gdpr_evidence_values` appends an event to the
    hash-chained ``gdpr.evidence.event`` log. Before a write appends one,
    the record's stored evidence must still be its latest event's: a change
    made behind the ORM's back is refused, never sealed by the next event.
    :meth:`_gdpr_evidence_transition_errors` says which changes between two
    events of one record can never be legitimate (``verify_chain``).
:meth:`_gdpr_evidence_log_domain`
    which records the log covers (default: all of them, from their
    creation). A model whose records become evidence at a step of their life
    returns the domain of that step (a processor agreement once in force);
    a record is logged when it enters the domain, and is compared with its
    events from then on, whatever its state. Records outside the domain
    that have no event (drafts, deletable) are not expected in the log.

Clients cannot switch the chatter off on these models: ``tracking_disable``,
``mail_notrack`` and ``mail_create_nolog`` are dropped from the context of
``create`` and ``write`` unless the caller runs as superuser.

The one exception is the logged erasure of SPEC section 6 (and the server
jobs that set technical flags): server code runs it inside
:func:`evidence_exception`, which marks the records for the current thread
only. It is deliberately not a context key: context keys are sent by RPC
clients, a ``ContextVar`` set in a ``with`` block of server code is not.
"""

import contextvars
from contextlib import contextmanager

from odoo import api, models
from odoo.exceptions import UserError

# (dbname, model, id) of the records that server code is erasing right now.
_EXCEPTION = contextvars.ContextVar("crm_gdpr_evidence_exception", default=frozenset())

# (dbname, model, id) of the evidence records whose write is running: an
# inverse or a compute writing them again is part of that write.
_WRITING = contextvars.ContextVar("crm_gdpr_evidence_writing", default=frozenset())

# Context keys that switch off the chatter's tracking or its creation note:
# a client sends the context, so they are ignored on evidence models unless
# server code runs as superuser.
TRACKING_OFF_KEYS = frozenset({"tracking_disable", "mail_notrack", "mail_create_nolog"})


@contextmanager
def evidence_exception(records):
    """Let server code change the evidence of ``records`` in the block.

    For the logged erasure (Art. 17) and for the jobs that set technical
    flags only. Never reachable by a client: call it from private methods,
    around the smallest change that needs it, and record the change (the
    erasure appends its own evidence event).
    """
    dbname = records.env.cr.dbname
    marks = {(dbname, records._name, rid) for rid in records.ids}
    token = _EXCEPTION.set(_EXCEPTION.get() | marks)
    try:
        yield
    finally:
        _EXCEPTION.reset(token)


def in_evidence_exception(env, model, res_ids):
    """Whether all ``model``/``res_ids`` records are in :func:`evidence_exception`."""
    marks = _EXCEPTION.get()
    if not marks:
        return False
    dbname = env.cr.dbname
    return all((dbname, model, rid) in marks for rid in res_ids)


def is_append_only_model(env, model):
    """Whether ``model`` (a model name) keeps an append-only chatter."""
    Model = env.registry.get(model) if model else None
    return bool(
        Model is not None and getattr(Model, "_gdpr_append_only_chatter", False)
    )


class GdprEvidenceMixin(models.AbstractModel):
    _name = "gdpr.evidence.mixin"
    _description = "GDPR Evidence Mixin"

    _gdpr_identifier_field = None
    _gdpr_identifier_sequence = None
    _gdpr_locked_fields = ()
    _gdpr_locked_once_set_fields = ()
    _gdpr_technical_fields = ()
    _gdpr_copy_refused = False
    _gdpr_unlink_refused = False
    _gdpr_append_only_chatter = False
    _gdpr_evidence_log = False

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        technical = [
            fname
            for vals in vals_list
            for fname in self._gdpr_technical_fields
            if fname in vals
        ]
        if technical:
            self._gdpr_raise_not_writable(technical[0])
        # Nor through context defaults (a client sends the context).
        server_set = {*self._gdpr_technical_fields, self._gdpr_identifier_field}
        # The whole context minus those keys (kwargs cannot remove keys).
        self = self.with_context(  # pylint: disable=context-overridden
            {
                key: value
                for key, value in self._gdpr_clean_context().items()
                if not (key.startswith("default_") and key[8:] in server_set)
            }
        )
        if self._gdpr_identifier_field:
            # The model's access first: the sequence is read as superuser, a
            # user without the right to create gets the error of this model.
            self.browse().check_access("create")
            names = self._gdpr_next_identifiers(vals_list)
            for vals, name in zip(vals_list, names, strict=True):
                # Whatever the caller sends: the server assigns the identifier.
                vals[self._gdpr_identifier_field] = name
        records = super().create(vals_list)
        if self._gdpr_evidence_log:
            for event_type, logged in (
                records._gdpr_evidence_in_log_scope()
                .grouped(lambda record: record._gdpr_evidence_event_type_create())
                .items()
            ):
                self.env["gdpr.evidence.event"]._gdpr_append(logged, event_type)
        return records

    def write(self, vals):
        if in_evidence_exception(self.env, self._name, self.ids):
            return super().write(vals)
        self._gdpr_check_evidence_write(vals)
        # The whole context minus the keys that switch tracking off.
        self = self.with_context(  # pylint: disable=context-overridden
            self._gdpr_clean_context()
        )
        log = self._gdpr_evidence_log and self._gdpr_evidence_write_triggers(vals)
        before = self._gdpr_evidence_values() if log else None
        # The records already in the log: those of its scope, and those with
        # an event whatever their state now.
        logged_ids = set(self._gdpr_evidence_in_log_scope().ids) if log else set()
        dbname = self.env.cr.dbname
        marks = {(dbname, self._name, rid) for rid in self.ids}
        writing = _WRITING.get()
        # An inverse writing the records again: the cache already holds the
        # outer write's values, checked before it.
        if log and not marks <= writing:
            logged_ids |= self.env["gdpr.evidence.event"]._gdpr_check_logged(
                self, before, scope_ids=logged_ids
            )
        token = _WRITING.set(writing | marks)
        try:
            res = super().write(vals)
        finally:
            _WRITING.reset(token)
        if log:
            self._gdpr_log_changes(before, vals, logged_ids=logged_ids)
        return res

    def copy(self, default=None):
        if self._gdpr_copy_refused and self._gdpr_evidence_records():
            raise UserError(
                self.env._(
                    "%(model)s %(name)s is evidence and cannot be duplicated: "
                    "register a new one.",
                    model=self._gdpr_model_name(),
                    name=self._gdpr_evidence_records()[:1].display_name,
                )
            )
        return super().copy(default=default)

    def unlink(self):
        # Not an ``@api.ondelete(at_uninstall=False)``: those are skipped when
        # the context carries the uninstall flag, which an RPC client can
        # send; and mail.thread deletes the chatter before they run. An
        # uninstall drops the tables without deleting records one by one.
        if self._gdpr_unlink_refused and self._gdpr_evidence_records():
            # The access rights first (officers without the right to delete
            # get Odoo's AccessError); ids that are no ids are the
            # framework's error, as on any model.
            self.browse().check_access("unlink")
            if any(not isinstance(rid, int) for rid in self._ids):
                raise ValueError(  # pylint: disable=no-raise-unlink
                    f"Invalid record ids: {self._ids!r}"
                )
            raise UserError(  # pylint: disable=no-raise-unlink
                self._gdpr_unlink_refused_message()
            )
        if self._gdpr_unlink_refused and self._gdpr_append_only_chatter and self:
            # None of them is evidence yet (drafts): their chatter goes with
            # them, as on any model.
            with evidence_exception(self):
                return super().unlink()
        return super().unlink()

    # ------------------------------------------------------------------
    # Hooks
    # ------------------------------------------------------------------
    def _gdpr_evidence_records(self):
        """The records of ``self`` that are evidence now: their locked fields
        never change, they are never duplicated nor deleted.

        Default: all of them. Override in a model whose records become
        evidence at a step of their life, e.g. ``self.filtered(lambda r:
        r.state != "draft")``; the state they had before the write decides.
        """
        return self

    def _gdpr_clean_context(self):
        """The context without the keys that switch the chatter off.

        Kept for superuser code (server jobs, the logged erasure), whose
        context no client chooses.
        """
        context = self.env.context
        if self.env.su or not (
            self._gdpr_append_only_chatter or self._gdpr_evidence_log
        ):
            return context
        return {
            key: value for key, value in context.items() if key not in TRACKING_OFF_KEYS
        }

    @api.model
    def _gdpr_next_identifiers(self, vals_list):
        """Return one new identifier per ``vals`` of ``vals_list``.

        Default: the next number of the sequence ``_gdpr_identifier_sequence``
        in the company of the values. Override for batches or other formats.
        """
        names = []
        for vals in vals_list:
            company = self.env["res.company"].browse(
                vals.get("company_id") or self.env.company.id
            )
            name = (
                self.env["ir.sequence"]
                .with_company(company)
                .next_by_code(self._gdpr_identifier_sequence)
            )
            if not name:
                raise UserError(
                    self.env._(
                        "The sequence “%s” numbering these records is missing.",
                        self._gdpr_identifier_sequence,
                    )
                )
            names.append(name)
        return names

    def _gdpr_model_name(self):
        """The model's name in the user's language ("Zgoda RODO"), not its
        English ``_description``, for the messages that name it."""
        return self.env["ir.model"]._get(self._name).name

    def _gdpr_unlink_refused_message(self):
        """The message explaining why the records are never deleted."""
        return self.env._(
            "%s records are evidence and are never deleted.", self._gdpr_model_name()
        )

    def _gdpr_check_evidence_write(self, vals):
        """Refuse writing the identifier, the locked and the technical fields.

        A value equal to the stored one is no change (an export re-imported as
        it is). Extend it for rules of one model (call ``super()``).
        """
        for fname in self._gdpr_technical_fields:
            if fname in vals and self._gdpr_changes(fname, vals[fname]):
                self._gdpr_raise_not_writable(fname)
        ident = self._gdpr_identifier_field
        if ident and ident in vals and self._gdpr_changes(ident, vals[ident]):
            raise UserError(
                self.env._(
                    "“%(field)s” of %(model)s is assigned automatically and "
                    "never changes.",
                    field=self._fields[ident]._description_string(self.env),
                    model=self._gdpr_model_name(),
                )
            )
        locked = self._gdpr_evidence_records()
        for fname in self._gdpr_locked_fields:
            if fname in vals:
                changed = locked._gdpr_changes(fname, vals[fname])
                if changed:
                    self._gdpr_raise_locked(changed[0], fname)
        for fname in self._gdpr_locked_once_set_fields:
            if fname in vals:
                changed = locked._gdpr_changes(fname, vals[fname]).filtered(fname)
                if changed:
                    self._gdpr_raise_locked(changed[0], fname)

    def _gdpr_raise_locked(self, record, fname):
        """Raise the error for a change of evidence field ``fname`` of ``record``.

        Override to word it for one model.
        """
        raise UserError(
            self.env._(
                "%(record)s: “%(field)s” is evidence and cannot change.",
                record=record.display_name,
                field=self._fields[fname]._description_string(self.env),
            )
        )

    def _gdpr_raise_not_writable(self, fname):
        raise UserError(
            self.env._(
                "“%(field)s” of %(model)s is set by the system and cannot be written.",
                field=self._fields[fname]._description_string(self.env),
                model=self._gdpr_model_name(),
            )
        )

    def _gdpr_changes(self, fname, value):
        """The records of ``self`` whose ``fname`` would change to ``value``."""
        field = self._fields[fname]
        changed = self.browse()
        for record in self:
            new = field.convert_to_record(field.convert_to_cache(value, record), record)
            old = record[fname]
            if field.type in ("char", "text", "html"):
                new, old = new or False, old or False
            if new != old:
                changed |= record
        return changed

    # ------------------------------------------------------------------
    # Evidence log
    # ------------------------------------------------------------------
    def _gdpr_evidence_values(self):
        """Return ``{id: payload}``: the evidence of each record, JSON-ready.

        What the log hashes and what ``verify_chain`` compares with the
        record. No name, e-mail, phone or address in clear: hash them (see
        ``gdpr.evidence.event._gdpr_digest``). Override in each model.
        """
        return {record.id: {} for record in self}

    def _gdpr_evidence_derived_mismatches(self):
        """Return ``{id: [field, ...]}``: stored values of each record that
        are derived from its evidence (computed levels, a line's company)
        and differ from a recomputation from it. ``verify_chain`` reports
        them: printed values are evidence too. Override in a model that
        stores such values."""
        return {}

    def _gdpr_evidence_write_triggers(self, vals):
        """Whether writing ``vals`` may change :meth:`_gdpr_evidence_values`."""
        return bool(set(vals) & set(self._gdpr_evidence_trigger_fields()))

    def _gdpr_evidence_trigger_fields(self):
        """Fields whose change may change the evidence. Extend in each model."""
        return []

    @api.model
    def _gdpr_evidence_immutable_keys(self):
        """Keys of :meth:`_gdpr_evidence_values` equal in all events of a record."""
        return ("name",)

    @api.model
    def _gdpr_evidence_transition_errors(self, before, after, event_type):
        """Keys changed from ``before`` to ``after`` (two consecutive events of
        one record, ``after`` of type ``event_type``) that never change.

        ``verify_chain`` reports a record whose events break these rules: an
        SQL change is found even when a later event copied it. Extend for the
        rules of one model (call ``super()``).
        """
        return sorted(
            key
            for key in self._gdpr_evidence_immutable_keys()
            if before.get(key) != after.get(key)
        )

    @api.model
    def _gdpr_evidence_log_domain(self):
        """The domain of the records the evidence log must cover.

        Default: all records, from their creation. Override in a model whose
        records become evidence at a step of their life, e.g.
        ``[("state", "!=", "draft")]``: a record is logged when a write
        brings it into the domain (event
        :meth:`_gdpr_evidence_event_type_create`), and ``verify_chain``
        reports a record of the domain without an event, but not a record
        outside it that was never logged (a draft, which may be deleted).
        A record once logged is compared with its events whatever its
        state. Keep it a domain on stored fields of the record itself.
        """
        return []

    def _gdpr_evidence_in_log_scope(self):
        """The records of ``self`` in :meth:`_gdpr_evidence_log_domain`."""
        domain = self._gdpr_evidence_log_domain()
        return self.filtered_domain(domain) if domain else self

    def _gdpr_evidence_event_type_create(self):
        """The event type logged when a record is created, or enters
        :meth:`_gdpr_evidence_log_domain` by a write (called per record)."""
        return "created"

    def _gdpr_evidence_event_type_write(self, before, after, vals):
        """The event type of a change of evidence from ``before`` to ``after``.

        Called per record; override in each model.
        """
        return "updated"

    def _gdpr_log_changes(self, before, vals, logged_ids=None):
        """Append the events of a write, from ``before`` (``{id: evidence}``
        before it). ``logged_ids``: the ids of the records that were in the
        log before the write (default: all); the others are logged when the
        write brought them into :meth:`_gdpr_evidence_log_domain`."""
        after = self._gdpr_evidence_values()
        if logged_ids is None:
            logged_ids = set(self.ids)
        by_type = (
            self.filtered(lambda record: record.id not in logged_ids)
            ._gdpr_evidence_in_log_scope()
            .grouped(lambda record: record._gdpr_evidence_event_type_create())
        )
        for record in self:
            if record.id not in logged_ids:
                continue
            if before[record.id] != after[record.id]:
                event_type = record._gdpr_evidence_event_type_write(
                    before[record.id], after[record.id], vals
                )
                by_type.setdefault(event_type, self.browse())
                by_type[event_type] |= record
        for event_type, records in by_type.items():
            self.env["gdpr.evidence.event"]._gdpr_append(
                records, event_type, values=after
            )
