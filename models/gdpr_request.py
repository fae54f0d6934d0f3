import csv
import io
import json
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_date, html2plaintext

from ..utils import is_blank

# Art. 12(3) GDPR: "without undue delay and in any event within one month of
# receipt of the request", extendable "by two further months".
RESPONSE_PERIOD = relativedelta(months=1)
EXTENDED_PERIOD = relativedelta(months=3)
# The handler's reminder falls due this long before the due date.
REMINDER_ADVANCE = timedelta(days=7)
MAX_TEXT = 10000
MIN_DATE = date(1900, 1, 1)
TEXT_FIELDS = (
    "description",
    "identity_verification",
    "extension_reason",
    "response",
    "refusal_reason",
)
OPEN_STATES = ("new", "in_progress")
CLOSED_STATES = ("done", "refused")
# The states a request may go to from each state: a closed request is
# reopened (in progress) before it is closed again.
STATE_MOVES = {
    "new": ("in_progress", "done", "refused"),
    "in_progress": ("done", "refused"),
    "done": ("in_progress",),
    "refused": ("in_progress",),
}
# Where the data-subject export takes its fields from (Art. 20: the data the
# person provided).
PARTNER_EXPORT_FIELDS = (
    "name",
    "parent_id",
    "function",
    "email",
    "phone",
    "mobile",
    "street",
    "street2",
    "zip",
    "city",
    "state_id",
    "country_id",
    "vat",
    "website",
    "lang",
)
LEAD_EXPORT_FIELDS = (
    "name",
    "type",
    "create_date",
    "contact_name",
    "partner_name",
    "function",
    "email_from",
    "phone",
    "mobile",
    "website",
    "street",
    "street2",
    "zip",
    "city",
    "state_id",
    "country_id",
    "description",
    "source_id",
    "stage_id",
    "active",
)


