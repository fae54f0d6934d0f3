from odoo import models
from odoo.tools.pdf import merge_pdf


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    def _run_wkhtmltopdf(self, bodies, report_ref=False, **kwargs):
        """Print several GDPR documents at once with any wkhtmltopdf build.

        The wkhtmltopdf of Debian (built against an unpatched Qt) refuses more
        than one input document and returns nothing, so printing several
        breaches or registers from a list failed. For crm_gdpr's reports,
        such a failure is retried one document at a time and the PDFs are
        merged. Other reports keep Odoo's behaviour.
        """
        pdf = super()._run_wkhtmltopdf(bodies, report_ref=report_ref, **kwargs)
        if pdf or len(bodies) < 2 or not report_ref:
            return pdf
        if not self._get_report(report_ref).report_name.startswith("crm_gdpr."):
            return pdf
        return merge_pdf(
            [
                super(IrActionsReport, self)._run_wkhtmltopdf(
                    [body], report_ref=report_ref, **kwargs
                )
                for body in bodies
            ]
        )
