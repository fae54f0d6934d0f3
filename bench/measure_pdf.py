"""Bench part "pdf": printing the processing register and breaches (row 6).

The register of 200 processing activities and 50 breaches in one print,
the largest processor agreement and the largest DPIA (every text at its
limit, see :func:`measure_largest`),
rendered by the real wkhtmltopdf (assets served by a local HTTP server as a
running Odoo would): time (QWeb part and whole), pages, peak memory of the
Odoo process and of wkhtmltopdf, and wkhtmltopdf alone on the same HTML with
the layout's web font and a system font (target: under 10 s each).

Run alone: ``make bench ONLY=pdf``.
"""

import subprocess
import threading
import time
from pathlib import Path

import harness


def pdf_pages(pdf):
    return pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")


class MemorySampler:
    """Peak resident memory of this process and of its children (wkhtmltopdf)."""

    def __init__(self, process):
        self.process = process
        self.own_peak = self.children_peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            self.own_peak = max(self.own_peak, self.process.memory_info().rss)
            children = 0
            for child in self.process.children(recursive=True):
                try:
                    children += child.memory_info().rss
                except Exception:  # noqa: BLE001  (the child just ended)
                    continue
            self.children_peak = max(self.children_peak, children)
            self._stop.wait(0.02)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def render(env, report_ref, records):
    """Render one print of ``records``; time the QWeb part and the whole."""
    import psutil  # noqa: PLC0415

    report = env["ir.actions.report"].with_context(force_report_rendering=True)
    env.invalidate_all()
    rss_before = psutil.Process().memory_info().rss
    with MemorySampler(psutil.Process()) as memory:
        start = time.perf_counter()
        pdf, _kind = report._render_qweb_pdf(report_ref, records.ids)
        seconds = time.perf_counter() - start
    env.invalidate_all()
    start = time.perf_counter()
    html, _kind = report._render_qweb_html(report_ref, records.ids)
    qweb_seconds = time.perf_counter() - start
    return {
        **font_check(env, html),
        "seconds": seconds,
        "qweb_seconds": qweb_seconds,
        "pages": pdf_pages(pdf),
        "bytes": len(pdf),
        "html_bytes": len(html),
        "rss_before_mb": rss_before / 2**20,
        "peak_rss_mb": memory.own_peak / 2**20,
        "wkhtmltopdf_peak_mb": memory.children_peak / 2**20,
    }


def font_check(env, html):
    """wkhtmltopdf alone on the same HTML, with the layout's web font and with
    a system font: how much of the print is text layout in the web font."""
    import tempfile  # noqa: PLC0415

    base = env["ir.config_parameter"].get_param("report.url")
    html = html.replace(b'="/web/', f'="{base}/web/'.encode())
    system_font = b"<style>* { font-family: 'DejaVu Sans' !important; }</style>"
    seconds = {}
    with tempfile.TemporaryDirectory() as tmp:
        for label, page in (
            ("wk_webfont_s", html),
            ("wk_system_font_s", html.replace(b"</head>", system_font + b"</head>", 1)),
        ):
            source, target = Path(tmp, "in.html"), Path(tmp, "out.pdf")
            source.write_bytes(page)
            start = time.perf_counter()
            subprocess.run(
                ["wkhtmltopdf", "-q", str(source), str(target)],
                capture_output=True,
                check=False,
            )
            seconds[label] = time.perf_counter() - start
    return seconds


# About 230 characters: a plausible length for each text of an activity.
ACTIVITY_TEXT = "Lorem ipsum dolor sit amet, consectetur adipiscing elit. " * 4


