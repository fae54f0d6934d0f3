#!/usr/bin/env python3
"""``make screenshots``: pictures of crm_gdpr's main screens and printouts.

Creates a fresh demo database, starts Odoo on it, drives a headless Chromium
with Odoo's own test browser (``odoo.tests.common.ChromeBrowser``, the one
the tours run in) to capture the main forms, downloads the PDF reports and
converts their first page, and saves every picture as a PNG in ``docs/``.
Needs what ``make demo`` needs, plus Debian's ``chromium`` and
``poppler-utils`` packages and the ``websocket-client`` and ``requests``
Python packages (both come with Odoo's requirements).
"""

import argparse
import base64
import json
import logging
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import dev  # noqa: E402  (tools/dev.py, next to this file)

DOCS = dev.ROOT / "docs"
DESCRIPTION = dev.ROOT / "static" / "description"
DESCRIPTION_PICTURES = (
    "consent_form",
    "processing_register_form",
    "breach_form",
    "request_form",
)
WIDTH, HEIGHT = 1400, 900
# The executables Odoo's test browser looks for.
CHROME_EXECUTABLES = (
    "google-chrome",
    "chromium",
    "chromium-browser",
    "google-chrome-stable",
)


# ---------------------------------------------------------------------------
# What is captured
# ---------------------------------------------------------------------------
# (file name, URL path of the record's action, XML id of a demo record,
#  notebook page to open or None)
SCREENS = [
    (
        "consent_form",
        "action-crm_gdpr.gdpr_consent_action",
        "crm_gdpr.gdpr_consent_newsletter_demo",
        None,
    ),
    (
        "partner_consents_tab",
        "contacts",
        "base.res_partner_12",
        "gdpr_consents",
    ),
    (
        "processing_register_form",
        "action-crm_gdpr.gdpr_processing_register_action",
        "crm_gdpr.gdpr_processing_register_demo",
        None,
    ),
    (
        "processing_activity_transfers",
        "action-crm_gdpr.gdpr_processing_activity_action",
        "crm_gdpr.gdpr_processing_activity_newsletter_demo",
        "transfers",
    ),
    (
        "breach_form",
        "action-crm_gdpr.gdpr_breach_action",
        "crm_gdpr.gdpr_breach_laptop_demo",
        None,
    ),
    (
        "request_form",
        "action-crm_gdpr.gdpr_request_action",
        "crm_gdpr.gdpr_request_access_demo",
        "answer",
    ),
    (
        "lead_gdpr_status",
        "crm",
        "crm.crm_case_19",
        None,
    ),
    (
        "processor_agreement_form",
        "action-crm_gdpr.gdpr_processor_agreement_action",
        "crm_gdpr.gdpr_processor_agreement_demo",
        "subprocessing",
    ),
    (
        "dpia_form",
        "action-crm_gdpr.gdpr_dpia_action",
        "crm_gdpr.gdpr_dpia_demo",
        "risks",
    ),
]
# (file name, XML id of a demo lead, XML id of a mail template of a consent
#  category): the e-mail composer opened on the lead with the template.
COMPOSERS = [
    (
        "composer_consent_warning",
        "crm.crm_case_20",
        "crm_gdpr.mail_template_spring_offer_demo",
    ),
]
# (file name, report XML id, XML id of a demo record)
PRINTOUTS = [
    (
        "processing_register_pdf",
        "crm_gdpr.action_report_gdpr_processing_register",
        "crm_gdpr.gdpr_processing_register_demo",
    ),
    (
        "partner_personal_data_pdf",
        "crm_gdpr.action_report_partner_personal_data",
        "base.res_partner_12",
    ),
    (
        "breach_pdf",
        "crm_gdpr.gdpr_breach_report",
        "crm_gdpr.gdpr_breach_laptop_demo",
    ),
    (
        "request_response_pdf",
        "crm_gdpr.gdpr_request_report_response",
        "crm_gdpr.gdpr_request_access_demo",
    ),
    (
        "processor_agreement_pdf",
        "crm_gdpr.gdpr_processor_agreement_report",
        "crm_gdpr.gdpr_processor_agreement_demo",
    ),
    (
        "dpia_pdf",
        "crm_gdpr.gdpr_dpia_report",
        "crm_gdpr.gdpr_dpia_demo",
    ),
]


# The public pages (SPEC section 10), as the person sees them on a phone:
# (file name, "preferences" or "request").
PUBLIC_PAGES = [
    ("preferences_page", "preferences"),
    ("consent_confirmation_page", "request"),
]
PHONE_WIDTH, PHONE_HEIGHT = 390, 844
# The demo person whose pages are captured.
PUBLIC_PARTNER = "base.res_partner_12"