class GdprRequest(models.Model):
    _name = "gdpr.request"
    _description = "GDPR Data-Subject Request"
    # gdpr.deadline.mixin first: it schedules the reminder once mail.thread
    # has created the record and subscribed its creator.
    _inherit = [
        "gdpr.value.check.mixin",
        "gdpr.evidence.mixin",
        "gdpr.deadline.mixin",
        "mail.thread",
        "mail.activity.mixin",
    ]
    _order = "date_due asc, id desc"
    _check_company_auto = True

    # Evidence (SPEC section 7, see gdpr.evidence.mixin): a request shows the
    # authority how the controller answered (Art. 5(2), 12).
    _gdpr_identifier_field = "name"
    _gdpr_identifier_sequence = "gdpr.request"
    _gdpr_technical_fields = (
        "date_due",
        "is_closed_late",
        "overdue_notified",
        "date_extended",
        "date_closed",
    )
    # A request stays in its controller's register.
    _gdpr_locked_fields = ("company_id",)
    _gdpr_copy_refused = True
    _gdpr_unlink_refused = True
    _gdpr_append_only_chatter = True

    # The one-month clock (gdpr.deadline.mixin)
    _gdpr_deadline_field = "date_due"
    _gdpr_reminder_activity_type = "crm_gdpr.mail_activity_type_gdpr_request_due"
    _gdpr_reminder_advance = REMINDER_ADVANCE

    @api.model
    def _get_lang_selection(self):
        return self.env["res.lang"].get_installed()

    # Identification
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
        string="Handler",
        tracking=True,
        check_company=True,
        default=lambda self: self.env.user,
        domain="[('share', '=', False)]",
        help="Who answers the request; gets the reminder before the due date.",
    )

    # The data subject
    partner_id = fields.Many2one(
        "res.partner",
        string="Contact",
        index=True,
        tracking=True,
        check_company=True,
        help="The contact the request concerns, when known.",
    )
    requester_name = fields.Char(
        string="Requester",
        compute="_compute_requester",
        store=True,
        readonly=False,
        tracking=True,
    )
    requester_email = fields.Char(
        compute="_compute_requester",
        store=True,
        readonly=False,
        tracking=True,
    )
    lang = fields.Selection(
        selection="_get_lang_selection",
        string="Language",
        compute="_compute_lang",
        store=True,
        readonly=False,
        tracking=True,
        help="The language of the response letter: the requester's.",
    )
    identity_verified = fields.Boolean(tracking=True)
    identity_verification = fields.Text(
        string="How the Identity Was Verified",
        tracking=True,
        help="Art. 12(6): the controller may ask for the information needed to "
        "confirm the identity of the requester.",
    )

    # The request
    request_type = fields.Selection(
        [
            ("access", "Access (Art. 15)"),
            ("rectification", "Rectification (Art. 16)"),
            ("erasure", "Erasure (Art. 17)"),
            ("restriction", "Restriction of processing (Art. 18)"),
            ("portability", "Data portability (Art. 20)"),
            ("objection", "Objection (Art. 21)"),
            ("automated_decision", "Automated decision-making (Art. 22)"),
            ("consent_withdrawal", "Consent withdrawal (Art. 7(3))"),
            ("other", "Other"),
        ],
        string="Type",
        required=True,
        default="access",
        tracking=True,
    )
    received_via = fields.Selection(
        [
            ("email", "Email"),
            ("letter", "Letter"),
            ("in_person", "In person"),
            ("phone", "Phone"),
            ("website", "Website form"),
            ("other", "Other"),
        ],
        tracking=True,
    )
    description = fields.Text(
        string="Request",
        tracking=True,
        help="What the person asks for, in their words.",
    )

    # The one-month clock (Art. 12(3))
    date_received = fields.Date(
        string="Received On",
        required=True,
        default=fields.Date.context_today,
        tracking=True,
    )
    date_due = fields.Date(
        string="Due Date",
        compute="_compute_date_due",
        store=True,
        tracking=True,
        help="One month after receipt (Art. 12(3) GDPR); three months when the "
        "period is extended.",
    )
    is_extended = fields.Boolean(
        string="Period Extended",
        tracking=True,
        help="Art. 12(3): the period may be extended by two further months where "
        "necessary, taking into account the complexity and number of requests. "
        "The requester is told of it, with the reasons, within the first month.",
    )
    extension_reason = fields.Text(string="Reasons for the Extension", tracking=True)
    date_extended = fields.Date(
        string="Extension Communicated On",
        compute="_compute_date_extended",
        store=True,
        tracking=True,
        help="The day the extension was recorded (set by the system): within "
        "the first month.",
    )

    # The answer
    state = fields.Selection(
        [
            ("new", "New"),
            ("in_progress", "In Progress"),
            ("done", "Done"),
            ("refused", "Refused"),
        ],
        default="new",
        required=True,
        index=True,
        tracking=True,
        group_expand="_group_expand_state",
    )
    response = fields.Text(
        string="What Was Done",
        tracking=True,
        help="The answer given to the requester, printed in the response letter.",
    )
    refusal_reason = fields.Text(
        string="Reasons for the Refusal",
        tracking=True,
        help="Art. 12(4): the reasons for not taking action, printed in the letter "
        "with the right to lodge a complaint with a supervisory authority.",
    )
    date_closed = fields.Date(
        string="Closed On",
        compute="_compute_date_closed",
        store=True,
        tracking=True,
        help="The day the request was closed (set by the system).",
    )
    is_closed_late = fields.Boolean(
        string="Answered Late",
        compute="_compute_is_closed_late",
        store=True,
        tracking=True,
    )

    attachment_ids = fields.One2many(
        "ir.attachment",
        "res_id",
        domain=[("res_model", "=", "gdpr.request")],
        string="Attachments",
    )

    _sql_constraints = [
        (
            "name_company_uniq",
            "unique(name, company_id)",
            "The request reference must be unique per company.",
        ),
    ]

    @api.depends("partner_id")
    def _compute_requester(self):
        for request in self:
            if request.partner_id:
                request.requester_name = request.partner_id.name
                request.requester_email = request.partner_id.email
            else:
                request.requester_name = request.requester_name
                request.requester_email = request.requester_email

    @api.depends("partner_id")
    def _compute_lang(self):
        for request in self:
            if request.partner_id.lang:
                request.lang = request.partner_id.lang
            elif not request.lang:
                request.lang = self.env.lang or "en_US"

    @api.depends("date_received", "is_extended")
    def _compute_date_due(self):
        for request in self:
            request.date_due = request._get_date_due()

    @api.depends("is_extended")
    def _compute_date_extended(self):
        today = fields.Date.context_today(self)
        for request in self:
            if not request.is_extended:
                request.date_extended = False
            elif not request.date_extended:
                request.date_extended = today

    @api.depends("state")
    def _compute_date_closed(self):
        today = fields.Date.context_today(self)
        for request in self:
            if request.state not in CLOSED_STATES:
                request.date_closed = False
            elif not request.date_closed:
                request.date_closed = today

    @api.depends("date_closed", "date_due")
    def _compute_is_closed_late(self):
        for request in self:
            request.is_closed_late = bool(
                request.date_closed
                and request.date_due
                and request.date_closed > request.date_due
            )

    @api.model
    def _group_expand_state(self, states, domain):
        return [key for key, _label in self._fields["state"].selection]

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------
    @api.constrains("partner_id", "requester_name")
    def _check_requester(self):
        for request in self:
            if not request.partner_id and is_blank(request.requester_name):
                raise ValidationError(
                    _(
                        "Request %s: give the requester, as a contact or by name.",
                        request.name,
                    )
                )

    @api.constrains("date_received")
    def _check_date_received(self):
        today = fields.Date.context_today(self)
        for request in self:
            if request.date_received > today:
                raise ValidationError(
                    _(
                        "Request %s cannot be received in the future.",
                        request.name,
                    )
                )
            if request.date_received < MIN_DATE:
                raise ValidationError(
                    _(
                        "The receipt date of request %s is not a plausible date.",
                        request.name,
                    )
                )

    @api.constrains("is_extended", "extension_reason", "date_extended", "date_received")
    def _check_extension(self):
        today = fields.Date.context_today(self)
        for request in self:
            if not request.is_extended:
                continue
            if is_blank(request.extension_reason):
                raise ValidationError(
                    _(
                        "Request %s: give the reasons for extending the period "
                        "(Art. 12(3) GDPR).",
                        request.name,
                    )
                )
            first_due = request.date_received + RESPONSE_PERIOD
            if not request.date_extended or not (
                request.date_received <= request.date_extended <= first_due
            ):
                raise ValidationError(
                    _(
                        "Request %(name)s: the period can only be extended, and "
                        "the requester told so, within the first month, from "
                        "%(received)s to %(due)s (Art. 12(3) GDPR).",
                        name=request.name,
                        received=format_date(self.env, request.date_received),
                        due=format_date(self.env, first_due),
                    )
                )
            if request.date_extended > today:
                raise ValidationError(
                    _(
                        "Request %s: the extension cannot be communicated in the "
                        "future.",
                        request.name,
                    )
                )

    @api.constrains("user_id")
    def _check_handler(self):
        for request in self:
            if request.user_id and not request.user_id.has_group(
                "crm_gdpr.group_gdpr_officer"
            ):
                raise ValidationError(
                    _(
                        "Request %(name)s: %(user)s cannot handle data-subject "
                        "requests; choose a data protection officer.",
                        name=request.name,
                        user=request.user_id.name,
                    )
                )

    @api.constrains("state", "response", "refusal_reason")
    def _check_answer(self):
        for request in self:
            if request.state == "refused" and is_blank(request.refusal_reason):
                raise ValidationError(
                    _(
                        "Request %s: give the reasons for the refusal; the letter "
                        "states them with the right to lodge a complaint with the "
                        "supervisory authority (Art. 12(4) GDPR).",
                        request.name,
                    )
                )
            if request.state == "done" and is_blank(request.response):
                raise ValidationError(
                    _(
                        "Request %s: say what was done before closing it; the "
                        "response letter states it.",
                        request.name,
                    )
                )

    @api.constrains("state", "date_closed", "date_received")
    def _check_date_closed(self):
        today = fields.Date.context_today(self)
        for request in self:
            if request.state not in CLOSED_STATES:
                if request.date_closed:
                    raise ValidationError(
                        _(
                            "Request %s is not closed: it has no closing date.",
                            request.name,
                        )
                    )
                continue
            if not request.date_closed:
                raise ValidationError(
                    _("Give the date request %s was closed on.", request.name)
                )
            if request.date_closed < request.date_received:
                raise ValidationError(
                    _(
                        "Request %s cannot be closed before it was received.",
                        request.name,
                    )
                )
            if request.date_closed > today:
                raise ValidationError(
                    _("Request %s cannot be closed in the future.", request.name)
                )

    @api.constrains("identity_verified", "identity_verification")
    def _check_identity_verification(self):
        for request in self:
            if request.identity_verified and is_blank(request.identity_verification):
                raise ValidationError(
                    _(
                        "Request %s: say how the identity of the requester was "
                        "verified.",
                        request.name,
                    )
                )

    @api.constrains(*TEXT_FIELDS, "requester_name", "requester_email")
    def _check_text_length(self):
        for request in self:
            for fname in (*TEXT_FIELDS, "requester_name", "requester_email"):
                if len(request[fname] or "") > MAX_TEXT:
                    raise ValidationError(
                        _(
                            "“%(field)s” of request %(name)s is longer than "
                            "%(max)s characters.",
                            field=self._fields[fname]._description_string(self.env),
                            name=request.name,
                            max=MAX_TEXT,
                        )
                    )

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_client_fields(vals)
        self._gdpr_check_readable_values(vals_list, ("user_id", "partner_id"))
        return super().create(vals_list)

    def write(self, vals):
        self._gdpr_check_company_move(vals)
        self._check_client_fields(vals)
        self._gdpr_check_readable_values([vals], ("user_id", "partner_id"))
        self._check_state_move(vals)
        if "date_received" in vals:
            started = self.filtered(lambda r: r.state != "new")
            changed = started._gdpr_changes("date_received", vals["date_received"])
            if changed:
                raise UserError(
                    _(
                        "Request %s is being handled: its receipt date, which its "
                        "deadline runs from, cannot change.",
                        changed[0].name,
                    )
                )
        return super().write(vals)

    def _check_state_move(self, vals):
        """Refuse the moves of ``STATE_MOVES`` does not allow (a closed
        request is reopened first)."""
        state = vals.get("state")
        for request in self:
            if state and state != request.state:
                if state not in STATE_MOVES.get(request.state, ()):
                    raise UserError(
                        _(
                            "Request %(name)s cannot go from “%(old)s” to "
                            "“%(new)s”: reopen it first.",
                            name=request.name,
                            old=dict(
                                self._fields["state"]._description_selection(self.env)
                            )[request.state],
                            new=dict(
                                self._fields["state"]._description_selection(self.env)
                            )[state],
                        )
                    )

    def _gdpr_unlink_refused_message(self):
        return _(
            "Data-subject requests are evidence (Art. 5(2) GDPR) and cannot be deleted."
        )

    @api.model
    def _check_client_fields(self, vals):
        """Refuse values for the fields the server computes, and emptying a
        required field."""
        for fname in ("date_received", "request_type", "state", "company_id"):
            if fname in vals and not vals[fname]:
                raise ValidationError(
                    _(
                        "“%s” of a data-subject request is required.",
                        self._fields[fname]._description_string(self.env),
                    )
                )
        for fname, value in vals.items():
            field = self._fields[fname]
            if field.type == "selection" and value:
                allowed = [
                    key for key, _label in field._description_selection(self.env)
                ]
                if value not in allowed:
                    raise ValidationError(
                        _(
                            "“%(value)s” is not a valid value for “%(field)s”.",
                            value=str(value)[:50],
                            field=field._description_string(self.env),
                        )
                    )

    # ------------------------------------------------------------------
    # The clock (gdpr.deadline.mixin hooks)
    # ------------------------------------------------------------------
    def _get_date_due(self):
        """The due date: one calendar month after receipt, three when the
        period is extended (Art. 12(3)). A month-end receipt is due on the
        last day of the shorter month (31 January → 28/29 February).

        The due date is not moved past weekends or public holidays: the
        earlier date is the safe one. Override to apply a local rule.
        """
        self.ensure_one()
        if not self.date_received:
            return False
        period = EXTENDED_PERIOD if self.is_extended else RESPONSE_PERIOD
        return self.date_received + period

    def _gdpr_deadline_open_domain(self):
        return [("state", "in", OPEN_STATES)]

    @api.model
    def _gdpr_deadline_depends(self):
        return ["date_due", "date_received", "is_extended", "state", "user_id"]

    def _gdpr_reminder_user(self):
        self.ensure_one()
        return self.user_id or self.env.user

    def _gdpr_reminder_summary(self):
        self.ensure_one()
        return _(
            "Answer request %(name)s by %(date)s",
            name=self.name,
            date=format_date(self.env, self.date_due),
        )

    def _gdpr_reminder_feedback(self):
        return _("Request answered.")

    def _gdpr_overdue_message(self):
        self.ensure_one()
        return _(
            "The request was due on %s and is not answered.",
            format_date(self.env, self.date_due),
        )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_start(self):
        self.filtered(lambda r: r.state == "new").write({"state": "in_progress"})

    def action_done(self):
        self._check_open()
        self.write({"state": "done"})

    def action_refuse(self):
        self._check_open()
        self.write({"state": "refused"})

    def action_reopen(self):
        self.filtered(lambda r: r.state in CLOSED_STATES).write(
            {"state": "in_progress"}
        )

    def action_print_response(self):
        return self.env.ref("crm_gdpr.gdpr_request_report_response").report_action(self)

    def action_attach_access_report(self):
        """Print the Art. 15 access report of the person and attach it."""
        self._attach_access_report()
        return True

    def _attach_access_report(self):
        """Print the Art. 15 access report of the person, in the requester's
        language, attach it to the request and return the attachment."""
        self.ensure_one()
        partner = self._get_partner_or_raise()
        report = self.env["ir.actions.report"].with_context(lang=self.lang)
        content, content_type = report._render_qweb_pdf(
            "crm_gdpr.action_report_partner_personal_data", partner.ids
        )
        attachment = self._attach(
            _("Personal data report - %(name)s", name=self.name),
            content,
            content_type,
        )
        self.message_post(
            body=_("Personal data report (Art. 15) attached."),
            attachment_ids=attachment.ids,
            subtype_xmlid="mail.mt_note",
        )
        return attachment

    def action_open_privacy_lookup(self):
        """Open the privacy lookup (erasure, Art. 17) for the requester."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "privacy_lookup.action_privacy_lookup_wizard"
        )
        action["context"] = {
            "default_name": self.partner_id.name or self.requester_name,
            "default_email": self.requester_email or self.partner_id.email,
        }
        return action

    def action_withdraw_consents(self):
        """Open the bulk withdrawal of the person's active consents, all
        ticked, with the reason "Data subject's request" (Art. 7(3))."""
        self.ensure_one()
        partner = self._get_partner_or_raise()
        consents = self.env["gdpr.consent"].search(
            [("partner_id", "=", partner.id), ("state", "=", "active")]
        )
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_gdpr.gdpr_consent_bulk_withdraw_action"
        )
        reason = self.env.ref(
            "crm_gdpr.gdpr_withdrawal_reason_request", raise_if_not_found=False
        )
        action["context"] = {
            "default_partner_ids": partner.ids,
            "default_consent_ids": consents.ids,
            "default_reason_id": reason.id if reason else False,
        }
        return action

    def action_export_data(self):
        """Attach the person's data as JSON and CSV (Art. 20)."""
        self._export_data()
        return True

    def _export_data(self):
        """Attach the person's data as JSON and CSV (Art. 20) and return the
        two attachments."""
        self.ensure_one()
        data = self._get_portability_data()
        stem = _("Personal data - %(name)s", name=self.name)
        attachments = self._attach(
            stem, json.dumps(data, indent=2, ensure_ascii=False), "json"
        ) | self._attach(stem, self._portability_csv(data), "csv")
        self.message_post(
            body=_("The person's data was exported as JSON and CSV (Art. 20)."),
            attachment_ids=attachments.ids,
            subtype_xmlid="mail.mt_note",
        )
        return attachments

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------
    def _check_open(self):
        closed = self.filtered(lambda r: r.state in CLOSED_STATES)
        if closed:
            raise UserError(
                _("Request %s is already closed.", ", ".join(closed.mapped("name")))
            )

    def _get_partner_or_raise(self):
        self.ensure_one()
        if not self.partner_id:
            raise UserError(
                _(
                    "Request %s: choose the contact the request concerns first.",
                    self.name,
                )
            )
        return self.partner_id

    def _attach(self, stem, content, extension):
        """Attach ``content`` (str or bytes) to the request as
        ``<stem>.<extension>``."""
        self.ensure_one()
        if isinstance(content, str):
            content = content.encode()
        mimetypes = {
            "pdf": "application/pdf",
            "html": "text/html",
            "json": "application/json",
            "csv": "text/csv",
        }
        return self.env["ir.attachment"].create(
            {
                "name": "{}.{}".format(stem.replace("/", "-"), extension),
                "raw": content,
                "mimetype": mimetypes.get(extension, "application/octet-stream"),
                "res_model": self._name,
                "res_id": self.id,
            }
        )

    def _get_portability_data(self):
        """The data the person provided, as a JSON-serialisable dict.

        Identity and contact data of the contact and its child contacts,
        their consents with the wording and history, and their leads: only
        what the current user can read (record rules apply, no sudo).
        Override to add other models' data.
        """
        self.ensure_one()
        partner = self._get_partner_or_raise()
        partner.check_access("read")
        people = partner | partner.child_ids
        consents = (
            self.env["gdpr.consent"]
            .with_context(active_test=False)
            .search([("partner_id", "in", people.ids)], order="date_given, id")
        )
        Lead = self.env["crm.lead"]
        leads = Lead
        if Lead.has_access("read"):
            leads = Lead.with_context(active_test=False).search(
                [("partner_id", "child_of", partner.ids)], order="create_date, id"
            )
        return {
            "format": "crm_gdpr.data_subject_export/1",
            "request": self.name,
            "controller": self.company_id.name,
            "generated_at": fields.Datetime.to_string(fields.Datetime.now()),
            "data_subject": self._export_values(partner, PARTNER_EXPORT_FIELDS),
            "contacts": [
                self._export_values(child, PARTNER_EXPORT_FIELDS)
                for child in partner.child_ids
            ],
            "consents": [self._export_consent(consent) for consent in consents],
            "leads": [self._export_values(lead, LEAD_EXPORT_FIELDS) for lead in leads],
        }

    @api.model
    def _export_values(self, record, fnames):
        """``record``'s fields as plain JSON values (names for relations,
        text for HTML)."""
        values = {"id": record.id}
        for fname in fnames:
            field = record._fields.get(fname)
            if field is None:
                continue
            value = record[fname]
            if field.type == "many2one":
                value = value.display_name or None
            elif field.type == "html":
                value = html2plaintext(value) if value else None
            elif field.type == "selection":
                value = value or None
            elif field.type in ("date", "datetime"):
                value = field.to_string(value) if value else None
            elif field.type != "boolean":
                value = value or None
            values[fname] = value
        return values

    @api.model
    def _export_consent(self, consent):
        """One consent with its wording and history (given, withdrawn)."""
        history = [
            {
                "event": "given",
                "date": fields.Date.to_string(consent.date_given),
                "source": consent.source_id.name or None,
            }
        ]
        if consent.state == "withdrawn":
            history.append(
                {
                    "event": "withdrawn",
                    "date": fields.Date.to_string(consent.date_withdrawn),
                    "reason": consent.withdrawal_reason_id.name or None,
                    "source": consent.withdrawal_source_id.name or None,
                }
            )
        return {
            "id": consent.name,
            "category": consent.category_id.name,
            "title": consent.text_id.name,
            "wording": html2plaintext(consent.text_body or ""),
            "state": consent.state,
            "contact": consent.contact_value or None,
            "address": consent.address_id.display_name or None,
            "company": consent.company_id.name,
            "history": history,
        }

    @api.model
    def _portability_csv(self, data):
        """The export as one CSV table: section, record, field, value."""
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(["section", "record", "field", "value"])

        def rows(section, record_key, record):
            for key, value in record.items():
                if key == "history":
                    for number, event in enumerate(value, start=1):
                        for event_key, event_value in event.items():
                            yield [
                                section,
                                record_key,
                                f"history.{number}.{event_key}",
                                event_value,
                            ]
                    continue
                yield [section, record_key, key, value]

        writer.writerows(
            rows("data_subject", data["data_subject"]["id"], data["data_subject"])
        )
        for contact in data["contacts"]:
            writer.writerows(rows("contact", contact["id"], contact))
        for consent in data["consents"]:
            writer.writerows(rows("consent", consent["id"], consent))
        for lead in data["leads"]:
            writer.writerows(rows("lead", lead["id"], lead))
        return buffer.getvalue()