def measure(registry, sizes):
    port = harness.start_http()
    result = {}
    with harness.rolled_back(registry) as env:
        env["ir.config_parameter"].set_param("report.url", f"http://127.0.0.1:{port}")
        env.company.partner_id.write({"street": "ul. Testowa 1", "city": "Warszawa"})
        us = env.ref("base.us")
        basis = env["gdpr.transfer.basis"].search([], limit=1)
        Register = env["gdpr.processing.register"]
        warm, register = Register.create(
            [
                {"title": "Warm-up register", "use_company_data": True},
                {"title": "Benchmark register", "use_company_data": True},
            ]
        )
        texts = dict.fromkeys(
            (
                "purpose",
                "data_subject_categories",
                "personal_data_categories",
                "recipient_categories",
                "erasure_deadlines",
                "security_measures",
            ),
            ACTIVITY_TEXT,
        )
        transfer = {"country_id": us.id, "basis_id": basis.id, "details": ACTIVITY_TEXT}
        env["gdpr.processing.activity"].create(
            [
                {
                    "register_id": register.id,
                    "name": f"Processing activity {index}",
                    "legal_basis": "a" if index % 2 else "b",
                    # One activity in four transfers data to a third country.
                    "transfer_ids": [(0, 0, transfer)] if index % 4 == 0 else [],
                    **texts,
                }
                for index in range(sizes["register_activities"])
            ]
            + [{"register_id": warm.id, "name": "Warm-up activity", **texts}]
        )
        env.flush_all()
        ref = "crm_gdpr.action_report_gdpr_processing_register"
        # Warm the assets bundle and the compiled templates.
        render(env, ref, warm)
        result["register"] = render(env, ref, register)
        result["register"]["activities"] = sizes["register_activities"]
        result["register"]["text_chars"] = len(ACTIVITY_TEXT) * len(texts)
        result["breaches"] = measure_breach_pdf(env, sizes["breaches"])
        result.update(measure_largest(env))
    return result


# A text at the limit of the agreements' and DPIAs' texts (10,000
# characters), and of the processing activities' (4,000).
LARGEST_TEXT = ("Lorem ipsum dolor sit amet consectetur " * 260)[:9999]
LARGEST_SUBPROCESSORS = 20
LARGEST_RISKS = 20


def measure_largest(env):
    """The largest processor agreement and DPIA a DPO can print.

    The agreement: every printed text at 9,999 characters, 20 sub-processors,
    a transfer with 9,999 characters of details, its processing activity.
    The DPIA as ``test_largest_dpia_keeps_every_footer...`` of
    tests/test_gdpr_processor_reports.py builds it: 20 risks with 9,999
    characters of measures, every text at 9,999 characters. Printed as the
    administrator (a DPO).
    """
    env = env(user=env.ref("base.user_admin").id)
    text, short = LARGEST_TEXT, LARGEST_TEXT[:4000]
    register = env["gdpr.processing.register"].create(
        {"title": "Largest prints", "use_company_data": True}
    )
    activity = env["gdpr.processing.activity"].create(
        {
            "register_id": register.id,
            "name": "Lead scoring",
            "legal_basis": "f",
            "automated_decision": True,
            "automated_decision_logic": short,
            **dict.fromkeys(
                (
                    "purpose",
                    "personal_data_categories",
                    "data_subject_categories",
                    "recipient_categories",
                    "erasure_deadlines",
                ),
                short,
            ),
        }
    )
    dpo = env["res.partner"].create({"name": "Benchmark DPO"})
    dpia_texts = (
        "systematic_description",
        "necessity_proportionality",
        "data_subjects_views",
        "action_plan",
        "dpo_advice",
        "decision_reason",
    )
    dpias = env["gdpr.dpia"].create(
        [
            {
                "activity_id": activity.id,
                "risk_ids": [
                    (
                        0,
                        0,
                        {
                            "name": f"Risk {number}",
                            "likelihood": "3",
                            "severity": "3",
                            "residual_likelihood": "2",
                            "residual_severity": "2",
                            "measures": text,
                        },
                    )
                    for number in range(risks)
                ],
                "dpo_id": dpo.id,
                "date_dpo_advice": "2026-04-10",
                "decision": "approved",
                "date_review": "2027-04-01",
                **dict.fromkeys(dpia_texts, text),
            }
            for risks in (1, LARGEST_RISKS)
        ]
    )
    us = env.ref("base.us")
    basis = env.ref("crm_gdpr.gdpr_transfer_basis_art46_2c")
    processor = env["res.partner"].create({"name": "CloudHost", "is_company": True})
    subprocessors = env["res.partner"].create(
        [
            {"name": f"Sub-processor {number}", "is_company": True}
            for number in range(LARGEST_SUBPROCESSORS)
        ]
    )
    agreement_texts = (
        "subject",
        "duration",
        "nature_purpose",
        "data_categories",
        "data_subject_categories",
        "security_measures",
    )
    agreements = env["gdpr.processor.agreement"].create(
        [
            {
                "processor_id": processor.id,
                "date_signed": "2026-03-01",
                "subprocessing_authorisation": "general",
                "subprocessor_ids": [
                    (
                        0,
                        0,
                        {
                            "partner_id": sub.id,
                            "service": "Backups",
                            "country_id": us.id,
                        },
                    )
                    for sub in subs
                ],
                "transfer_ids": [
                    (0, 0, {"country_id": us.id, "basis_id": basis.id, "details": text})
                ],
                "processing_activity_ids": [(6, 0, activity.ids)],
                **dict.fromkeys(agreement_texts, text),
            }
            for subs in (subprocessors[:1], subprocessors)
        ]
    )
    env.flush_all()
    result = {}
    for key, ref, (warm, largest) in (
        ("agreement", "crm_gdpr.gdpr_processor_agreement_report", agreements),
        ("dpia", "crm_gdpr.gdpr_dpia_report", dpias),
    ):
        render(env, ref, warm)
        result[key] = render(env, ref, largest)
    return result