# ---------------------------------------------------------------------------
# Odoo over JSON-RPC
# ---------------------------------------------------------------------------
class Odoo:
    def __init__(self, url, db, login, password):
        import requests  # Odoo's own dependency

        self.url = url
        self.session = requests.Session()
        response = self.session.post(
            f"{url}/web/session/authenticate",
            json={"params": {"db": db, "login": login, "password": password}},
            timeout=120,
        )
        response.raise_for_status()
        if response.json().get("error"):
            dev.die(f"cannot log in as {login}: {response.json()['error']}")
        self.session_id = self.session.cookies["session_id"]

    def call(self, model, method, *args, **kwargs):
        response = self.session.post(
            f"{self.url}/web/dataset/call_kw",
            json={
                "params": {
                    "model": model,
                    "method": method,
                    "args": list(args),
                    "kwargs": kwargs,
                }
            },
            timeout=300,
        )
        response.raise_for_status()
        payload = response.json()
        if payload.get("error"):
            raise RuntimeError(payload["error"]["data"]["message"])
        return payload["result"]

    def record_id(self, xmlid):
        """The database id of the record ``xmlid``; dies if there is none."""
        module, name = xmlid.split(".")
        rows = self.call(
            "ir.model.data",
            "search_read",
            [("module", "=", module), ("name", "=", name)],
            ["res_id"],
        )
        if not rows:
            dev.die(f"the record {xmlid} is missing from the demo database")
        return rows[0]["res_id"]


# ---------------------------------------------------------------------------
# Chromium over the DevTools protocol
# ---------------------------------------------------------------------------
def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_http(url, timeout=120):
    import requests

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=5).status_code < 500:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    dev.die(f"{url} did not answer within {timeout} s")


class _ScreenshotCase:
    """What Odoo's test browser asks of the test case driving it."""

    _logger = logging.getLogger("crm_gdpr.screenshots")
    browser_size = f"{WIDTH}x{HEIGHT}"
    touch_enabled = False
    allow_end_on_form = False

    def __init__(self):
        from odoo.tests.common import HttpCase  # noqa: PLC0415

        # Requests leaving the server get Odoo's answer in tests (a 404).
        self.fetch_proxy = HttpCase.fetch_proxy.__get__(self)
        self.make_fetch_proxy_response = HttpCase.make_fetch_proxy_response.__get__(
            self
        )


class Browser:
    """Headless Chromium driven by Odoo's test browser (``ChromeBrowser``).

    The one HttpCase tours run in, here on a server of its own: it starts
    Chromium, talks the DevTools protocol and waits as the tours do.
    """

    def __init__(self, db):
        from odoo.tools import config  # noqa: PLC0415

        # This process uses Odoo's test framework on purpose (Odoo logs an
        # error when it is imported outside tests); the browser names its
        # threads and failure pictures after the database.
        config["test_enable"] = True
        config["db_name"] = db
        from odoo.tests.common import ChromeBrowser  # noqa: PLC0415

        self.chrome = ChromeBrowser(_ScreenshotCase())
        self.send("Emulation.setScrollbarsHidden", hidden=True)

    def send(self, method, **params):
        return self.chrome._websocket_request(method, params=params, timeout=60)

    def navigate(self, url):
        self.chrome.navigate_to(url)

    def set_cookie(self, name, value):
        self.chrome.set_cookie(name, value, "/", "127.0.0.1")

    def evaluate(self, expression):
        result = self.send(
            "Runtime.evaluate", expression=expression, returnByValue=True
        )
        return result.get("result", {}).get("value")

    def wait_for(self, expression, timeout=60):
        if not self.chrome._wait_ready(expression, timeout=timeout):
            raise RuntimeError(f"timeout waiting for {expression}")

    def screenshot(self, path):
        data = self.send("Page.captureScreenshot", format="png")["data"]
        path.write_bytes(base64.b64decode(data))

    def close(self):
        self.chrome.stop()


# The web client is idle: a form is shown and nothing is loading any more.
FORM_READY = (
    "!!document.querySelector('.o_form_view .o_form_renderer') && "
    "!document.querySelector('.o_loading_indicator, .o_view_nocontent') && "
    "document.readyState === 'complete'"
)


def capture_screen(browser, odoo, name, action_path, record_id, page):
    browser.navigate(f"{odoo.url}/odoo/{action_path}/{record_id}")
    browser.wait_for(FORM_READY)
    if page:
        browser.evaluate(
            f"document.querySelector('.o_notebook a.nav-link[name={page}]').click()"
        )
        browser.wait_for(
            f"!!document.querySelector('.o_notebook a.nav-link.active[name={page}]')"
        )
    # Fonts, images and the chatter finish loading.
    time.sleep(1.5)
    path = DOCS / f"{name}.png"
    browser.screenshot(path)
    return path


