from odoo import api, fields, models, tools
from odoo.exceptions import UserError

# Recipients named in the warning; the others are counted.
WARNING_NAMES = 10


class MailComposeMessage(models.TransientModel):
    _inherit = "mail.compose.message"

    gdpr_category_id = fields.Many2one(
        "gdpr.consent.category",
        string="Consent Category",
        compute="_compute_gdpr_category_id",
        store=True,
        readonly=False,
        groups="crm_gdpr.group_gdpr_user",
        help="The consent category this e-mail belongs to (default: the "
        "template's). When its communication needs consent, the recipients "
        "without an active consent in it are listed before you send.",
    )
    gdpr_warning = fields.Text(
        string="Consent Warning",
        compute="_compute_gdpr_warning",
        groups="crm_gdpr.group_gdpr_user",
    )
    gdpr_warning_count = fields.Integer(
        string="Recipients Without Consent",
        compute="_compute_gdpr_warning",
        groups="crm_gdpr.group_gdpr_user",
    )

    @api.depends("template_id")
    def _compute_gdpr_category_id(self):
        for composer in self:
            # A category the user cannot read (another company's) is no
            # category here: the composer warns, it never blocks.
            # sudo(False): the stored compute runs as superuser.
            category = composer.template_id.gdpr_category_id.sudo(False)
            category = category._filtered_access("read")
            if category or not composer.gdpr_category_id:
                composer.gdpr_category_id = category

    @api.depends(
        "gdpr_category_id",
        "composition_mode",
        "model",
        "res_ids",
        "res_domain",
        "partner_ids",
    )
    @api.depends_context("allowed_company_ids")
    def _compute_gdpr_warning(self):
        for composer in self:
            composer.gdpr_warning = False
            composer.gdpr_warning_count = 0
            category = composer.gdpr_category_id.sudo(False)._filtered_access("read")
            if not category.needs_consent:
                continue
            missing, total = composer._gdpr_recipients_without_consent()
            if not missing:
                continue
            names = ", ".join(
                (record.partner_id or record).display_name
                if record._name == "crm.lead"
                else record.display_name
                for record in missing[:WARNING_NAMES]
            )
            if len(missing) > WARNING_NAMES:
                names = self.env._(
                    "%(names)s and %(count)s more",
                    names=names,
                    count=len(missing) - WARNING_NAMES,
                )
            composer.gdpr_warning_count = len(missing)
            composer.gdpr_warning = self.env._(
                "%(count)s of %(total)s recipients have no active consent in "
                "“%(category)s” for their e-mail: %(names)s. Odoo does not stop "
                "you: send only if you may write to them.",
                count=len(missing),
                total=total,
                category=category.display_name,
                names=names,
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._gdpr_check_category(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._gdpr_check_category(vals)
        return super().write(vals)

    @api.model
    def _gdpr_check_category(self, vals):
        """Refuse a consent category the user cannot read (another company's)."""
        category_id = vals.get("gdpr_category_id")
        if not isinstance(category_id, int) or isinstance(category_id, bool):
            return
        category = self.env["gdpr.consent.category"].browse(category_id)
        if not category.exists() or not category._filtered_access("read"):
            raise UserError(
                self.env._(
                    "The consent category of this e-mail does not exist or "
                    "belongs to a company you do not work in."
                )
            )

    def _gdpr_recipients(self):
        """The partners and leads this composer writes to.

        In mass mode, the records of the composer when they are partners or
        leads; in comment mode, its recipients (a recipient that is the
        lead's customer, or has the lead's e-mail, counts as the lead).

        :return: ``(partners, leads)``, readable by the user
        """
        self.ensure_one()
        partners = self.env["res.partner"]
        leads = self.env["crm.lead"]
        records = self.env[self.model].browse() if self.model in self.env else None
        if records is not None and self.model in ("res.partner", "crm.lead"):
            ids = self._evaluate_res_ids()
            if ids:
                records = records.browse(ids)
            elif self.res_domain and self.composition_mode == "mass_mail":
                records = records.search(self._evaluate_res_domain())
            records = records._filtered_access("read")
            if self.model == "crm.lead":
                leads = records
            elif self.composition_mode == "mass_mail":
                partners = records
        if self.composition_mode == "comment":
            partners = self.partner_ids._origin
            if leads:
                by_email = {
                    lead.email_normalized: lead
                    for lead in leads
                    if lead.email_normalized
                }
                covered = partners.filtered(
                    lambda partner: (
                        partner in leads.partner_id
                        or partner.email_normalized in by_email
                    )
                )
                leads = leads.filtered(
                    lambda lead: (
                        lead.partner_id in covered
                        or lead.email_normalized in covered.mapped("email_normalized")
                    )
                )
                partners -= covered
        return partners, leads

    def _gdpr_recipients_without_consent(self):
        """The recipients (partners and leads) without an active consent in
        the composer's category bound to their e-mail or to no channel, and the
        number of recipients. A constant number of queries, whatever the
        number of recipients.
        """
        self.ensure_one()
        partners, leads = self._gdpr_recipients()
        if not partners and not leads:
            return [], 0
        lead_partners = leads.partner_id
        groups = self.env["gdpr.consent"]._read_group(
            [
                ("state", "=", "active"),
                ("category_id", "=", self.gdpr_category_id.id),
                ("company_id", "in", self.env.companies.ids),
                "|",
                ("partner_id", "in", (partners | lead_partners).ids),
                ("lead_id", "in", leads.ids),
            ],
            ["partner_id", "lead_id", "contact_channel_id", "contact_value"],
        )
        # What each consent covers: any e-mail (no channel) or one e-mail.
        by_partner, by_lead = {}, {}
        for partner, lead, channel, value in groups:
            covered = True if not channel else tools.email_normalize(value or "")
            if partner:
                by_partner.setdefault(partner.id, []).append(covered)
            if lead:
                by_lead.setdefault(lead.id, []).append(covered)

        def has_consent(covers, emails):
            return any(cover is True or (cover and cover in emails) for cover in covers)

        missing = []
        for partner in partners:
            if not has_consent(
                by_partner.get(partner.id, []), {partner.email_normalized}
            ):
                missing.append(partner)
        for lead in leads:
            covers = by_lead.get(lead.id, []) + by_partner.get(lead.partner_id.id, [])
            emails = {lead.email_normalized, lead.partner_id.email_normalized}
            if not has_consent(covers, emails - {False}):
                missing.append(lead)
        return missing, len(partners) + len(leads)
