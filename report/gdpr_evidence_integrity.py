from odoo import api, fields, models
from odoo.exceptions import AccessError, MissingError


class ReportGdprEvidenceIntegrity(models.AbstractModel):
    """Data of the evidence integrity report: ``verify_chain`` per company."""

    _name = "report.crm_gdpr.report_gdpr_evidence_integrity"
    _description = "GDPR Evidence Integrity Report"

    @api.model
    def _get_report_values(self, docids, data=None):
        if not self.env.user.has_group("crm_gdpr.group_gdpr_officer"):
            raise AccessError(
                self.env._(
                    "Only the data protection officer prints the evidence "
                    "integrity report."
                )
            )
        companies = self.env["res.company"].browse(docids)
        # A clear error before anything is rendered: a company that does not
        # exist, or one the user does not work in, gets no (empty) report.
        if companies.exists() != companies:
            raise MissingError(self.env._("The company of this report does not exist."))
        if companies - self.env.user.company_ids:
            raise AccessError(
                self.env._(
                    "You can only check the evidence of the companies you work in."
                )
            )
        return {
            "doc_ids": docids,
            "doc_model": "res.company",
            "docs": companies,
            "results": self.env["gdpr.evidence.event"].verify_chain(companies),
            "checked_at": fields.Datetime.now(),
        }
