import hashlib
import hmac
import json
import logging

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.osv import expression
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

# Rows inserted by one INSERT statement.
INSERT_CHUNK = 1000
# Events and records read at once by verify_chain.
VERIFY_CHUNK = 10000


def canonical_json(value):
    """The canonical JSON of ``value``: sorted keys, no white space, UTF-8."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def dumps(value):
    """A JSON scalar as :func:`canonical_json` writes it."""
    return json.dumps(value, ensure_ascii=False)


def _parse_evidence(text):
    """The evidence dict of an event's canonical text (``{}`` when unreadable)."""
    try:
        value = json.loads(text) if text else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def chain_hash(previous_hash, payload):
    """SHA-256 (hex) of the previous event's hash followed by ``payload``."""
    return hashlib.sha256((previous_hash + payload).encode()).hexdigest()


class GdprEvidenceEvent(models.Model):
    """One event of the tamper-evident evidence log (SPEC section 7).

    The log is append-only and hash-chained, one chain per company, as
    ``account.move``'s ``inalterable_hash`` is chained per journal:

    - ``sequence`` numbers the events of a company 1, 2, 3... without gaps;
    - ``payload`` is the canonical JSON (:func:`canonical_json`: keys sorted,
      separators ``,`` and ``:`` without spaces, UTF-8, no ASCII escaping) of
      an object with the keys ``company`` (id), ``date`` (``event_date``,
      ``YYYY-MM-DD HH:MM:SS`` UTC), ``event`` (``event_type``), ``model``
      (``res_model``), ``res_id``, ``sequence``, ``user`` (id of the user who
      caused it) and ``evidence``: the evidence of the record at that moment
      as the record's ``_gdpr_evidence_values()`` returns it. For a consent:
      its ID, text, SHA-256 of the wording, category, dates, source, channel,
      withdrawal data and company; the giver, lead, address and contact value
      only as HMAC-SHA-256 keyed by a random per-consent salt that the
      erasure destroys, so that no name, e-mail, phone or address is in the
      log, in clear or guessable;
    - ``hash`` = SHA-256 (hex) of the previous event's ``hash`` (the empty
      string for the first event) followed by ``payload`` (:func:`chain_hash`).

    ``gdpr.evidence.chain`` holds each chain's head (last sequence and hash).
    Nobody writes or deletes an event, the superuser included: events are
    inserted by :meth:`_gdpr_append` only, in the transaction that changes
    the evidence. :meth:`verify_chain` recomputes every chain and compares
    every record's current evidence with its latest event.
    """

    _name = "gdpr.evidence.event"
    _description = "GDPR Evidence Log Event"
    _order = "company_id, sequence desc"
    _rec_name = "sequence"
    _log_access = True

    company_id = fields.Many2one(
        "res.company", required=True, index=True, readonly=True
    )
    sequence = fields.Integer(required=True, readonly=True)
    event_type = fields.Selection(
        [
            ("consent_given", "Consent given"),
            ("consent_withdrawn", "Consent withdrawn"),
            ("consent_anonymized", "Consent anonymized"),
            ("consent_updated", "Consent giver recorded"),
            ("consent_merged", "Consent moved by a partner merge"),
            ("breach_created", "Breach created"),
            ("breach_reported", "Breach reported"),
            ("breach_follow_up", "Breach follow-up"),
            ("breach_updated", "Breach updated"),
            ("information_recorded", "Information notice given"),
            ("information_updated", "Information record: person recorded"),
            ("information_merged", "Information record moved by an opportunity merge"),
            ("information_anonymized", "Information record anonymized"),
            ("agreement_in_force", "Processor agreement put in force"),
            ("agreement_updated", "Processor agreement in force updated"),
            ("agreement_terminated", "Processor agreement terminated"),
            ("agreement_expired", "Processor agreement expired"),
            ("dpia_decided", "Impact assessment decided"),
            ("dpia_reviewed", "Impact assessment decided on review"),
            ("dpia_updated", "Decided impact assessment updated"),
            ("recorded_at_upgrade", "Recorded at upgrade"),
        ],
        required=True,
        readonly=True,
    )
    res_model = fields.Char(string="Document Model", required=True, readonly=True)
    res_id = fields.Many2oneReference(
        string="Document ID", model_field="res_model", required=True, readonly=True
    )
    event_date = fields.Datetime(required=True, readonly=True)
    payload = fields.Text(readonly=True)
    hash = fields.Char(readonly=True)

    _sql_constraints = [
        (
            "company_sequence_uniq",
            "unique(company_id, sequence)",
            "An evidence event number is unique in its company's chain.",
        ),
    ]

    def init(self):
        self.env.cr.execute(
            SQL(
                "CREATE INDEX IF NOT EXISTS gdpr_evidence_event_record_idx "
                "ON gdpr_evidence_event (res_model, res_id, sequence)"
            )
        )

    # ------------------------------------------------------------------
    # Nobody writes or deletes an event
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):  # pylint: disable=method-required-super
        self.check_access("create")
        raise UserError(
            self.env._(
                "Evidence events are recorded by the system only, when the "
                "evidence changes."
            )
        )

    def write(self, vals):  # pylint: disable=method-required-super
        self.check_access("write")
        raise UserError(self.env._("Evidence events never change."))

    @api.ondelete(at_uninstall=False)
    def _unlink_except_always(self):
        raise UserError(self.env._("Evidence events are never deleted."))

    def copy(self, default=None):  # pylint: disable=method-required-super
        raise UserError(self.env._("Evidence events are never duplicated."))

    # ------------------------------------------------------------------
    # Payload helpers
    # ------------------------------------------------------------------
    @api.model
    def _gdpr_digest(self, value):
        """SHA-256 (hex) of a text, ``None`` when empty."""
        if not value:
            return None
        return hashlib.sha256(str(value).encode()).hexdigest()

    @api.model
    def _gdpr_keyed_digest(self, salt, value):
        """HMAC-SHA-256 of ``value`` keyed by ``salt``, ``None`` when empty.

        For personal data: without the salt (destroyed by the erasure) the
        digest cannot be linked to a person, not even by guessing.
        """
        if not value:
            return None
        if isinstance(value, models.BaseModel):
            value = f"{value._name},{value.id}"
        return hmac.new(
            (salt or "").encode(), str(value).encode(), hashlib.sha256
        ).hexdigest()

    @api.model
    def _gdpr_field_value(self, record, fname):
        """JSON-ready value of field ``fname`` of ``record`` (texts hashed)."""
        field = record._fields[fname]
        value = record[fname]
        if field.type == "many2one":
            return value.id or None
        if field.type in ("many2many", "one2many"):
            return sorted(value.ids)
        if field.type in ("char", "text", "html"):
            return self._gdpr_digest(value)
        if field.type == "date":
            return fields.Date.to_string(value) if value else None
        if field.type == "datetime":
            return fields.Datetime.to_string(value) if value else None
        if field.type in ("float", "monetary"):
            return str(value)
        return value if value is not False or field.type == "boolean" else None

    # ------------------------------------------------------------------
    # Appending
    # ------------------------------------------------------------------
    @api.model
    def _gdpr_append(self, records, event_type, values=None):
        """Append one ``event_type`` event per record of ``records``.

        :param records: evidence records (with a ``company_id``)
        :param values: ``{id: evidence}`` when already computed, else
            ``records._gdpr_evidence_values()``
        In the current transaction, one chain per company, the events of a
        batch hashed and inserted in one pass (no query per record).
        """
        if not records:
            return
        if values is None:
            values = records._gdpr_evidence_values()
        now = fields.Datetime.to_string(fields.Datetime.now())
        uid = self.env.uid
        for company, company_records in records.grouped("company_id").items():
            sequence, previous = self._gdpr_lock_head(company.id)
            rows = []
            for record in company_records:
                sequence += 1
                payload = canonical_json(
                    {
                        "company": company.id,
                        "date": now,
                        "event": event_type,
                        "evidence": values[record.id],
                        "model": record._name,
                        "res_id": record.id,
                        "sequence": sequence,
                        "user": uid,
                    }
                )
                previous = chain_hash(previous, payload)
                rows.append(
                    SQL(
                        "(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                        company.id,
                        sequence,
                        event_type,
                        record._name,
                        record.id,
                        now,
                        payload,
                        previous,
                        uid,
                        now,
                        uid,
                        now,
                    )
                )
            for start in range(0, len(rows), INSERT_CHUNK):
                self.env.cr.execute(
                    SQL(
                        "INSERT INTO gdpr_evidence_event (company_id, sequence, "
                        "event_type, res_model, res_id, event_date, payload, hash, "
                        "create_uid, create_date, write_uid, write_date) VALUES %s",
                        SQL(", ").join(rows[start : start + INSERT_CHUNK]),
                    )
                )
            self.env.cr.execute(
                SQL(
                    "UPDATE gdpr_evidence_chain SET last_sequence = %s, "
                    "last_hash = %s, write_uid = %s, write_date = %s "
                    "WHERE company_id = %s",
                    sequence,
                    previous,
                    uid,
                    now,
                    company.id,
                )
            )
        self.invalidate_model()
        self.env["gdpr.evidence.chain"].invalidate_model()

    @api.model
    def _gdpr_lock_head(self, company_id):
        """Lock the head of ``company_id``'s chain; return (sequence, hash).

        Odoo runs transactions in REPEATABLE READ: a lock alone would let a
        transaction read a head older than one committed meanwhile. Locking
        the head row does not: a head changed by a transaction committed
        after ours began raises a serialization failure, and Odoo retries
        the whole request with the new head (as ``ir.sequence`` no_gap).
        """
        cr = self.env.cr
        query = SQL(
            "SELECT last_sequence, last_hash FROM gdpr_evidence_chain "
            "WHERE company_id = %s FOR UPDATE",
            company_id,
        )
        cr.execute(query)
        row = cr.fetchone()
        if row is None:
            now = fields.Datetime.to_string(fields.Datetime.now())
            cr.execute(
                SQL(
                    "INSERT INTO gdpr_evidence_chain (company_id, last_sequence, "
                    "last_hash, create_uid, create_date, write_uid, write_date) "
                    "VALUES (%s, 0, '', %s, %s, %s, %s) "
                    "ON CONFLICT (company_id) DO NOTHING",
                    company_id,
                    self.env.uid,
                    now,
                    self.env.uid,
                    now,
                )
            )
            cr.execute(query)
            row = cr.fetchone()
        return row[0], row[1] or ""

    @api.model
    def _gdpr_latest_evidence(self, records):
        """``{id: evidence}`` of the latest event of each of ``records``."""
        if not records:
            return {}
        self.env.cr.execute(
            SQL(
                "SELECT DISTINCT ON (res_id) res_id, payload "
                "FROM gdpr_evidence_event WHERE res_model = %s AND res_id IN %s "
                "ORDER BY res_id, id DESC",
                records._name,
                tuple(records.ids),
            )
        )
        latest = {}
        for res_id, payload in self.env.cr.fetchall():
            try:
                latest[res_id] = json.loads(payload).get("evidence")
            except (TypeError, ValueError, AttributeError):
                latest[res_id] = None
        return latest

    @api.model
    def _gdpr_check_logged(self, records, values, scope_ids=None):
        """Refuse to log over evidence changed behind the application's back.

        ``values`` is ``{id: evidence}`` of ``records`` as stored now, before
        the write. When it is not their latest event's (an SQL change, a row
        added with SQL), the next event would seal the forged values into the
        chain: the write is refused instead, and the DPO's integrity report
        names the record. Not for the logged erasure (it runs inside
        ``evidence_exception`` and records the evidence as it leaves it).

        :param scope_ids: ids of the records that must be in the log (default:
            all); the others (drafts never logged) may have no event.
        :return: the ids of ``records`` that have an event
        """
        latest = self._gdpr_latest_evidence(records)
        for record in records:
            if record.id not in latest and (
                scope_ids is not None and record.id not in scope_ids
            ):
                continue
            if record.id not in latest or canonical_json(
                values[record.id]
            ) != canonical_json(latest[record.id]):
                raise UserError(
                    self.env._(
                        "%(record)s cannot be changed: its evidence differs from "
                        "the evidence log, so it was changed behind the "
                        "application's back. Ask the data protection officer to "
                        "print the evidence integrity report.",
                        record=record.display_name,
                    )
                )
        return set(latest)

    # ------------------------------------------------------------------
    # Verification
    # ------------------------------------------------------------------
    @api.model
    def _gdpr_evidence_models(self):
        """Names of the models whose records the log covers."""
        return [
            name
            for name, Model in self.env.registry.items()
            if getattr(Model, "_gdpr_evidence_log", False) and not Model._abstract
        ]

    @api.model
    def _gdpr_logged_ids(self, model):
        """Ids of the ``model`` records that have at least one event."""
        self.env.cr.execute(
            SQL(
                "SELECT DISTINCT res_id FROM gdpr_evidence_event WHERE res_model = %s",
                model,
            )
        )
        return [row[0] for row in self.env.cr.fetchall()]

    @api.model
    def _gdpr_record_at_upgrade(self, batch_size=10000):
        """One "recorded at upgrade" event per record that the log must cover
        (:meth:`_gdpr_evidence_log_domain`) and has no event yet, in id order,
        changing none of them: from then on ``verify_chain()`` covers them.
        For the migrations, as superuser."""
        for model in self._gdpr_evidence_models():
            Model = self.env[model].with_context(active_test=False)
            records = Model.search(
                [
                    ("id", "not in", self._gdpr_logged_ids(model)),
                    *Model._gdpr_evidence_log_domain(),
                ],
                order="id",
            )
            for start in range(0, len(records), batch_size):
                batch = records[start : start + batch_size]
                self._gdpr_append(batch, "recorded_at_upgrade")
                batch.invalidate_recordset()
            _logger.info("evidence log: %s %s recorded at upgrade", len(records), model)

    @api.model
    def verify_chain(self, companies=None, anchor=None):
        """Recompute every chain and every record's current evidence.

        For the data protection officer (AccessError for anybody else).

        :param companies: the companies to check (default: the user's)
        :param anchor: ``(sequence, hash)`` of an event printed on an earlier
            integrity report (the DPO keeps them): the chain must still
            contain that event. With several companies, a dict
            ``{company id: (sequence, hash)}``. Without it, deleting the
            newest events and rewinding the chain head with SQL cannot be
            told from a chain that ended there.
        :return: one dict per company: ``company`` (record), ``count``,
            ``first`` and ``last`` (events or empty), ``records`` (a list of
            ``(model name, number of records in the log)``), ``ok`` (bool) and
            ``mismatch`` (the first event or record that does not match, in
            words; ``False`` when all match)
        """
        self._gdpr_check_officer()
        if companies is None:
            companies = self.env.user.company_ids
        # sudo: an officer checks the chains of the companies they work in
        # completely (the records a rule hides from them too); the result
        # names events and record IDs only.
        companies = companies & self.env.user.company_ids
        anchors = (
            {int(key): value for key, value in anchor.items()}
            if isinstance(anchor, dict)
            else dict.fromkeys(companies.ids, anchor)
        )
        return [
            self.sudo()._gdpr_verify_company(company, anchor=anchors.get(company.id))
            for company in companies
        ]

    @api.model
    def _gdpr_check_officer(self):
        """Refuse users other than the DPO (server code as superuser passes)."""
        if not self.env.su and not self.env.user.has_group(
            "crm_gdpr.group_gdpr_officer"
        ):
            raise AccessError(
                self.env._("Only the data protection officer checks the evidence log.")
            )

    def _gdpr_verify_company(self, company, anchor=None):
        cr = self.env.cr
        _ = self.env._
        mismatches = []
        latest = {}
        anchor_seq, anchor_hash = (
            (int(anchor[0]), str(anchor[1])) if anchor else (None, None)
        )
        anchor_found = False
        expected = 1
        previous = ""
        count = 0
        first_id = last_id = False
        last_sequence = 0
        while True:
            cr.execute(
                SQL(
                    "SELECT id, sequence, event_type, res_model, res_id, "
                    "to_char(event_date, 'YYYY-MM-DD HH24:MI:SS'), payload, hash "
                    "FROM gdpr_evidence_event WHERE company_id = %s "
                    "AND sequence > %s ORDER BY sequence, id LIMIT %s",
                    company.id,
                    last_sequence,
                    VERIFY_CHUNK,
                )
            )
            rows = cr.fetchall()
            if not rows:
                break
            for eid, seq, etype, model, res_id, date, payload, ehash in rows:
                count += 1
                first_id = first_id or eid
                last_id = eid
                last_sequence = seq
                if mismatches:
                    continue
                if seq != expected:
                    mismatches.append(
                        _(
                            "Event %(found)s follows event %(previous)s: event "
                            "%(expected)s is missing or out of order.",
                            found=seq,
                            previous=expected - 1,
                            expected=expected,
                        )
                    )
                    continue
                expected += 1
                # The columns are those the hashed payload names: checked on
                # the canonical text itself (no parsing of every event).
                head = (
                    f'{{"company":{company.id},"date":{dumps(date)},'
                    f'"event":{dumps(etype)},"evidence":'
                )
                tail = f',"model":{dumps(model)},"res_id":{res_id},"sequence":{seq},'
                payload = payload or ""
                cut = payload.rfind(tail)
                if (
                    chain_hash(previous, payload) != ehash
                    or not payload.startswith(head)
                    or cut < len(head)
                    or not payload.endswith("}")
                ):
                    mismatches.append(
                        _(
                            "Event %(seq)s (%(model)s #%(res_id)s) does not match "
                            "its hash: it was changed, or an event before it was.",
                            seq=seq,
                            model=model,
                            res_id=res_id,
                        )
                    )
                    continue
                previous = ehash
                if seq == anchor_seq and ehash == anchor_hash:
                    anchor_found = True
                evidence = payload[len(head) : cut]
                if (model, res_id) in latest and model in self.env:
                    # Parsed only for records with several events: the fields
                    # that never change must be the same in each of them.
                    broken = self.env[model]._gdpr_evidence_transition_errors(
                        _parse_evidence(latest[model, res_id][1]),
                        _parse_evidence(evidence),
                        etype,
                    )
                    if broken:
                        mismatches.append(
                            _(
                                "Event %(seq)s (%(model)s #%(res_id)s) changes "
                                "evidence that never changes: %(fields)s. It was "
                                "changed behind the application's back before "
                                "this event.",
                                seq=seq,
                                model=model,
                                res_id=res_id,
                                fields=", ".join(broken),
                            )
                        )
                        continue
                latest[model, res_id] = (seq, evidence)
        chain = self.env["gdpr.evidence.chain"].search(
            [("company_id", "=", company.id)]
        )
        if not mismatches and (
            (chain.last_sequence or 0) != count or (chain.last_hash or "") != previous
        ):
            mismatches.append(
                _(
                    "The chain ends at event %(count)s but its head records event "
                    "%(head)s: events were deleted.",
                    count=count,
                    head=chain.last_sequence,
                )
            )
        if not mismatches and anchor and not anchor_found:
            mismatches.append(
                _(
                    "The chain no longer contains event %(seq)s with hash "
                    "%(hash)s of an earlier report: events were deleted or "
                    "changed.",
                    seq=anchor_seq,
                    hash=anchor_hash,
                )
            )
        if not mismatches:
            mismatches += self._gdpr_verify_records(company, latest)
        events = self.browse([first_id, last_id]) if count else self.browse()
        logged = {}
        for model_name, _res_id in latest:
            logged[model_name] = logged.get(model_name, 0) + 1
        return {
            "company": company,
            "count": count,
            "records": [
                (self.env["ir.model"]._get(model_name).name, logged.get(model_name, 0))
                for model_name in sorted(self._gdpr_evidence_models())
            ],
            "first": events[:1],
            "last": events[-1:],
            "ok": not mismatches,
            "mismatch": mismatches[0] if mismatches else False,
        }

    def _gdpr_verify_records(self, company, latest):
        """Compare each record's current evidence with its latest event."""
        _ = self.env._
        seen = set()
        logged_ids = {}
        for model_name, res_id in latest:
            logged_ids.setdefault(model_name, []).append(res_id)
        for model_name in self._gdpr_evidence_models():
            Model = self.env[model_name].with_context(active_test=False)
            # The records the log must cover, and those it covers (a record
            # with an event is compared whatever its state now).
            domain = [("company_id", "=", company.id)]
            scope = Model._gdpr_evidence_log_domain()
            if scope:
                domain = expression.AND(
                    [
                        domain,
                        expression.OR(
                            [scope, [("id", "in", logged_ids.get(model_name, []))]]
                        ),
                    ]
                )
            ids = Model.search(domain, order="id").ids
            for start in range(0, len(ids), VERIFY_CHUNK):
                records = Model.browse(ids[start : start + VERIFY_CHUNK])
                values = records._gdpr_evidence_values()
                derived = records._gdpr_evidence_derived_mismatches()
                for record in records:
                    key = (model_name, record.id)
                    seen.add(key)
                    if key not in latest:
                        return [
                            _(
                                "%(record)s (%(model)s #%(id)s) is in no event of "
                                "the log: it was added behind the application's "
                                "back.",
                                record=record.display_name,
                                model=model_name,
                                id=record.id,
                            )
                        ]
                    seq, logged = latest[key]
                    current = values[record.id]
                    if canonical_json(current) != logged:
                        try:
                            logged = json.loads(logged)
                        except ValueError:
                            logged = {}
                        if not isinstance(logged, dict):
                            logged = {}
                        fnames = sorted(
                            key
                            for key in set(current) | set(logged or {})
                            if current.get(key) != (logged or {}).get(key)
                        )
                        return [
                            _(
                                "%(record)s (%(model)s #%(id)s) differs from its "
                                "latest event %(seq)s in: %(fields)s.",
                                record=record.display_name,
                                model=model_name,
                                id=record.id,
                                seq=seq,
                                fields=", ".join(fnames),
                            )
                        ]
                    if derived.get(record.id):
                        return [
                            _(
                                "%(record)s (%(model)s #%(id)s): %(fields)s "
                                "differ from what its logged evidence gives: "
                                "they were changed behind the application's "
                                "back.",
                                record=record.display_name,
                                model=model_name,
                                id=record.id,
                                fields=", ".join(derived[record.id]),
                            )
                        ]
                records.invalidate_recordset()
        for model_name, res_id in sorted(set(latest) - seen):
            if model_name in self.env:
                # sudo: only whether the record still exists elsewhere, for
                # the wording; the message names its company's id only.
                moved = (
                    self.env[model_name]
                    .sudo()
                    .with_context(active_test=False)
                    .browse(res_id)
                    .exists()
                )
                if moved and moved.company_id != company:
                    return [
                        _(
                            "%(model)s #%(id)s of event %(seq)s was moved to "
                            "company #%(company)s behind the application's back.",
                            model=model_name,
                            id=res_id,
                            seq=latest[model_name, res_id][0],
                            company=moved.company_id.id,
                        )
                    ]
                return [
                    _(
                        "%(model)s #%(id)s of event %(seq)s no longer exists: it "
                        "was deleted behind the application's back.",
                        model=model_name,
                        id=res_id,
                        seq=latest[model_name, res_id][0],
                    )
                ]
        return []

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    @api.model
    def action_print_integrity_report(self):
        """Print the evidence integrity report of the user's companies."""
        self._gdpr_check_officer()
        return self.env.ref(
            "crm_gdpr.action_report_gdpr_evidence_integrity"
        ).report_action(self.env.user.company_ids & self.env.companies)