def capture_composer(browser, odoo, name, lead_id, template_id):
    """The e-mail composer over the lead's form, opened with the template."""
    browser.navigate(f"{odoo.url}/odoo/crm/{lead_id}")
    browser.wait_for(FORM_READY)
    action = {
        "type": "ir.actions.act_window",
        "res_model": "mail.compose.message",
        "views": [[False, "form"]],
        "target": "new",
        "context": {
            "default_composition_mode": "comment",
            "default_model": "crm.lead",
            "default_res_ids": [lead_id],
            "default_template_id": template_id,
        },
    }
    browser.evaluate(
        f"odoo.__WOWL_DEBUG__.root.env.services.action.doAction({json.dumps(action)})"
    )
    browser.wait_for("!!document.querySelector('.modal .o_gdpr_composer_warning')")
    time.sleep(1.5)
    path = DOCS / f"{name}.png"
    browser.screenshot(path)
    return path


def public_urls(odoo, lang):
    """The signed links of the demo person's preference page and of a new
    consent request (the HMAC of the database secret, as the mails carry)."""
    import hashlib  # noqa: PLC0415
    import hmac  # noqa: PLC0415

    secret = odoo.call("ir.config_parameter", "get_param", "database.secret")

    def sign(scope, message):
        return hmac.new(
            secret.encode(), repr((scope, message)).encode(), hashlib.sha256
        ).hexdigest()

    partner_id = odoo.record_id(PUBLIC_PARTNER)
    company_id = odoo.call("res.company", "search", [], limit=1)[0]
    odoo.call("res.partner", "write", [partner_id], {"lang": lang})
    newsletter = odoo.record_id("crm_gdpr.gdpr_consent_text_newsletter")
    profiling = odoo.record_id("crm_gdpr.gdpr_consent_text_profiling")
    odoo.call("gdpr.consent.text", "write", [newsletter, profiling], {"public": True})
    wizard = odoo.call(
        "gdpr.consent.request.wizard",
        "create",
        {"partner_ids": [(6, 0, [partner_id])], "text_ids": [(6, 0, [profiling])]},
    )
    odoo.call("gdpr.consent.request.wizard", "action_send", [wizard])
    request_id = odoo.call(
        "gdpr.consent.request",
        "search",
        [("partner_id", "=", partner_id)],
        limit=1,
        order="id desc",
    )[0]
    token = sign("crm_gdpr-preferences", (partner_id, company_id))
    return {
        "preferences": f"{odoo.url}/gdpr/preferences/{partner_id}/{token}"
        f"?company_id={company_id}",
        "request": f"{odoo.url}/gdpr/consent/{request_id}/"
        + sign("crm_gdpr-consent-request", request_id),
    }


def capture_public_page(browser, name, url):
    """A public page on a phone screen, as the person sees it."""
    browser.send(
        "Emulation.setDeviceMetricsOverride",
        width=PHONE_WIDTH,
        height=PHONE_HEIGHT,
        deviceScaleFactor=1,
        mobile=True,
    )
    try:
        browser.navigate(url)
        browser.wait_for(
            "!!document.querySelector('.o_gdpr_public') && "
            "document.readyState === 'complete'"
        )
        time.sleep(1.5)
        path = DOCS / f"{name}.png"
        browser.screenshot(path)
    finally:
        browser.send(
            "Emulation.setDeviceMetricsOverride",
            width=WIDTH,
            height=HEIGHT,
            deviceScaleFactor=1,
            mobile=False,
        )
    return path


def capture_printout(odoo, name, report_xmlid, record_id):
    report_id = odoo.record_id(report_xmlid)
    report_name = odoo.call("ir.actions.report", "read", [report_id], ["report_name"])[
        0
    ]["report_name"]
    response = odoo.session.get(
        f"{odoo.url}/report/pdf/{report_name}/{record_id}", timeout=300
    )
    response.raise_for_status()
    if not response.content.startswith(b"%PDF"):
        dev.die(f"{report_xmlid} did not render a PDF")
    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / "report.pdf"
        pdf.write_bytes(response.content)
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile"]
            + [str(pdf), str(Path(tmp) / "page")],
            check=True,
        )
        path = DOCS / f"{name}.png"
        shutil.copyfile(Path(tmp) / "page.png", path)
    return path


def copy_template_filestore(template, db):
    """Give ``db`` the files of the template database it was copied from.

    ``createdb -T`` copies the tables, not the filestore: without this the
    company logo, the avatars and the other attachments of the template are
    missing from the screens and the printouts. dev.py installs the template
    under a ``_tmp`` name and renames the database only, so its files may be
    under that name.
    """
    probe = "import sys, odoo.tools.config as c; print(c.filestore(sys.argv[1]))"

    def filestore(name):
        return Path(
            subprocess.run(
                [sys.executable, "-c", probe, name],
                capture_output=True,
                text=True,
                check=True,
            ).stdout.strip()
        )

    target = filestore(db)
    for source in (filestore(template), filestore(f"{template}_tmp")):
        if source.is_dir():
            shutil.copytree(source, target, dirs_exist_ok=True)


