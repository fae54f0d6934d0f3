import base64
import contextvars
import csv
import io
import re

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..utils import context_var_set, normalize_email

# Header names of the e-mail column in the exports of common mailing systems
# (Mailchimp "Email Address", Brevo "EMAIL", FreshMail "email", ...).
EMAIL_HEADERS = re.compile(r"e-?mail|adres|address", re.IGNORECASE)
# Shown in the preview: the first unmatched addresses.
PREVIEW_LIMIT = 200
# What the pasted list is split on.
PASTED_SEPARATORS = re.compile(r"[\s,;]+")
# An address: local@domain.tld, within the limits of RFC 5321.
ADDRESS = re.compile(
    r"[\w!#$%&'*+/=?^`{|}~.-]+@(?:[\w-]+\.)+(?:[^\W\d_]{2,}|xn--[\w-]+)"
)
LOCAL_LIMIT, DOMAIN_LIMIT, ADDRESS_LIMIT = 64, 255, 254
# A pasted list holds the export of a whole mailing system (about 500,000
# addresses); the previews their first addresses, one per line.
PASTED_LIMIT = 25_000_000
PREVIEW_CHARACTERS = PREVIEW_LIMIT * (ADDRESS_LIMIT + 1)
# What the user gives; changing it after the preview asks for a new one.
INPUT_FIELDS = ("file", "filename", "pasted", "category_ids")
# What the preview found: computed by the server only.
RESULT_FIELDS = (
    "state",
    "address_count",
    "matched_count",
    "unmatched_count",
    "invalid_count",
    "consent_count",
    "withdrawn_count",
    "unmatched_preview",
    "matched_preview",
    "consent_ids",
)
# True where the wizard's own methods write the results. Not a context key:
# an RPC client sends the context.
_SERVER_WRITE = contextvars.ContextVar("crm_gdpr_import_server", default=False)


def _server_write():
    return context_var_set(_SERVER_WRITE)


def valid_address(email):
    """Whether the normalized ``email`` has the shape of an address."""
    if not email or len(email) > ADDRESS_LIMIT or not ADDRESS.fullmatch(email):
        return False
    local, domain = email.rsplit("@", 1)
    return 0 < len(local) <= LOCAL_LIMIT and len(domain) <= DOMAIN_LIMIT


