from odoo import Command, _, api, fields, models
from odoo.exceptions import AccessError, UserError

from ..models.gdpr_consent import CONTACT_KINDS


class GdprConsentBulkGrant(models.TransientModel):
    _name = "gdpr.consent.bulk.grant"
    _description = "GDPR Consents: Bulk Grant"
    _inherit = ["gdpr.value.check.mixin"]

    partner_ids = fields.Many2many("res.partner", string="Consent Givers")
    lead_id = fields.Many2one(
        "crm.lead",
        help="The lead the consents are collected on. Without givers, the "
        "consents are registered on the lead only.",
    )
    giver_count = fields.Integer(compute="_compute_giver_count")
    single_partner_id = fields.Many2one(
        "res.partner", compute="_compute_giver_count", string="Single Giver"
    )
    category_ids = fields.Many2many(
        "gdpr.consent.category",
        string="Categories",
        help="Only categories with a consent text in force can be chosen.",
    )
    date_given = fields.Date(required=True, default=fields.Date.context_today)
    source_id = fields.Many2one(
        "gdpr.consent.source",
        default=lambda self: self.env["gdpr.consent.source"]._get_default(),
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    line_ids = fields.One2many(
        "gdpr.consent.bulk.grant.line",
        "wizard_id",
        string="Texts",
        compute="_compute_line_ids",
        # Searched as the user: a stored compute runs as superuser otherwise
        # and would offer texts the user cannot read (SPEC section 8).
        compute_sudo=False,
        store=True,
        readonly=False,
    )

    @api.model_create_multi
    def create(self, vals_list):
        wizards = super().create(vals_list)
        wizards._check_givers_access()
        wizards._check_grant_company()
        return wizards

    def write(self, vals):
        res = super().write(vals)
        self._check_givers_access()
        if "company_id" in vals:
            self._check_grant_company()
        return res

    def _check_grant_company(self):
        """The consents are granted in a company the user works in now,
        refused at once whatever the size (a job would fail later)."""
        if self.env.su:
            return
        if any(wizard.company_id not in self.env.companies for wizard in self):
            raise UserError(
                _(
                    "You cannot grant consents in a company you do not work in: "
                    "select it in the company switcher first."
                )
            )

    @api.model
    def default_get(self, fields_list):
        defaults = super().default_get(fields_list)
        active_model = self.env.context.get("active_model")
        active_ids = self.env.context.get("active_ids") or []
        if "partner_ids" in fields_list and not defaults.get("partner_ids"):
            if active_model == "res.partner" and active_ids:
                defaults["partner_ids"] = [Command.set(active_ids)]
            elif active_model == "crm.lead" and len(active_ids) == 1:
                lead = self.env["crm.lead"].browse(active_ids)
                defaults["partner_ids"] = [Command.set(lead.partner_id.ids)]
                defaults.setdefault("lead_id", lead.id)
        return defaults

    @api.depends("partner_ids", "lead_id")
    def _compute_giver_count(self):
        self._check_givers_access()
        for wizard in self:
            wizard.giver_count = len(wizard.partner_ids)
            wizard.single_partner_id = (
                wizard.partner_ids if len(wizard.partner_ids) == 1 else False
            )

    @api.depends("category_ids", "date_given", "company_id")
    def _compute_line_ids(self):
        # As the user even when the compute is triggered by a superuser
        # flush: another company's private texts are never offered.
        Text = self.env["gdpr.consent.text"].sudo(False)
        for wizard in self:
            texts = Text.search(
                [
                    ("category_id", "in", wizard.category_ids.ids),
                    ("company_id", "in", [False, wizard.company_id.id]),
                ]
                + Text._domain_in_force(wizard.date_given)
            )
            kept = wizard.line_ids.filtered(
                lambda line, texts=texts: line.text_id in texts
            )
            commands = [Command.unlink(line.id) for line in wizard.line_ids - kept]
            commands += [
                Command.create(
                    {"text_id": text.id, "to_create": wizard._is_text_valid(text)}
                )
                for text in texts - kept.text_id
            ]
            wizard.line_ids = commands

    def _is_text_valid(self, text):
        """Whether a line of ``text`` can create a consent: it opens ticked.

        A text that concerns contact data is valid for a single giver only
        when the giver has one of its channels' data; with several givers
        each one without the datum is skipped (and named) at generation.
        """
        self.ensure_one()
        if not text.applies_to_contacts:
            return True
        giver = self.partner_ids if len(self.partner_ids) == 1 else False
        giver = giver or (not self.partner_ids and self.lead_id)
        if not giver:
            return True
        all_contact_channels = self.env["gdpr.channel"].search(
            [("kind", "in", CONTACT_KINDS)]
        )
        return bool(
            self.env["gdpr.consent"]._gdpr_giver_channels(
                text, giver, all_contact_channels
            )
        )

    def _check_givers_access(self):
        """Refuse givers and leads the user cannot read (SPEC section 8)."""
        for records in (self.partner_ids._origin, self.lead_id._origin):
            if records and records.sudo(False)._filtered_access("read") != records:
                raise AccessError(
                    _(
                        "You cannot grant consents for a contact or lead you cannot "
                        "read."
                    )
                )

    def action_generate(self):
        """Create one consent per giver and ticked line.

        Above the background-job threshold (``gdpr.bulk.job``) the consents
        are created in committed batches and the job is opened.
        """
        self.ensure_one()
        self._check_grant_company()
        lines = self._prepare_grant_lines()
        givers = self.partner_ids or self.lead_id
        params = {
            "giver_model": givers._name,
            "lines": lines,
            "date_given": fields.Date.to_string(self.date_given),
            "source_id": self.source_id.id,
            "company_id": self.company_id.id,
            "lead_id": self.lead_id.id,
        }
        job, result = self.env["gdpr.bulk.job"]._gdpr_run_or_queue(
            "consent_grant",
            givers.ids,
            params,
            _("Grant of %(count)s consent(s)", count=len(givers) * len(lines)),
            weight=len(lines),
        )
        if job:
            return job._get_records_action(name=_("Background Job"))
        consents = result["records"]
        if not consents:
            raise UserError(_("There is no consent to create."))
        action = consents._get_records_action(name=_("Granted Consents"))
        skipped = result["skipped_pairs"]
        if not skipped:
            return action
        # Givers without the contact datum of a line get no consent for it:
        # say so, and for whom, instead of leaving the user to count.
        missing = list(dict.fromkeys(giver for giver, _text in skipped))
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": _("Consents granted: %s", len(consents)),
                "message": _(
                    "%(count)s consent(s) were not created, for lack of an "
                    "email or phone number for the channel of the consent "
                    "text: %(names)s.",
                    count=len(skipped),
                    names=", ".join(giver.display_name for giver in missing),
                ),
                "type": "warning",
                "sticky": True,
                "next": action,
            },
        }

    def _prepare_grant_lines(self):
        """The ticked lines as ``gdpr.consent._gdpr_grant`` takes them.

        With a single giver the user's own choice of address and contact
        datum is kept; with several each giver's own are used.
        """
        self.ensure_one()
        lines = self.line_ids.filtered("to_create")
        if not lines:
            raise UserError(_("Tick “Create” on at least one consent text."))
        givers = self.partner_ids or self.lead_id
        if not givers:
            raise UserError(_("Choose the consent givers."))
        result = []
        for line in lines:
            vals = {
                "text_id": line.text_id.id,
                "contact_channel_id": line.contact_channel_id.id,
            }
            if len(givers) == 1:
                vals["address_id"] = line.address_id.id
                if line.applies_to_contacts and line.contact_channel_id:
                    vals["contact_value"] = line.contact_value
            result.append(vals)
        return result
