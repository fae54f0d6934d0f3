from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from ..models.gdpr_bulk_job import REQUEST_WEIGHT


class GdprConsentRequestWizard(models.TransientModel):
    """ "Ask for consent by e-mail" on one or many contacts and leads."""

    _name = "gdpr.consent.request.wizard"
    _description = "GDPR: Ask for Consent by E-mail"
    _inherit = ["gdpr.value.check.mixin"]

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
        """Create the requests and queue their mails.

        Above the background-job threshold (``gdpr.bulk.job``; a request
        counts as ``REQUEST_WEIGHT`` consents) they are created in committed
        batches and the job is opened; below it, in this request as one
        batch.

        The contacts, leads and texts the user may not use are skipped, and
        the message says which and why (the unreadable ones by their number
        only: their names are not the user's to see).
        """
        self.ensure_one()
        # sudo: only counts what was chosen, to say how many were skipped;
        # nothing of the unreadable records is shown.
        chosen = self.sudo().with_context(active_test=False)
        partners, leads, texts = (
            self.env[records._name].browse(records.ids)._filtered_access("read")
            for records in (chosen.partner_ids, chosen.lead_ids, chosen.text_ids)
        )
        unreadable = (
            len(chosen.partner_ids) - len(partners) + len(chosen.lead_ids) - len(leads)
        )
        unreadable_texts = len(chosen.text_ids) - len(texts)
        today = fields.Date.context_today(self)
        not_valid = texts.filtered(
            lambda text: not text.active or text.date_start > today
        )
        texts -= not_valid
        notes = []
        if unreadable:
            notes.append(
                self.env._(
                    "%s contact(s) or lead(s) you cannot read were not asked.",
                    unreadable,
                )
            )
        if unreadable_texts:
            notes.append(self.env._("Consent texts you cannot read were left out."))
        if not_valid:
            notes.append(
                self.env._(
                    "Consent texts not in force, left out: %s",
                    ", ".join(not_valid.mapped("name")),
                )
            )
        if not texts:
            raise UserError(
                " ".join(
                    [self.env._("None of the chosen consent texts can be asked for.")]
                    + notes
                )
            )
        # A lead whose contact is asked too is asked once, through the contact.
        partner_ids = set(partners.ids)
        givers = [["partner", partner_id] for partner_id in partners.ids] + [
            ["lead", lead.id] for lead in leads if lead.partner_id.id not in partner_ids
        ]
        job, result = self.env["gdpr.bulk.job"]._gdpr_run_or_queue(
            "consent_request",
            givers,
            {"text_ids": texts.ids},
            self.env._("Consent requests to %s contact(s) or lead(s)", len(givers)),
            weight=REQUEST_WEIGHT,
        )
        if job:
            # Above the threshold: the requests are created and their mails
            # queued in committed batches; the job is opened.
            message = self.env._(
                "%(count)s contact(s) or lead(s) are asked in the background: "
                "you will be told when it is finished.",
                count=len(givers),
            )
            next_action = job._get_records_action(name=self.env._("Background Job"))
        else:
            message = self.env._(
                "%(count)s consent request(s) sent.", count=len(result["records"])
            )
            next_action = {"type": "ir.actions.act_window_close"}
            if result["skipped_names"]:
                notes.append(
                    self.env._(
                        "Without an e-mail address, not asked: %s",
                        ", ".join(result["skipped_names"]),
                    )
                )
        if notes:
            message = " ".join([message, *notes])
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "message": message,
                "type": "warning" if notes else "success",
                "sticky": bool(notes),
                "next": next_action,
            },
        }
