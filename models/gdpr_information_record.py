import secrets

from odoo import api, fields, models, tools
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

from .gdpr_evidence_mixin import evidence_exception


class GdprInformationRecord(models.Model):
    """Evidence that a person was given the information notice (Art. 13/14).

    Evidence as consents are (SPEC sections 7 and 13): server identifier,
    never changed, never duplicated, never deleted, append-only chatter, and
    an event in the evidence log for each record.
    """

    _name = "gdpr.information.record"
    _description = "GDPR Information Record"
    _inherit = ["gdpr.value.check.mixin", "gdpr.evidence.mixin", "mail.thread"]
    _order = "date_informed desc, id desc"
    _check_company_auto = True

    # Evidence (SPEC section 7, see gdpr.evidence.mixin)
    _gdpr_identifier_field = "name"
    _gdpr_identifier_sequence = "gdpr.information.record"
    _gdpr_locked_fields = (
        "notice_id",
        "body",
        "date_informed",
        "method",
        "company_id",
        # Where the person was informed; the opportunity merge moves it
        # (recorded, see _gdpr_move_to_lead).
        "lead_id",
    )
    # The lead hand-over fills an empty person, as for consents.
    _gdpr_locked_once_set_fields = ("partner_id",)
    _gdpr_technical_fields = ("evidence_salt", "is_anonymized")
    _gdpr_copy_refused = True
    _gdpr_unlink_refused = True
    _gdpr_append_only_chatter = True
    _gdpr_evidence_log = True

    name = fields.Char(
        string="Record ID",
        required=True,
        readonly=True,
        copy=False,
        index="trigram",
        default=lambda self: self.env._("New"),
        help="Assigned by the system at creation; it never changes.",
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Person Informed",
        index=True,
        ondelete="restrict",
        check_company=True,
        tracking=True,
        help="Once set it never changes.",
    )
    lead_id = fields.Many2one(
        "crm.lead",
        index="btree_not_null",
        ondelete="restrict",
        check_company=True,
        tracking=True,
        help="The lead or opportunity of the person informed. When the lead "
        "gets a customer, the record gets it as the person informed.",
    )
    notice_id = fields.Many2one(
        "gdpr.information.notice",
        string="Information Notice",
        required=True,
        index=True,
        ondelete="restrict",
        check_company=True,
        tracking=True,
    )
    body = fields.Html(
        string="Wording Given",
        compute="_compute_body",
        store=True,
        precompute=True,
        readonly=True,
        # Copied from the notice, sanitized there: sanitizing the copy again
        # could alter the proof.
        sanitize=False,
        help="Copy of the notice's wording when the person was informed. It "
        "never changes afterwards.",
    )
    date_informed = fields.Date(
        required=True,
        default=fields.Date.context_today,
        tracking=True,
    )
    method = fields.Selection(
        [
            ("in_person", "In person"),
            ("email", "E-mail"),
            ("paper", "Paper"),
            ("phone", "Phone"),
            ("website", "Website"),
        ],
        required=True,
        default="in_person",
        tracking=True,
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
        tracking=True,
    )
    is_anonymized = fields.Boolean(
        string="Record Anonymized",
        readonly=True,
        copy=False,
        help="The personal data of this record were erased (privacy lookup): "
        "only the anonymous fact that a notice was given remains.",
    )
    evidence_salt = fields.Char(
        readonly=True,
        copy=False,
        default=lambda self: secrets.token_hex(16),
        help="Random key of the digests of the person and the lead in the "
        "evidence log.",
    )

    _sql_constraints = [
        ("name_uniq", "unique (name)", "The information record ID must be unique."),
    ]

    @api.depends("notice_id")
    def _compute_body(self):
        for record in self:
            lang = (
                record.partner_id.lang or record.lead_id.lang_id.code or self.env.lang
            )
            record.body = record.notice_id.with_context(lang=lang).body

    @api.constrains("partner_id", "lead_id", "notice_id")
    def _check_person(self):
        for record in self:
            if (
                not record.partner_id
                and not record.lead_id
                and not record.is_anonymized
            ):
                raise ValidationError(
                    self.env._(
                        "An information record needs the person informed or the lead."
                    )
                )

    @api.constrains("date_informed", "notice_id")
    def _check_date_informed(self):
        today = fields.Date.context_today(self)
        for record in self:
            if record.date_informed > today:
                raise ValidationError(
                    self.env._("A person cannot be informed in the future.")
                )
            if record.date_informed < record.notice_id.date_start:
                raise ValidationError(
                    self.env._(
                        "The notice “%(notice)s” is in force from %(date)s: "
                        "nobody was informed of it before.",
                        notice=record.notice_id.display_name,
                        date=record.notice_id.date_start,
                    )
                )

    @api.model
    def _check_source_access(self, vals_list):
        """Refuse records for a person, lead or notice the user cannot read
        (the AccessError names none of them, SPEC section 8)."""
        if self.env.su:
            return
        for vals in vals_list:
            for fname, model in (
                ("partner_id", "res.partner"),
                ("lead_id", "crm.lead"),
                ("notice_id", "gdpr.information.notice"),
            ):
                value = vals.get(fname)
                if not value:
                    continue
                record = self.env[model].browse(value).exists()
                if not record or not record._filtered_access("read"):
                    raise AccessError(
                        self.env._(
                            "You cannot record information given to a contact "
                            "or lead, or a notice, you cannot read."
                        )
                    )

    @api.model_create_multi
    def create(self, vals_list):
        # Values checked first: the checks below read them.
        vals_list = self._gdpr_check_values(vals_list)
        for vals in vals_list:
            # The snapshot always comes from the notice, never from the caller.
            vals.pop("body", None)
        self._check_source_access(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        # Values checked first: the checks below read them.
        vals = self._gdpr_check_values([vals])[0]
        self._gdpr_check_company_move(vals)
        self._check_source_access([vals])
        return super().write(vals)

    def _gdpr_check_evidence_write(self, vals):
        """An empty person is filled by the lead hand-over only: with the
        customer of the record's lead (as a consent's giver, SPEC section 2)."""
        res = super()._gdpr_check_evidence_write(vals)
        if vals.get("partner_id"):
            # sudo: only the lead's own customer is compared, nothing is shown.
            foreign = self.filtered(
                lambda record: (
                    not record.partner_id
                    and record.lead_id.sudo().partner_id.id != vals["partner_id"]
                )
            )
            if foreign:
                raise UserError(
                    self.env._(
                        "%s: the person informed is the customer of its lead "
                        "only (set the lead's customer).",
                        foreign[0].display_name,
                    )
                )
        return res

    def _gdpr_unlink_refused_message(self):
        return self.env._(
            "Information records are evidence that a person was informed and "
            "cannot be deleted."
        )

    # ------------------------------------------------------------------
    # Evidence log
    # ------------------------------------------------------------------
    def _gdpr_evidence_values(self):
        """ID, notice, SHA-256 of the wording given, date, method, company;
        the person and the lead as HMAC digests keyed by ``evidence_salt``."""
        Event = self.env["gdpr.evidence.event"]
        digest, keyed = Event._gdpr_digest, Event._gdpr_keyed_digest
        columns = [
            "name",
            "company_id",
            "notice_id",
            "body",
            "date_informed",
            "method",
            "partner_id",
            "lead_id",
            "is_anonymized",
            "evidence_salt",
        ]
        self.flush_recordset(columns)
        result = {}
        for start in range(0, len(self.ids), 10000):
            self.env.cr.execute(
                SQL(
                    "SELECT id, %s FROM gdpr_information_record WHERE id IN %s",
                    SQL(", ").join(SQL.identifier(column) for column in columns),
                    tuple(self.ids[start : start + 10000]),
                )
            )
            for row in self.env.cr.fetchall():
                rid, values = row[0], dict(zip(columns, row[1:], strict=True))
                salt = values["evidence_salt"]
                partner, lead = values["partner_id"], values["lead_id"]
                result[rid] = {
                    "name": values["name"],
                    "company": values["company_id"],
                    "notice": values["notice_id"],
                    "wording_sha256": digest(values["body"]),
                    "date_informed": fields.Date.to_string(values["date_informed"])
                    or None,
                    "method": values["method"],
                    "person": keyed(
                        salt, f"res.partner,{partner}" if partner else None
                    ),
                    "lead": keyed(salt, f"crm.lead,{lead}" if lead else None),
                    "anonymized": bool(values["is_anonymized"]),
                }
        return result

    def _gdpr_evidence_trigger_fields(self):
        return [*self._gdpr_locked_fields, *self._gdpr_locked_once_set_fields, "name"]

    @api.model
    def _gdpr_evidence_immutable_keys(self):
        return (
            *super()._gdpr_evidence_immutable_keys(),
            "company",
            "notice",
            "wording_sha256",
            "date_informed",
            "method",
        )

    @api.model
    def _gdpr_evidence_transition_errors(self, before, after, event_type):
        """Beyond the locked keys: the person is filled once, the lead moves
        by an opportunity merge only, both go with the erasure only, which is
        never undone."""
        broken = set(
            super()._gdpr_evidence_transition_errors(before, after, event_type)
        )
        erasing = event_type == "information_anonymized"
        # A partner merge moves the record to the contact that stays.
        merging = event_type == "information_merged"
        if (
            before.get("person") != after.get("person")
            and before.get("person")
            and not (merging or (erasing and after.get("person") is None))
        ):
            broken.add("person")
        if before.get("lead") != after.get("lead") and not (
            event_type == "information_merged"
            or (erasing and after.get("lead") is None)
        ):
            broken.add("lead")
        if before.get("anonymized") != after.get("anonymized") and not (
            erasing and after.get("anonymized")
        ):
            broken.add("anonymized")
        return sorted(broken)

    def _gdpr_evidence_event_type_create(self):
        return "information_recorded"

    def _gdpr_evidence_event_type_write(self, before, after, vals):
        return "information_updated"

    def _gdpr_move_to_lead(self, lead):
        """Move records of merged opportunities to ``lead``, recorded."""
        records = self.filtered(lambda record: record.lead_id != lead)
        if not records:
            return
        with evidence_exception(records):
            records.write({"lead_id": lead.id})
        for record in records:
            record.message_post(
                body=self.env._(
                    "Opportunity merge: the record moved to %s.", lead.display_name
                ),
                subtype_xmlid="mail.mt_note",
            )
        self.env["gdpr.evidence.event"]._gdpr_append(records, "information_merged")

    # ------------------------------------------------------------------
    # Erasure (Art. 17) through Odoo's privacy lookup
    # ------------------------------------------------------------------
    def _privacy_lookup_erase(self):
        """Erase the personal data of the records: the privacy lookup's
        "Delete" (logged in ``privacy.log`` by the lookup). Officers only."""
        if not self.env.user.has_group("crm_gdpr.group_gdpr_officer"):
            raise AccessError(
                self.env._(
                    "Only the data protection officer can erase the data of "
                    "information records."
                )
            )
        self.check_access("write")
        self._gdpr_anonymize()
        return self.env._(
            "%s: person, lead and messages removed; the anonymous record is "
            "kept as evidence",
            ", ".join(self.mapped("name")),
        )

    def _privacy_lookup_erase_message(self, details):
        return self.env._("Anonymized information record %(details)s", details=details)

    def _gdpr_anonymize(self):
        """Remove the person, the lead and the chatter; keep the evidence.

        Past this model's own write checks (server code only, inside
        ``evidence_exception``), untracked: tracking would copy the erased
        values into the chatter.
        """
        # pylint: disable=super-method-mismatch
        records = self.filtered(lambda record: not record.is_anonymized)
        if not records:
            return
        with evidence_exception(records):
            super(GdprInformationRecord, records.with_context(mail_notrack=True)).write(
                {
                    "is_anonymized": True,
                    "partner_id": False,
                    "lead_id": False,
                    # Without the key, the digests in the evidence log cannot
                    # be linked to the person any more.
                    "evidence_salt": False,
                }
            )
            # sudo: the messages and followers of the records being erased,
            # whoever wrote them.
            self.env["mail.message"].sudo().search(
                [("model", "=", self._name), ("res_id", "in", records.ids)]
            ).unlink()
            self.env["mail.followers"].sudo().search(
                [("res_model", "=", self._name), ("res_id", "in", records.ids)]
            ).unlink()
        self.env["gdpr.evidence.event"]._gdpr_append(records, "information_anonymized")

    # ------------------------------------------------------------------
    # Sending the notice by e-mail
    # ------------------------------------------------------------------
    @api.model
    def _gdpr_send_notice(self, partners=None, leads=None):
        """E-mail the notice in force to ``partners`` and ``leads``, recorded.

        One record per person with an e-mail (method "E-mail", today), then
        one e-mail per record from the template
        ``crm_gdpr.mail_template_gdpr_information_notice``. A lead whose
        customer is among ``partners`` or has an e-mail is recorded on the
        lead (and its customer). Those without an e-mail are skipped.

        :return: ``(records, skipped)``: the records created and the partners
            and leads without an e-mail
        """
        partners = partners if partners is not None else self.env["res.partner"]
        leads = leads if leads is not None else self.env["crm.lead"]
        # Whatever the caller passed: only what the user may read is informed.
        (partners | leads.partner_id).check_access("read")
        leads.check_access("read")
        targets = [
            *((lead, lead.partner_id.email or lead.email_from) for lead in leads),
            *((partner, partner.email) for partner in partners - leads.partner_id),
        ]
        notices = self.env["gdpr.information.notice"]._gdpr_current_notices(
            self.env.company | leads.company_id | partners.company_id
        )
        notice_of = {notice.company_id: notice for notice in notices}
        vals_list = []
        skipped = []
        for target, email in targets:
            company = target.company_id or self.env.company
            if company not in notice_of:
                raise UserError(
                    self.env._(
                        "No information notice is in force in %s: the data "
                        "protection officer publishes one in CRM → GDPR → "
                        "Information Notices.",
                        company.name,
                    )
                )
            if not tools.email_normalize(email or ""):
                skipped.append(target)
                continue
            vals = {
                "notice_id": notice_of[company].id,
                "method": "email",
                "company_id": company.id,
            }
            if target._name == "crm.lead":
                vals.update(lead_id=target.id, partner_id=target.partner_id.id)
            else:
                vals["partner_id"] = target.id
            vals_list.append(vals)
        records = self.create(vals_list)
        if records:
            template = self.env.ref("crm_gdpr.mail_template_gdpr_information_notice")
            template.send_mail_batch(records.ids)
        return records, skipped

    @api.model
    def _gdpr_send_notice_action(self, partners=None, leads=None):
        """Send the notice and return a notification saying what was done."""
        records, skipped = self._gdpr_send_notice(partners=partners, leads=leads)
        message = self.env._(
            "Information notice sent by e-mail to %s person(s).", len(records)
        )
        if skipped:
            message = self.env._(
                "%(sent)s Without an e-mail address, not informed: %(names)s.",
                sent=message,
                names=", ".join(record.display_name for record in skipped[:10]),
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Information Notice"),
                "message": message,
                "type": "warning" if skipped else "success",
                "sticky": bool(skipped),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }
