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
        activities = self._get_processing_activities()
        return {
            "doc_ids": docids,
            "doc_model": "res.partner",
            "docs": partners,
            "consents_by_partner": {
                partner.id: consents.filtered(
                    lambda c, group=people[partner.id]: c.partner_id in group
                )
                for partner in partners
            },
            "leads_by_partner": {
                partner.id: leads.filtered(
                    lambda lead, p=partner: (
                        lead.partner_id.commercial_partner_id == p.commercial_partner_id
                        or lead.partner_id == p
                    )
                )
                for partner in partners
            },
            "activities": activities,
        }

    @api.model
    def _get_processing_activities(self):
        """Processing activities that concern CRM contacts.

        Override to narrow or widen what the access report lists.
        """
        Activity = self.env["gdpr.processing.activity"]
        if not Activity.has_access("read"):
            return Activity
        return Activity.search([("concerns_contacts", "=", True)])
