from odoo import api, models


class ReportGdprRequestResponse(models.AbstractModel):
    """Data of the response letter to a data-subject request."""

    _name = "report.crm_gdpr.report_gdpr_request_response"
    _description = "GDPR Data-Subject Request Response Letter"

    @api.model
    def _get_report_values(self, docids, data=None):
        requests = self.env["gdpr.request"].browse(docids)
        # A clear AccessError before anything is rendered.
        requests.check_access("read")
        return {
            "doc_ids": docids,
            "doc_model": "gdpr.request",
            "docs": requests,
        }