def measure_breach_pdf(env, count):
    if "gdpr.breach" not in env:
        return {"error": "gdpr.breach is not in this branch (breach register issue)"}
    action = env["ir.actions.report"].search(
        [("model", "=", "gdpr.breach"), ("report_type", "=", "qweb-pdf")], limit=1
    )
    if not action:
        return {"error": "no PDF report on gdpr.breach"}
    dpo = env["res.partner"].create(
        {"name": "Benchmark DPO", "email": "dpo@example.com"}
    )
    breaches = env["gdpr.breach"].create(
        [
            {
                "dpo_id": dpo.id,
                "records_count": 100 + index,
                "nature": ACTIVITY_TEXT,
                "subjects_description": ACTIVITY_TEXT,
                "consequences": ACTIVITY_TEXT,
                "measures": ACTIVITY_TEXT,
                "no_report_reason": ACTIVITY_TEXT,
            }
            for index in range(count + 1)
        ]
    )
    env.flush_all()
    render(env, action.id, breaches[:1])
    result = render(env, action.id, breaches[1:])
    result["breaches"] = count
    return result


def rows(res, row, ok):
    """The rows of the pdf measure in the bench table."""
    pdf = res["pdf"]
    reg = pdf["register"]
    row(
        f"6. Register PDF, {reg['activities']} activities "
        f"({reg['text_chars']:,} characters of text each)",
        f"{reg['seconds']:.2f} s ({reg['qweb_seconds']:.2f} s QWeb, the rest "
        f"wkhtmltopdf), {reg['pages']} pages",
        "< 10 s",
        ok(reg["seconds"] < 10),
    )
    row(
        "6. Register: wkhtmltopdf alone on its HTML, layout web font / system font",
        f"{reg['wk_webfont_s']:.2f} s / {reg['wk_system_font_s']:.2f} s",
    )
    row(
        "6. Register PDF memory: Odoo process / wkhtmltopdf",
        f"peak {reg['peak_rss_mb']:.0f} MB (before {reg['rss_before_mb']:.0f} MB)"
        f" / peak {reg['wkhtmltopdf_peak_mb']:.0f} MB",
    )
    breach = pdf["breaches"]
    if "error" in breach:
        row("6. Breach PDF", breach["error"], "< 10 s", "NOT MEASURED")
    else:
        row(
            f"6. Breach PDF, {breach['breaches']} breaches in one print",
            f"{breach['seconds']:.2f} s ({breach['qweb_seconds']:.2f} s QWeb), "
            f"{breach['pages']} pages",
            "< 10 s",
            ok(breach["seconds"] < 10),
        )
        row(
            "6. Breach PDF memory: Odoo process / wkhtmltopdf",
            f"peak {breach['peak_rss_mb']:.0f} MB / peak "
            f"{breach['wkhtmltopdf_peak_mb']:.0f} MB",
        )
    for key, label in (
        (
            "agreement",
            f"Largest processor agreement PDF ({LARGEST_SUBPROCESSORS} "
            "sub-processors, every text at 9,999 characters)",
        ),
        (
            "dpia",
            f"Largest DPIA PDF ({LARGEST_RISKS} risks, every text at 9,999 characters)",
        ),
    ):
        fig = pdf.get(key)
        if fig:
            row(
                f"6. {label}",
                f"{fig['seconds']:.2f} s ({fig['qweb_seconds']:.2f} s QWeb), "
                f"{fig['pages']} pages, wkhtmltopdf peak "
                f"{fig['wkhtmltopdf_peak_mb']:.0f} MB",
                "< 10 s",
                ok(fig["seconds"] < 10),
            )
