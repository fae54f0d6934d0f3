from odoo import api, fields, models
from odoo.exceptions import AccessError


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
        return {
            "doc_ids": docids,
            "doc_model": "res.company",
            "docs": companies,
            "results": self.env["gdpr.evidence.event"].verify_chain(companies),
            "checked_at": fields.Datetime.now(),
        }
