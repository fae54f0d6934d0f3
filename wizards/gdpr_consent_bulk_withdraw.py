from odoo import Command, _, api, fields, models
from odoo.exceptions import AccessError, UserError


class GdprConsentBulkWithdraw(models.TransientModel):
    _name = "gdpr.consent.bulk.withdraw"
    _description = "GDPR Consents: Bulk Withdrawal"
    _inherit = ["gdpr.value.check.mixin"]

    partner_ids = fields.Many2many("res.partner", string="Consent Givers")
    lead_ids = fields.Many2many(
        "crm.lead",
        string="Leads",
        help="Leads whose consents (without a giver yet) can be withdrawn too.",
    )
    consent_ids = fields.Many2many(
        "gdpr.consent",
        string="Preselected Consents",
        help="Consents ticked for withdrawal when the wizard opens.",
    )
    line_ids = fields.One2many(
        "gdpr.consent.bulk.withdraw.line",
        "wizard_id",
        string="Active Consents",
        compute="_compute_line_ids",
        # Searched as the user: a stored compute runs as superuser otherwise
        # and would list consents the user cannot read (SPEC section 8).
        compute_sudo=False,
        store=True,
        readonly=False,
    )
    date_withdrawn = fields.Date(
        string="Withdrawal Date", required=True, default=fields.Date.context_today
    )
    reason_id = fields.Many2one(
        "gdpr.withdrawal.reason",
        default=lambda self: self.env["gdpr.withdrawal.reason"]._get_default(),
    )
    source_id = fields.Many2one(
        "gdpr.withdrawal.source",
        default=lambda self: self.env["gdpr.withdrawal.source"]._get_default(),
        help="Without a source the withdrawal records the company as its source.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        wizards = super().create(vals_list)
        wizards._check_sources_access()
        return wizards

    def write(self, vals):
        res = super().write(vals)
        self._check_sources_access()
        return res

    @api.model
    def default_get(self, fields_list):
        defaults = super().default_get(fields_list)
        context = self.env.context
        active_ids = context.get("active_ids") or []
        if "partner_ids" in fields_list and not defaults.get("partner_ids"):
            if context.get("active_model") == "res.partner" and active_ids:
                defaults["partner_ids"] = [Command.set(active_ids)]
            elif context.get("active_model") == "gdpr.consent" and active_ids:
                consents = self.env["gdpr.consent"].browse(active_ids)
                defaults["partner_ids"] = [Command.set(consents.partner_id.ids)]
                defaults["lead_ids"] = [
                    Command.set(
                        consents.filtered(lambda c: not c.partner_id).lead_id.ids
                    )
                ]
                defaults["consent_ids"] = [Command.set(consents.filtered("active").ids)]
        return defaults

    @api.depends("partner_ids", "lead_ids", "consent_ids")
    def _compute_line_ids(self):
        self._check_sources_access()
        # As the user even when the compute is triggered by a superuser
        # flush: lines list consents the user reads, of the companies the
        # user works in now (a shared giver's consents of another company are
        # that company's to withdraw).
        Consent = self.env["gdpr.consent"].sudo(False)
        for wizard in self:
            consents = Consent.search(
                [
                    ("state", "=", "active"),
                    ("company_id", "in", self.env.companies.ids),
                    "|",
                    ("partner_id", "in", wizard.partner_ids.ids),
                    ("lead_id", "in", wizard.lead_ids.ids),
                ]
            )
            kept = wizard.line_ids.filtered(
                lambda line, consents=consents: line.consent_id in consents
            )
            commands = [Command.unlink(line.id) for line in wizard.line_ids - kept]
            commands += [
                Command.create(
                    {
                        "consent_id": consent.id,
                        # Preselected consents alone, else every one, ticked.
                        "to_withdraw": not wizard.consent_ids
                        or consent in wizard.consent_ids._origin,
                    }
                )
                for consent in consents - kept.consent_id
            ]
            wizard.line_ids = commands

    def _check_sources_access(self):
        """Refuse givers, leads and consents the user cannot read (SPEC 8)."""
        for records in (
            self.partner_ids._origin,
            self.lead_ids._origin,
            self.consent_ids._origin,
        ):
            if records and records.sudo(False)._filtered_access("read") != records:
                raise AccessError(
                    _(
                        "You cannot withdraw consents of a contact, lead or "
                        "consent you cannot read."
                    )
                )

    def action_withdraw(self):
        """Withdraw the ticked consents.

        Above the background-job threshold (``gdpr.bulk.job``) they are
        withdrawn in committed batches and the job is opened.
        """
        self.ensure_one()
        consents = self.line_ids.filtered("to_withdraw").consent_id
        if not consents:
            raise UserError(_("Tick “Withdraw” on at least one consent."))
        job, _result = self.env["gdpr.bulk.job"]._gdpr_run_or_queue(
            "consent_withdraw",
            consents.ids,
            {
                "date_withdrawn": fields.Date.to_string(self.date_withdrawn),
                "reason_id": self.reason_id.id,
                "source_id": self.source_id.id,
            },
            _("Withdrawal of %s consent(s)", len(consents)),
        )
        if job:
            return job._get_records_action(name=_("Background Job"))
        return {"type": "ir.actions.act_window_close"}
