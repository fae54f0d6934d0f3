import io
import logging
import os

from lxml import html
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from odoo import fields, models
from odoo.tools.pdf import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    PdfFileReader,
    PdfFileWriter,
)

from .gdpr_datetime import format_datetime_tz, gdpr_tz

_logger = logging.getLogger(__name__)

# The font of the page footer (page numbers, print date): the family of the
# documents themselves when installed, else the PDF base font.
FOOTER_FONT = "DejaVuSans"
FOOTER_FONT_FILES = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
]


def _footer_font():
    if FOOTER_FONT in pdfmetrics.getRegisteredFontNames():
        return FOOTER_FONT
    for path in FOOTER_FONT_FILES:
        if os.path.exists(path):
            try:
                pdfmetrics.registerFont(TTFont(FOOTER_FONT, path))
                return FOOTER_FONT
            except Exception:  # noqa: BLE001 - a broken font file: fall back
                _logger.warning("Cannot load the footer font %s", path)
    return "Helvetica"


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


# Printed in the printing user's language whatever the context (their
# templates' ``t-lang="user.lang"``).
GDPR_USER_LANG_REPORTS = {
    "crm_gdpr.report_gdpr_breach",
    "crm_gdpr.report_gdpr_evidence_integrity",
}


def _gdpr_stream(writer, data, **entries):
    """A new stream object of ``writer`` holding ``data`` (bytes)."""
    stream = DecodedStreamObject()
    stream.set_data(data)
    stream.update({NameObject(key): value for key, value in entries.items()})
    return writer._add_object(stream)