class GdprConsentWithdrawImport(models.TransientModel):
    """Withdrawals from an outside mailing system (SPEC section 10).

    Takes the export of unsubscribed addresses (CSV with ``;`` or ``,``, or
    XLSX: one column of e-mails, with or without a header; or a pasted
    list), shows the matched and unmatched addresses, then withdraws the
    active consents of the matched ones in one batch.
    """

    _name = "gdpr.consent.withdraw.import"
    _description = "GDPR: Import of Unsubscribed Addresses"
    _inherit = ["gdpr.value.check.mixin"]
    _gdpr_text_limits = {
        "pasted": PASTED_LIMIT,
        "matched_preview": PREVIEW_CHARACTERS,
        "unmatched_preview": PREVIEW_CHARACTERS,
    }

    file = fields.Binary(help="CSV or XLSX export of the addresses.")
    filename = fields.Char()
    pasted = fields.Text(
        string="Pasted Addresses", help="Addresses separated by new lines, commas or ;"
    )
    category_ids = fields.Many2many(
        "gdpr.consent.category",
        string="Categories",
        help="Withdraw the consents of these categories; empty: of all categories.",
    )
    date_withdrawn = fields.Date(
        string="Withdrawal Date", required=True, default=fields.Date.context_today
    )
    reason_id = fields.Many2one(
        "gdpr.withdrawal.reason",
        default=lambda self: self.env.ref(
            "crm_gdpr.gdpr_withdrawal_reason_unsubscribe", raise_if_not_found=False
        ),
    )
    source_id = fields.Many2one(
        "gdpr.withdrawal.source",
        default=lambda self: self.env["gdpr.withdrawal.source"]._get_default(),
        help="Without a source the withdrawal records the company as its source.",
    )
    state = fields.Selection(
        [("draft", "Draft"), ("preview", "Preview"), ("done", "Done")],
        default="draft",
        required=True,
        readonly=True,
    )
    address_count = fields.Integer(string="Addresses", readonly=True)
    matched_count = fields.Integer(string="Matched Addresses", readonly=True)
    unmatched_count = fields.Integer(string="Unmatched Addresses", readonly=True)
    invalid_count = fields.Integer(string="Invalid Lines", readonly=True)
    consent_count = fields.Integer(string="Consents to Withdraw", readonly=True)
    withdrawn_count = fields.Integer(string="Consents Withdrawn", readonly=True)
    unmatched_preview = fields.Text(string="Unmatched", readonly=True)
    matched_preview = fields.Text(string="Matched", readonly=True)
    consent_ids = fields.Many2many(
        "gdpr.consent",
        string="Previewed Consents",
        readonly=True,
        help="The consents the preview matched: the ones withdrawn.",
    )

    @api.onchange("file", "pasted", "category_ids")
    def _onchange_input(self):
        self.state = "draft"

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_result_fields(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._check_result_fields(vals)
        if not _SERVER_WRITE.get() and set(vals) & set(INPUT_FIELDS):
            # Another input than the previewed one: preview again.
            vals = dict(vals, state="draft", consent_ids=[(5, 0, 0)])
        return super().write(vals)

    def _check_result_fields(self, vals):
        if _SERVER_WRITE.get():
            return
        given = [
            fname
            for fname in RESULT_FIELDS
            if fname in vals and not (fname == "state" and vals[fname] == "draft")
        ]
        if given:
            raise UserError(
                self.env._(
                    "“%s” of the import is computed by the preview.",
                    self._fields[given[0]]._description_string(self.env),
                )
            )

    # ------------------------------------------------------------------
    # Reading the export
    # ------------------------------------------------------------------
    def _gdpr_rows(self):
        """The rows of the uploaded file (lists of cell values)."""
        if not self.file:
            return []
        raw = base64.b64decode(self.file)
        name = (self.filename or "").lower()
        if name.endswith(".xlsx") or raw[:2] == b"PK":
            try:
                import openpyxl  # pylint: disable=import-outside-toplevel

                book = openpyxl.load_workbook(
                    io.BytesIO(raw), read_only=True, data_only=True
                )
                sheet = book.worksheets[0]
                return [
                    ["" if cell is None else str(cell) for cell in row]
                    for row in sheet.iter_rows(values_only=True)
                ]
            except Exception as error:  # noqa: BLE001 - any unreadable file
                raise UserError(
                    self.env._("The file cannot be read as XLSX: %s", error)
                ) from error
        text = self._gdpr_decode(raw)
        first = text.split("\n", 1)[0]
        delimiter = max((";", ",", "\t"), key=first.count)
        try:
            return list(csv.reader(io.StringIO(text), delimiter=delimiter))
        except csv.Error as error:
            raise UserError(self._gdpr_unreadable_message()) from error

    def _gdpr_unreadable_message(self):
        return self.env._(
            "The file cannot be read: save it as CSV (UTF-8) or XLSX with one "
            "column of e-mail addresses."
        )

    def _gdpr_decode(self, raw):
        """The text of a CSV export: UTF-16 (with its byte order mark, as
        Excel saves "Unicode text"), UTF-8, else Windows-1250 (older Polish
        exports). A binary file is refused."""
        if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
            try:
                text = raw.decode("utf-16")
            except UnicodeDecodeError as error:
                raise UserError(self._gdpr_unreadable_message()) from error
        else:
            try:
                text = raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                text = raw.decode("cp1250", errors="replace")
        if "\x00" in text:
            raise UserError(self._gdpr_unreadable_message())
        return text

    @api.model
    def _gdpr_email_column(self, rows):
        """(index of the e-mail column, whether the first row is a header)."""
        if not rows:
            return 0, False
        header = rows[0]
        if not any("@" in cell for cell in header):
            for index, cell in enumerate(header):
                if EMAIL_HEADERS.search(cell or ""):
                    return index, True
        for row in rows[:20]:
            for index, cell in enumerate(row):
                if "@" in (cell or ""):
                    return index, not any("@" in cell for cell in header)
        return 0, False

    def _gdpr_read_addresses(self):
        """``(emails, invalid)``: the normalized addresses, unique, in order,
        and the number of non-empty values that are no address."""
        values = []
        rows = self._gdpr_rows()
        if rows:
            column, has_header = self._gdpr_email_column(rows)
            values.extend(
                row[column]
                for row in rows[1 if has_header else 0 :]
                if len(row) > column
            )
        if self.pasted:
            values.extend(PASTED_SEPARATORS.split(self.pasted))
        emails, invalid = {}, 0
        for value in values:
            value = (value or "").strip()
            if not value:
                continue
            # A value longer than any address is none (nor normalized).
            email = normalize_email(value) if len(value) <= 2 * ADDRESS_LIMIT else False
            if valid_address(email):
                emails[email] = True
            else:
                invalid += 1
        if not emails and not invalid:
            raise UserError(
                self.env._("Upload an export or paste the unsubscribed addresses.")
            )
        return list(emails), invalid

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_preview(self):
        """Show the matched and unmatched addresses; nothing is withdrawn."""
        self.ensure_one()
        emails, invalid = self._gdpr_read_addresses()
        consents, matched = self.env["gdpr.consent"]._gdpr_match_emails(
            emails, self.category_ids
        )
        unmatched = [email for email in emails if email not in matched]
        with _server_write():
            self._gdpr_write_preview(consents, emails, matched, unmatched, invalid)
        return self._gdpr_reopen()

    def _gdpr_write_preview(self, consents, emails, matched, unmatched, invalid):
        self.write(
            {
                "consent_ids": [(6, 0, consents.ids)],
                "state": "preview",
                "address_count": len(emails),
                "matched_count": len(matched),
                "unmatched_count": len(unmatched),
                "invalid_count": invalid,
                "consent_count": len(consents),
                "matched_preview": "\n".join(sorted(matched)[:PREVIEW_LIMIT]),
                "unmatched_preview": "\n".join(unmatched[:PREVIEW_LIMIT]),
            }
        )

    def action_withdraw(self):
        """Withdraw the active consents of the matched addresses.

        Exactly the consents of the preview are withdrawn: the addresses are
        not read again. Above the background-job threshold
        (``gdpr.bulk.job``) the job keeps the previewed consents (the
        wizard is vacuumed, the file may be gone), withdraws them in
        committed batches, and is opened; below it, they are withdrawn in
        this request as one batch.
        """
        self.ensure_one()
        if self.state != "preview":
            raise UserError(self.env._("Preview the addresses before withdrawing."))
        # Exactly the previewed consents (those still active).
        consents = self.consent_ids.filtered("active")
        job, result = self.env["gdpr.bulk.job"]._gdpr_run_or_queue(
            "consent_withdraw_import",
            consents.ids,
            {
                "date_withdrawn": fields.Date.to_string(self.date_withdrawn),
                "reason_id": self.reason_id.id,
                "source_id": self.source_id.id,
            },
            self.env._(
                "Withdrawal of %(count)s consent(s) of %(addresses)s imported "
                "address(es)",
                count=len(consents),
                addresses=self.matched_count,
            ),
        )
        with _server_write():
            self.write(
                {
                    "state": "done",
                    "withdrawn_count": len(result["records"]) if result else 0,
                }
            )
        if job:
            return job._get_records_action(name=self.env._("Background Job"))
        return self._gdpr_reopen()

    def _gdpr_reopen(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Import Unsubscribed Addresses"),
        }
