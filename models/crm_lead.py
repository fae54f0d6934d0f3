from odoo import api, fields, models

from .gdpr_search import gdpr_search_domain


class CrmLead(models.Model):
    _inherit = "crm.lead"

    gdpr_consent_ids = fields.One2many(
        "gdpr.consent",
        "lead_id",
        string="Consents",
        context={"active_test": False},
        groups="crm_gdpr.group_gdpr_user",
        help="All consents collected on this lead, withdrawn ones included.",
    )
    gdpr_consent_count = fields.Integer(
        string="Active Consents",
        compute="_compute_gdpr_consent_count",
        groups="crm_gdpr.group_gdpr_user",
        help="Active consents of the companies you work in.",
    )

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None):
        # GDPR fields are searched by GDPR users only, and the consents the
        # user cannot read never decide a match (SPEC section 8).
        domain = gdpr_search_domain(self, domain, ("gdpr_consent_ids",))
        return super()._search(domain, offset=offset, limit=limit, order=order)

    @api.depends_context("allowed_company_ids")
    @api.depends("gdpr_consent_ids.state")
    def _compute_gdpr_consent_count(self):
        counts = dict(
            self.env["gdpr.consent"]._read_group(
                [
                    ("lead_id", "in", self._origin.ids),
                    ("state", "=", "active"),
                    ("company_id", "in", self.env.companies.ids),
                ],
                ["lead_id"],
                ["__count"],
            )
        )
        for lead in self:
            lead.gdpr_consent_count = counts.get(lead._origin, 0)

    def write(self, vals):
        res = super().write(vals)
        if vals.get("partner_id"):
            self._gdpr_hand_over_consents()
        return res

    def _gdpr_hand_over_consents(self):
        """Give the lead's partner to its consents that have no giver yet.

        Consents that already have a giver keep it: a giver never changes.
        """
        for lead in self.filtered("partner_id"):
            consents = lead.gdpr_consent_ids.filtered(
                lambda consent: not consent.partner_id
            )
            if consents:
                consents.write({"partner_id": lead.partner_id.id})

    def _merge_dependences(self, opportunities):
        # The consents of merged opportunities stay on the resulting one:
        # the merged opportunities are deleted afterwards.
        res = super()._merge_dependences(opportunities)
        opportunities.gdpr_consent_ids._gdpr_move_to_lead(self)
        return res

    def action_view_gdpr_consents(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_gdpr.gdpr_consent_action"
        )
        action["domain"] = [("lead_id", "=", self.id)]
        action["context"] = {
            "default_lead_id": self.id,
            "default_partner_id": self.partner_id.id,
        }
        return action

    def action_open_gdpr_consent_bulk_grant(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_gdpr.gdpr_consent_bulk_grant_action"
        )
        action["context"] = {
            "default_lead_id": self.id,
            "default_partner_ids": self.partner_id.ids,
        }
        return action

    def action_open_gdpr_consent_bulk_withdraw(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_gdpr.gdpr_consent_bulk_withdraw_action"
        )
        action["context"] = {
            "default_lead_ids": self.ids,
            "default_partner_ids": self.partner_id.ids,
        }
        return action
