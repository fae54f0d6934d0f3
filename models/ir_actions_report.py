from lxml import html

from odoo import models

# Every crm_gdpr PDF is set in DejaVu Sans, a system font that every Debian
# machine has (fonts-dejavu-core). The layout's web fonts (Lato, Roboto…) are
# drawn by the unpatched Qt of Debian's wkhtmltopdf as pictures: the PDF
# then has no text (nothing to select, search or read back with pdftotext)
# and is 30 times larger. Icon fonts (Font Awesome) keep their own font.
GDPR_REPORT_FONT_STYLE = """
html body, html body *:not(.fa):not([class*=" fa-"]):not([class^="fa-"]) {
    font-family: "DejaVu Sans", sans-serif !important;
}
"""


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    def _run_wkhtmltopdf(self, bodies, report_ref=False, **kwargs):
        """Print crm_gdpr's documents in a system font, with any wkhtmltopdf.

        Every crm_gdpr report gets its font here, in one place (see
        :data:`GDPR_REPORT_FONT_STYLE`), whatever its template says.

        The wkhtmltopdf of Debian (built against an unpatched Qt) refuses more
        than one input document and returns nothing, so printing several
        breaches or registers from a list failed. For crm_gdpr's reports such
        a failure is retried with the documents joined into one HTML input,
        each starting on a new page. Other reports keep Odoo's behaviour.
        """
        if not self._gdpr_is_gdpr_report(report_ref):
            return super()._run_wkhtmltopdf(bodies, report_ref=report_ref, **kwargs)
        bodies = [self._gdpr_with_report_font(body) for body in bodies]
        for part in ("header", "footer"):
            if kwargs.get(part):
                kwargs[part] = self._gdpr_with_report_font(kwargs[part])
        pdf = super()._run_wkhtmltopdf(bodies, report_ref=report_ref, **kwargs)
        if pdf or len(bodies) < 2:
            return pdf
        return super()._run_wkhtmltopdf(
            [self._gdpr_join_bodies(bodies)], report_ref=report_ref, **kwargs
        )

    def _gdpr_is_gdpr_report(self, report_ref):
        return bool(report_ref) and self._get_report(report_ref).report_name.startswith(
            "crm_gdpr."
        )

    def _gdpr_with_report_font(self, document):
        """``document`` (an HTML page) with crm_gdpr's report font last in its head."""
        tree = html.document_fromstring(document)
        head = tree.find("head")
        if head is None:
            head = html.Element("head")
            tree.insert(0, head)
        style = html.Element("style")
        style.text = GDPR_REPORT_FONT_STYLE
        head.append(style)
        return html.tostring(
            tree, encoding="unicode", doctype=tree.getroottree().docinfo.doctype
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