def capture_all(browser, odoo, lang, suffix, wanted):
    """Every picture whose name is ``wanted``: composers, screens, the public
    pages and the printouts. Returns the paths saved."""
    saved = []
    for name, lead_xmlid, template_xmlid in COMPOSERS:
        if not wanted(name):
            continue
        saved.append(
            capture_composer(
                browser,
                odoo,
                name + suffix,
                odoo.record_id(lead_xmlid),
                odoo.record_id(template_xmlid),
            )
        )
        dev.say(f"saved {saved[-1].relative_to(dev.ROOT)}")
    for name, action_path, xmlid, page in SCREENS:
        if not wanted(name):
            continue
        record_id = odoo.record_id(xmlid)
        saved.append(
            capture_screen(browser, odoo, name + suffix, action_path, record_id, page)
        )
        dev.say(f"saved {saved[-1].relative_to(dev.ROOT)}")
    urls = public_urls(odoo, lang)
    for name, page in PUBLIC_PAGES:
        if not wanted(name):
            continue
        saved.append(capture_public_page(browser, name + suffix, urls[page]))
        dev.say(f"saved {saved[-1].relative_to(dev.ROOT)}")
    for name, report_xmlid, xmlid in PRINTOUTS:
        if not wanted(name):
            continue
        record_id = odoo.record_id(xmlid)
        saved.append(capture_printout(odoo, name + suffix, report_xmlid, record_id))
        dev.say(f"saved {saved[-1].relative_to(dev.ROOT)}")
    return saved


def set_language(odoo, lang):
    """Give the administrator ``lang``, activated with its terms loaded, as
    Settings does."""
    if lang != "en_US":
        lang_ids = odoo.call(
            "res.lang",
            "search",
            [("code", "=", lang), ("active", "in", [True, False])],
        )
        wizard = odoo.call(
            "base.language.install", "create", {"lang_ids": [(6, 0, lang_ids)]}
        )
        odoo.call("base.language.install", "lang_install", [wizard])
    admin_id = odoo.call("res.users", "search", [("login", "=", "admin")])[0]
    odoo.call("res.users", "write", [admin_id], {"lang": lang})


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", default="crm_gdpr_screenshots")
    parser.add_argument(
        "--lang",
        default="en_US",
        help="interface language, e.g. pl_PL (the file names get a _pl_PL suffix)",
    )
    parser.add_argument(
        "--keep-db", action="store_true", help="reuse the database if it exists"
    )
    parser.add_argument(
        "--only", default="", help="comma-separated picture names (default: all)"
    )
    args = parser.parse_args()
    if not any(shutil.which(name) for name in CHROME_EXECUTABLES):
        dev.die("Chromium is missing: install Debian's `chromium` package.")
    if not shutil.which("pdftoppm"):
        dev.die("pdftoppm is missing: install Debian's `poppler-utils` package.")
    start = time.monotonic()
    version, odoo_addons = dev.odoo_info()
    env = dev.ensure_postgres()
    path = dev.addons_path(odoo_addons)
    if not args.keep_db or not dev.db_exists(env, args.db):
        dev.fresh_db(env, path, version, args.db, demo=True)
        copy_template_filestore(dev.template(env, path, version, True), args.db)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = (dev.BUILD / "screenshots-odoo.log").open("w")
    server = subprocess.Popen(
        dev.odoo_cmd(
            path,
            args.db,
            "--http-port",
            str(port),
            "--http-interface",
            "127.0.0.1",
            "--workers=0",
            "--max-cron-threads=0",
        ),
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    browser = None
    saved = []
    try:
        wait_http(f"{url}/web/login")
        odoo = Odoo(url, args.db, "admin", "admin")
        # wkhtmltopdf fetches the report's styles from this address.
        odoo.call("ir.config_parameter", "set_param", "web.base.url", url)
        set_language(odoo, args.lang)
        DOCS.mkdir(exist_ok=True)
        browser = Browser(args.db)
        browser.set_cookie("session_id", odoo.session_id)
        suffix = "" if args.lang == "en_US" else f"_{args.lang}"
        only = set(filter(None, args.only.split(",")))

        def wanted(name):
            return not only or name in only

        saved.extend(capture_all(browser, odoo, args.lang, suffix, wanted))
    finally:
        if browser:
            browser.close()
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
    if args.lang == "en_US":
        # The Apps page of the addon (static/description/index.html) shows these.
        for name in DESCRIPTION_PICTURES:
            shutil.copyfile(DOCS / f"{name}.png", DESCRIPTION / f"{name}.png")
    dev.say(f"{len(saved)} pictures in docs/ in {time.monotonic() - start:.0f} s")


if __name__ == "__main__":
    main()
