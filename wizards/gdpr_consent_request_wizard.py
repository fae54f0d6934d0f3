from odoo import Command, api, fields, models


class GdprConsentRequestWizard(models.TransientModel):
    """ "Ask for consent by e-mail" on one or many contacts and leads."""

    _name = "gdpr.consent.request.wizard"
    _description = "GDPR: Ask for Consent by E-mail"

    partner_ids = fields.Many2many("res.partner", string="Contacts")
    lead_ids = fields.Many2many("crm.lead", string="Leads")
    text_ids = fields.Many2many(
        "gdpr.consent.text",
        string="Consent Texts",
        required=True,
        domain="[('date_start', '<=', context_today().strftime('%Y-%m-%d'))]",
        help="The texts the person is asked to confirm; the mail shows their wording.",
    )

    @api.model
    def default_get(self, fields_list):
        defaults = super().default_get(fields_list)
        context = self.env.context
        active_ids = context.get("active_ids") or []
        if context.get("active_model") == "res.partner" and active_ids:
            defaults["partner_ids"] = [Command.set(active_ids)]
        elif context.get("active_model") == "crm.lead" and active_ids:
            defaults["lead_ids"] = [Command.set(active_ids)]
        return defaults

    def action_send(self):
        """Create the requests and queue their mails (one batch)."""
        self.ensure_one()
        requests, skipped = self.env["gdpr.consent.request"]._gdpr_ask(
            self.partner_ids, self.lead_ids, self.text_ids
        )
        message = self.env._("%(count)s consent request(s) sent.", count=len(requests))
        if skipped:
            message += " " + self.env._(
                "Without an e-mail address, not asked: %s", ", ".join(skipped)
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "message": message,
                "type": "warning" if skipped else "success",
                "sticky": bool(skipped),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }
