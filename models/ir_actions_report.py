from lxml import html

from odoo import models


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    def _run_wkhtmltopdf(self, bodies, report_ref=False, **kwargs):
        """Print several GDPR documents at once with any wkhtmltopdf build.

        The wkhtmltopdf of Debian (built against an unpatched Qt) refuses more
        than one input document and returns nothing, so printing several
        breaches or registers from a list failed. For crm_gdpr's reports such
        a failure is retried with the documents joined into one HTML input,
        each starting on a new page. Other reports keep Odoo's behaviour.
        """
        pdf = super()._run_wkhtmltopdf(bodies, report_ref=report_ref, **kwargs)
        if pdf or len(bodies) < 2 or not report_ref:
            return pdf
        if not self._get_report(report_ref).report_name.startswith("crm_gdpr."):
            return pdf
        return super()._run_wkhtmltopdf(
            [self._gdpr_join_bodies(bodies)], report_ref=report_ref, **kwargs
        )

    def _gdpr_join_bodies(self, bodies):
        """One HTML document with the content of every body, page after page.

        The bodies share their ``<head>`` (the report's assets): the first one
        is kept and the ``<body>`` content of the others is appended to it.
        """
        document = html.document_fromstring(bodies[0])
        target = document.find("body")
        for body in bodies[1:]:
            target.append(
                html.fragment_fromstring('<div style="page-break-before: always;"/>')
            )
            for child in html.document_fromstring(body).find("body"):
                target.append(child)
        return html.tostring(document, encoding="unicode")
