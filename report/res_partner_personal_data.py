from odoo import _, api, models
from odoo.exceptions import AccessError


class ReportPartnerPersonalData(models.AbstractModel):
    """Data of the Art. 15 access report ("What we hold about you")."""

    _name = "report.crm_gdpr.report_partner_personal_data"
    _description = "GDPR Personal Data Report"

    @api.model
    def _get_report_values(self, docids, data=None):
        if not self.env.user.has_group("crm_gdpr.group_gdpr_officer"):
            raise AccessError(
                _("Only the data protection officer prints the personal data report.")
            )
        partners = self.env["res.partner"].browse(docids)
        partners.check_access("read")
        people = {partner.id: partner | partner.child_ids for partner in partners}
        consents = (
            self.env["gdpr.consent"]
            .with_context(active_test=False)
            .search(
                [
                    (
                        "partner_id",
                        "in",
                        [p.id for group in people.values() for p in group],
                    )
                ],
                order="date_given, id",
            )
        )
        leads = self.env["crm.lead"]
        if leads.has_access("read"):
            leads = leads.with_context(active_test=False).search(
                [("partner_id", "child_of", partners.ids)], order="create_date"
            )
        leads_by_partner = {
            partner.id: leads.filtered(
                lambda lead, p=partner: (
                    lead.partner_id.commercial_partner_id == p.commercial_partner_id
                    or lead.partner_id == p
                )
            )
            for partner in partners
        }
        messages = self._get_messages(partners, leads)
        company = self.env.company
        register = self._get_register(company)
        return {
            "doc_ids": docids,
            "doc_model": "res.partner",
            "docs": partners,
            # The language the printing user chose, else the partner's.
            "report_lang": (data or {}).get("lang")
            or self.env.context.get("gdpr_report_lang"),
            "company": company,
            "controller": register.controller_id or company.partner_id,
            "dpo": register.dpo_id,
            "consents_by_partner": {
                partner.id: consents.filtered(
                    lambda c, group=people[partner.id]: c.partner_id in group
                )
                for partner in partners
            },
            "leads_by_partner": leads_by_partner,
            "messages_by_partner": {
                partner.id: messages.filtered(
                    lambda message, p=partner: self._is_message_of(
                        message, people[p.id], leads_by_partner[p.id]
                    )
                )
                for partner in partners
            },
            "activities": self._get_processing_activities(),
        }

    @api.model
    def _is_message_of(self, message, people, leads):
        return (message.model == "res.partner" and message.res_id in people.ids) or (
            message.model == "crm.lead" and message.res_id in leads.ids
        )

    @api.model
    def _get_register(self, company):
        """The processing register naming the controller and the DPO."""
        Register = self.env["gdpr.processing.register"]
        if not Register.has_access("read"):
            return Register
        return Register.search(
            [("company_id", "=", company.id), ("dpo_id", "!=", False)],
            order="id desc",
            limit=1,
        ) or Register.search([("company_id", "=", company.id)], limit=1)

    @api.model
    def _get_messages(self, partners, leads):
        """The communications held (e-mails and notes): the copy of the data
        (Art. 15(3)). One search for every partner and lead printed."""
        people = partners | partners.child_ids
        return self.env["mail.message"].search(
            [
                ("message_type", "in", ("email", "comment", "email_outgoing")),
                "|",
                "&",
                ("model", "=", "res.partner"),
                ("res_id", "in", people.ids),
                "&",
                ("model", "=", "crm.lead"),
                ("res_id", "in", leads.ids),
            ],
            order="date, id",
        )

    @api.model
    def _get_processing_activities(self):
        """Processing activities that concern CRM contacts.

        The controller's own: what the company does as a processor, on behalf
        of other controllers (a processor's register, Art. 30(2)), is for
        those controllers to answer. Override to narrow or widen what the
        access report lists.
        """
        Activity = self.env["gdpr.processing.activity"]
        if not Activity.has_access("read"):
            return Activity
        return Activity.search(
            [
                ("concerns_contacts", "=", True),
                ("register_id.register_type", "=", "controller"),
            ]
        )