def _gdpr_overlay(writer, page, stamp):
    """Draw the one-page PDF ``stamp`` over ``page``.

    As ``page.merge_page(stamp)`` draws it, without parsing the page's
    content: PyPDF2 decodes every operator of both pages in Python, which
    took most of a minute for the longest documents (a page of ten thousand
    characters has tens of thousands of operators). The stamp becomes a
    form XObject of the page; the page's content is kept as it is, wrapped
    in ``q``/``Q`` so that the stamp is drawn in the page's initial state.
    """
    drawing = stamp["/Contents"].get_object()
    if isinstance(drawing, ArrayObject):
        data = b"\n".join(part.get_object().get_data() for part in drawing)
    else:
        data = drawing.get_data()
    xobject = _gdpr_stream(
        writer,
        data,
        **{
            "/Type": NameObject("/XObject"),
            "/Subtype": NameObject("/Form"),
            "/BBox": stamp.mediabox,
            "/Resources": stamp["/Resources"],
        },
    )
    resources = DictionaryObject(
        page.get("/Resources", DictionaryObject()).get_object()
    )
    xobjects = DictionaryObject(
        resources.get("/XObject", DictionaryObject()).get_object()
    )
    xobjects[NameObject("/GdprStamp")] = xobject
    resources[NameObject("/XObject")] = xobjects
    page[NameObject("/Resources")] = resources
    contents = page.get("/Contents")
    if contents is None:
        contents = ArrayObject()
    elif isinstance(contents.get_object(), ArrayObject):
        contents = ArrayObject(contents.get_object())
    else:
        contents = ArrayObject([contents])
    page[NameObject("/Contents")] = ArrayObject(
        [
            _gdpr_stream(writer, b"q\n"),
            *contents,
            _gdpr_stream(writer, b"\nQ\nq /GdprStamp Do Q\n"),
        ]
    )


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
        each starting on a new page. The same build ignores the HTML footer
        (and ``--footer-*`` options): crm_gdpr's PDFs get their page numbers
        and print date stamped on every page afterwards (see
        :meth:`_gdpr_stamp_footer`). Other reports keep Odoo's behavior.
        """
        if not self._gdpr_is_gdpr_report(report_ref):
            return super()._run_wkhtmltopdf(bodies, report_ref=report_ref, **kwargs)
        bodies = [self._gdpr_with_report_font(body) for body in bodies]
        for part in ("header", "footer"):
            if kwargs.get(part):
                kwargs[part] = self._gdpr_with_report_font(kwargs[part])
        printer = super(IrActionsReport, self.with_context(gdpr_no_print_delay=True))
        pdf = printer._run_wkhtmltopdf(bodies, report_ref=report_ref, **kwargs)
        if not pdf and len(bodies) > 1:
            pdf = printer._run_wkhtmltopdf(
                [self._gdpr_join_bodies(bodies)], report_ref=report_ref, **kwargs
            )
        return self._gdpr_stamp_footer(pdf) if pdf else pdf

    def _build_wkhtmltopdf_args(self, *args, **kwargs):
        """No ``--javascript-delay`` for crm_gdpr's documents.

        Odoo waits ``report.print_delay`` (1 s by default) after each page
        has loaded, for scripts to finish. crm_gdpr's bodies have no script
        and their header and footer only an ``onload`` one (run before the
        page counts as loaded), so the wait was one second of every print
        for nothing (a fifth of the Art. 15 report of 500 consents).
        """
        command = super()._build_wkhtmltopdf_args(*args, **kwargs)
        if self.env.context.get("gdpr_no_print_delay") and (
            "--javascript-delay" in command
        ):
            index = command.index("--javascript-delay")
            command[index + 1] = "0"
        return command

    def _render_qweb_pdf(self, report_ref, res_ids=None, data=None):
        """Stamp the footer in the language the document is printed in."""
        printer = self
        if self._gdpr_is_gdpr_report(report_ref) and not self.env.context.get(
            "gdpr_footer_lang"
        ):
            lang = self._gdpr_document_lang(self._get_report(report_ref), res_ids)
            printer = self.with_context(gdpr_footer_lang=lang)
        return super(IrActionsReport, printer)._render_qweb_pdf(
            report_ref, res_ids=res_ids, data=data
        )

    def _gdpr_document_lang(self, report, res_ids):
        """The language of the documents, as their templates choose it.

        The language the printing user chose (``gdpr_report_lang``); else the
        printing user's for the breach notification and the integrity report
        (the DPO's own documents); else the one language of the records (a
        letter or a personal data report is in its recipient's); else the
        context's. A page never says "Printed on" under a Polish letter.
        """
        lang = self.env.context.get("gdpr_report_lang")
        if lang:
            return lang
        if report.report_name in GDPR_USER_LANG_REPORTS:
            return self.env.user.lang
        if report.model and res_ids:
            records = self.env[report.model].browse(res_ids)
            if "lang" in records._fields:
                langs = set(records.mapped("lang")) - {False}
                if len(langs) == 1:
                    return langs.pop()
        return self.env.lang

    def _gdpr_is_gdpr_report(self, report_ref):
        return bool(report_ref) and self._get_report(report_ref).report_name.startswith(
            "crm_gdpr."
        )

    def _gdpr_with_report_font(self, document):
        """``document`` (an HTML page) with crm_gdpr's report font last in its head."""
        if not (document or "").strip():
            # Nothing to print (an empty header or body): nothing to style.
            return document
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

    def _gdpr_stamp_footer(self, pdf):
        """Stamp "Printed on <date>" and "Page n of N" at the foot of every page.

        In the language of the documents (see :meth:`_gdpr_document_lang`),
        the moment in the zone of the documents (:func:`gdpr_tz`), named.
        """
        env = self.env
        lang = env.context.get("gdpr_footer_lang") or env.context.get(
            "gdpr_report_lang"
        )
        if lang:
            env = env(context=dict(env.context, lang=lang))
        # The moment as the documents print theirs: the language's format,
        # the zone named (see gdpr_datetime).
        printed = env._(
            "Printed on %s",
            format_datetime_tz(env, fields.Datetime.now(), gdpr_tz(env)),
        )
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        writer = PdfFileWriter()
        total = len(reader.pages)
        font = _footer_font()
        for number, page in enumerate(reader.pages, start=1):
            width = float(abs(page.mediabox.width))
            height = float(abs(page.mediabox.height))
            packet = io.BytesIO()
            stamp = canvas.Canvas(packet, pagesize=(width, height))
            stamp.setFont(font, 7.5)
            stamp.setFillGray(0.35)
            stamp.drawString(12 * mm, 8 * mm, printed)
            stamp.drawRightString(
                width - 12 * mm,
                8 * mm,
                env._("Page %(page)s of %(total)s", page=number, total=total),
            )
            stamp.save()
            packet.seek(0)
            _gdpr_overlay(writer, page, PdfFileReader(packet).pages[0])
            writer.add_page(page)
        output = io.BytesIO()
        writer.write(output)
        return output.getvalue()
