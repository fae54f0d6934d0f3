from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools import SQL


class GdprConsentText(models.Model):
    _name = "gdpr.consent.text"
    _description = "GDPR Consent Text"
    _inherit = ["gdpr.value.check.mixin", "mail.thread"]
    _order = "category_id, sequence, date_start desc, id"
    _check_company_auto = True

    name = fields.Char(string="Title", required=True, translate=True, tracking=True)
    body = fields.Html(
        string="Consent Wording",
        required=True,
        translate=True,
        sanitize_attributes=True,
        help="The full wording the person consents to. Every consent keeps a "
        "copy of it as it was at the moment of consent.",
    )
    category_id = fields.Many2one(
        "gdpr.consent.category",
        required=True,
        index=True,
        ondelete="restrict",
        check_company=True,
        tracking=True,
    )
    date_start = fields.Date(
        string="Valid From",
        required=True,
        default=fields.Date.context_today,
        tracking=True,
        help="Consents can be registered with this text from this date on.",
    )
    attachment_id = fields.Many2one(
        "ir.attachment",
        string="Terms Document",
        ondelete="restrict",
        help="The related terms or regulation document, e.g. a PDF.",
    )
    applies_to_addresses = fields.Boolean(
        string="Concerns Addresses",
        help="The consent concerns a postal address of the giver: the consent "
        "records which one.",
    )
    applies_to_contacts = fields.Boolean(
        string="Concerns Contacts",
        help="The consent concerns a contact datum of the giver (email, phone, "
        "mobile): the consent records which one and its value.",
    )
    channel_ids = fields.Many2many(
        "gdpr.channel",
        string="Channels",
        check_company=True,
        help="The communication channels this consent covers, e.g. email.",
    )
    sync_blacklist = fields.Boolean(
        string="Synchronize Blacklist",
        help="Withdrawing a consent given with this text puts its email on "
        "Odoo's email blacklist (its phone number on the phone blacklist).",
    )
    public = fields.Boolean(
        tracking=True,
        help="The person may give this consent themselves on the preference "
        "page reached from the link in e-mails.",
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one("res.company", index=True)

    @api.model_create_multi
    def create(self, vals_list):
        # Values checked first: the checks below read them.
        vals_list = self._gdpr_check_values(vals_list)
        for vals in vals_list:
            self._check_attachment_value(vals)
        return super().create(vals_list)

    def write(self, vals):
        # Values checked first: the checks below read them.
        vals = self._gdpr_check_values([vals])[0]
        self._gdpr_check_company_move(vals)
        self._check_attachment_value(vals)
        return super().write(vals)

    def _check_attachment_value(self, vals):
        """Refuse a terms document the writer cannot read or of another record.

        Every consent of the text shows its document: a file the writer
        cannot read (another company's signed scan) is refused without a
        word of it; a readable one belongs to no record or to the text
        itself (SPEC section 8).
        """
        attachment_id = vals.get("attachment_id")
        if not isinstance(attachment_id, int) or not attachment_id:
            return
        Attachment = self.env["ir.attachment"]
        if not self.env.su and not Attachment._filter_attachment_access(
            [attachment_id]
        ):
            raise AccessError(
                self.env._("You cannot use as terms document a file you cannot read.")
            )
        # sudo: only where the file belongs is compared, nothing is shown.
        owner = Attachment.sudo().browse(attachment_id).exists()
        if not owner:
            return  # the framework refuses the missing record
        if owner.res_model and (
            owner.res_model != self._name
            or (owner.res_id and owner.res_id not in self.ids)
        ):
            raise ValidationError(
                self.env._(
                    "The terms document of a consent text is a file of its own "
                    "or one attached to the text itself."
                )
            )

    def _update_field_translations(self, field_name, translations, digest=None, **kw):
        # In a savepoint: a translation over the field's length limit is
        # refused and leaves nothing written (SPEC section 9).
        with self.env.cr.savepoint():
            res = super()._update_field_translations(
                field_name, translations, digest=digest, **kw
            )
            field = self._fields[field_name]
            if field.type == "html" and field.sanitize:
                self._gdpr_sanitize_translations(field, translations)
            self._gdpr_check_translation_values(field_name, translations)
        return res

    def _gdpr_sanitize_translations(self, field, langs):
        """Sanitize the translations in ``langs`` of the HTML ``field``.

        The translation dialog (``update_field_translations``) stores the
        translated terms as typed, without the field's sanitizer: every
        translation it wrote is sanitized as a write would (SPEC section 9).
        """
        self.ensure_one()
        self.flush_recordset([field.name])
        for lang in langs:
            value = self.with_context(lang=lang)[field.name]
            if not value:
                continue
            clean = field.convert_to_cache(value, self)
            if str(clean) != str(value):
                self.env.cr.execute(
                    SQL(
                        "UPDATE %s SET %s = %s || jsonb_build_object(%s, %s::text) "
                        "WHERE id = %s",
                        SQL.identifier(self._table),
                        SQL.identifier(field.name),
                        SQL.identifier(field.name),
                        lang,
                        str(clean),
                        self.id,
                    )
                )
        self.invalidate_recordset([field.name])

    def _gdpr_sanitized_body(self):
        """The wording in the current language, through the body's sanitizer.

        Translations written before 18.0.1.1.0 (or by SQL) may hold
        unsanitized HTML: whoever reads the wording to copy or print it reads
        it through here.
        """
        if not self:
            return False
        self.ensure_one()
        field = self._fields["body"]
        return field.convert_to_cache(self.body, self) if self.body else self.body

    @api.model
    def _domain_in_force(self, date=None):
        """Domain of the texts that can be consented to on ``date`` (today)."""
        date = date or fields.Date.context_today(self)
        return [("date_start", "<=", date)]
