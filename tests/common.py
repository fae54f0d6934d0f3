"""The fixtures of crm_gdpr's tests, one hierarchy (as ``crm/tests/common.py``).

``GdprCommon`` (users of every role, a second company, the seeded references)
is the base of every ``TransactionCase`` fixture:

- ``GdprConsentCommon``: consent givers and texts;
  ``GdprEvidenceCommon`` and ``GdprConfidentialityCommon`` build on it;
- ``GdprReliabilityCommon``: a record of every model in each company and a
  portal user; ``GdprRpcCommon`` calls them over JSON-RPC;
- ``GdprBreachCommon``, ``GdprRequestCommon``, ``GdprRegisterCommon``,
  ``GdprDpiaCommon``, ``GdprAgreementCommon``: one register each.

``GdprTourCommon`` is the base of the tours in headless Chromium.
"""

import json
import shutil
import subprocess
import tempfile
import unittest
from contextlib import contextmanager

from lxml import html

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, HttpCase, TransactionCase, new_test_user


def pdf_text(env, report_ref, records, user=None, lang="en_US", data=None):
    """Render ``report_ref`` for ``records`` with the real wkhtmltopdf.

    Returns the text of the PDF (pdftotext, in content order) with white
    space folded to single spaces. For tests of the PDF itself (its layout,
    its fonts, what fits on a page); :func:`html_text` is enough otherwise.
    """
    # force_report_rendering: a real PDF even in tests (Odoo renders HTML).
    Report = env["ir.actions.report"].with_context(
        lang=lang, force_report_rendering=True
    )
    if user:
        Report = Report.with_user(user)
    pdf, content_type = Report._render_qweb_pdf(report_ref, records.ids, data=data)
    assert content_type == "pdf" and pdf.startswith(b"%PDF"), "not a PDF"
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        text = subprocess.run(
            ["pdftotext", "-raw", handle.name, "-"],
            capture_output=True,
            check=True,
            text=True,
        ).stdout
    return " ".join(text.split())


# Elements that end a line of a printout: their text is never glued to the next.
BLOCKS = ("address", "br", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "p")
BLOCKS += ("section", "table", "td", "th", "tr")


def html_text(env, report_ref, records, user=None, lang="en_US", data=None):
    """The text of ``report_ref`` rendered to HTML for ``records``.

    What the printout says, without wkhtmltopdf: the report's QWeb rendered
    as for the PDF (``_render_qweb_html``), its text with white space folded
    to single spaces. For the content of a printout; :func:`pdf_text` where
    the PDF itself is under test.
    """
    Report = env["ir.actions.report"].with_context(lang=lang)
    if user:
        Report = Report.with_user(user)
    content, content_type = Report._render_qweb_html(report_ref, records.ids, data=data)
    assert content_type == "html", "not HTML"
    body = html.fromstring(content).find("body")
    for element in body.iter(*BLOCKS):
        element.tail = " " + (element.tail or "")
    return " ".join(body.text_content().split())


class GdprCommon(TransactionCase):
    """Users of every GDPR role and a second company, without demo data."""

    def assertRaisesRegex(self, expected_exception, expected_regex, *args, **kwargs):
        """As Odoo's ``assertRaises``: the refused operation is rolled back.

        unittest's version keeps what a failed write left in the database and
        the cache, which no request keeps (its transaction is rolled back);
        the evidence log refuses to log over such a state.
        """
        if args or kwargs:
            return super().assertRaisesRegex(
                expected_exception, expected_regex, *args, **kwargs
            )
        return self._gdpr_raises_regex(expected_exception, expected_regex)

    @contextmanager
    def _gdpr_raises_regex(self, expected_exception, expected_regex):
        with self.assertRaises(expected_exception) as context:
            yield context
        self.assertRegex(str(context.exception), expected_regex)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        # Its consent requests are sent from its own address.
        cls.company_2 = cls.env["res.company"].create(
            {"name": "GDPR Second Company", "email": "info@second.example.com"}
        )
        cls.user_internal = new_test_user(
            cls.env, login="gdpr_internal", groups="base.group_user", name="Internal"
        )
        cls.user_sales = new_test_user(
            cls.env,
            login="gdpr_sales",
            groups="sales_team.group_sale_salesman",
            name="Salesperson",
        )
        cls.user_officer = new_test_user(
            cls.env,
            login="gdpr_officer",
            groups="sales_team.group_sale_salesman,crm_gdpr.group_gdpr_officer",
            name="Data Protection Officer",
        )
        cls.user_manager = new_test_user(
            cls.env,
            login="gdpr_manager",
            groups="sales_team.group_sale_salesman,crm_gdpr.group_gdpr_manager",
            name="GDPR Manager",
        )
        cls.user_sales_2 = new_test_user(
            cls.env,
            login="gdpr_sales_2",
            groups="sales_team.group_sale_salesman",
            name="Salesperson of company 2",
            company_id=cls.company_2.id,
            company_ids=[(6, 0, cls.company_2.ids)],
        )
        # The seeded references the tests use.
        cls.category_marketing = cls.env.ref("crm_gdpr.gdpr_consent_category_marketing")
        cls.category_newsletter = cls.env.ref(
            "crm_gdpr.gdpr_consent_category_newsletter"
        )
        cls.text_marketing = cls.env.ref("crm_gdpr.gdpr_consent_text_marketing")
        cls.country_us = cls.env.ref("base.us")
        cls.basis_scc = cls.env.ref("crm_gdpr.gdpr_transfer_basis_art46_2c")


# ---------------------------------------------------------------------------
# Consents
# ---------------------------------------------------------------------------
class GdprConsentCommon(GdprCommon):
    """Consent givers and texts for the consent register tests."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.text_newsletter = cls.env.ref("crm_gdpr.gdpr_consent_text_newsletter")
        cls.category_profiling = cls.env.ref("crm_gdpr.gdpr_consent_category_profiling")
        cls.text_profiling = cls.env.ref("crm_gdpr.gdpr_consent_text_profiling")
        cls.channel_email = cls.env.ref("crm_gdpr.gdpr_channel_email")
        cls.channel_phone = cls.env.ref("crm_gdpr.gdpr_channel_phone")
        cls.channel_mobile = cls.env.ref("crm_gdpr.gdpr_channel_mobile")
        cls.reason_request = cls.env.ref("crm_gdpr.gdpr_withdrawal_reason_request")
        cls.reason_mistake = cls.env.ref("crm_gdpr.gdpr_withdrawal_reason_mistake")
        cls.category_post = cls.env["gdpr.consent.category"].create(
            {"name": "Postal offers"}
        )
        cls.terms = cls.env["ir.attachment"].create(
            {"name": "Terms.pdf", "raw": b"%PDF-1.4 terms"}
        )
        cls.text_post = cls.env["gdpr.consent.text"].create(
            {
                "name": "Offers by post and phone",
                "body": "<p>I agree to receive offers by post or phone.</p>",
                "category_id": cls.category_post.id,
                "date_start": "2020-01-01",
                "applies_to_addresses": True,
                "applies_to_contacts": True,
                "channel_ids": [
                    Command.set((cls.channel_phone | cls.channel_mobile).ids)
                ],
                "attachment_id": cls.terms.id,
                "sync_blacklist": True,
            }
        )
        cls.partner = cls.env["res.partner"].create(
            {
                "name": "Anna Kowalska",
                "email": "anna@example.com",
                "phone": "+48 22 123 45 67",
                "mobile": "+48 601 234 567",
                "lang": "en_US",
            }
        )
        cls.partner_address = cls.env["res.partner"].create(
            {
                "name": "Anna Kowalska, home",
                "type": "delivery",
                "parent_id": cls.partner.id,
                "street": "ul. Długa 1",
                "city": "Gdańsk",
            }
        )
        cls.other_partner = cls.env["res.partner"].create(
            {"name": "Jan Nowak", "email": "jan@example.com"}
        )

    @classmethod
    def _consent_vals(cls, **vals):
        """A marketing consent of :attr:`partner`, overridden by ``vals``."""
        return {
            "partner_id": cls.partner.id,
            "category_id": cls.category_marketing.id,
            "text_id": cls.text_marketing.id,
            **vals,
        }

    @classmethod
    def _create_consent(cls, **vals):
        return cls.env["gdpr.consent"].create(cls._consent_vals(**vals))


class Killed(Exception):
    """A worker killed in the middle of a batch: its transaction is lost."""


class GdprBulkJobCommon(GdprConsentCommon):
    """Background jobs above a threshold of 50 items, run as Odoo's cron does.

    Subclasses set ``crm_gdpr.bulk_job_batch_size``.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].set_param("crm_gdpr.bulk_job_threshold", "50")
        cls.Job = cls.env["gdpr.bulk.job"]

    def _partners(self, count, prefix="Giver"):
        return self.env["res.partner"].create(
            [
                {"name": f"{prefix} {i}", "email": f"{prefix.lower()}{i}@example.com"}
                for i in range(count)
            ]
        )

    def _run(self, max_batches=100):
        """Run the job runner as Odoo's cron does, one batch per call."""
        for _i in range(max_batches):
            if not self.Job.search([("state", "in", ("queued", "running"))]):
                return
            self.Job._cron_gdpr_process_jobs()

    def _consent_events(self, consents, event_type):
        return self.env["gdpr.evidence.event"].search(
            [
                ("res_model", "=", "gdpr.consent"),
                ("res_id", "in", consents.ids),
                ("event_type", "=", event_type),
            ]
        )

    def _bus_messages(self, user):
        self.env.cr.precommit.run()
        channel = json.dumps([self.env.cr.dbname, "res.partner", user.partner_id.id])
        return [
            json.loads(bus.message)
            for bus in self.env["bus.bus"].sudo().search([])
            if bus.channel.replace(" ", "") == channel.replace(" ", "")
        ]

    def _assert_job_hidden_from_other_salespeople(self, job):
        """Neither a colleague of ``job``'s user nor a salesperson of another
        company reads, resumes or finds it."""
        colleague = new_test_user(
            self.env,
            login="gdpr_sales_colleague",
            groups="sales_team.group_sale_salesman",
        )
        for user in (colleague, self.user_sales_2):
            with self.assertRaises(AccessError):
                job.with_user(user).read(["name", "state"])
            with self.assertRaises(AccessError):
                job.with_user(user).action_resume()
            self.assertFalse(self.Job.with_user(user).search([("id", "=", job.id)]))


class GdprEvidenceLogCase:
    """Reading the evidence log and tampering with it, for the classes that
    define ``_verify`` (verify_chain's result for the company)."""

    def _events(self, records):
        """The events of ``records``, in the order of the chain."""
        return self.env["gdpr.evidence.event"].search(
            [("res_model", "=", records._name), ("res_id", "in", records.ids)],
            order="sequence",
        )

    def _tampered(self, query):
        """verify_chain's mismatch after ``query``, which is rolled back."""
        self.env.flush_all()
        self.env.cr.execute("SAVEPOINT tamper")
        self.env.cr.execute(query)
        result = self._verify()
        self.env.cr.execute("ROLLBACK TO SAVEPOINT tamper")
        self.env.invalidate_all()
        self.assertFalse(result["ok"], "the change went unnoticed")
        return result["mismatch"]


class GdprEvidenceCommon(GdprEvidenceLogCase, GdprConsentCommon):
    """A consent and a breach with their evidence log, and the roles that see it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin = cls.env.ref("base.user_admin")
        cls.roles = {
            "sales": cls.user_sales,
            "officer": cls.user_officer,
            "manager": cls.user_manager,
            "admin": cls.admin,
        }
        cls.Event = cls.env["gdpr.evidence.event"]
        cls.source_phone = cls.env.ref("crm_gdpr.gdpr_consent_source_phone")
        cls.consent = cls._create_consent(
            text_id=cls.text_post.id,
            category_id=cls.category_post.id,
            date_given="2026-02-01",
            source_id=cls.source_phone.id,
        )
        cls.breach = cls.env["gdpr.breach"].create(
            {
                "dpo_id": cls.other_partner.id,
                "date_breach": "2026-03-01",
                "date_discovered": "2026-03-02 10:00:00",
                "nature": "Stolen laptop",
            }
        )

    def _verify(self, company=None):
        self.env.invalidate_all()
        (result,) = self.Event.verify_chain(company or self.company)
        return result


class GdprConfidentialityCommon(GdprConsentCommon):
    """A partner, lead, private text and consent of company 2."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env_2 = cls.env(
            context=dict(cls.env.context, allowed_company_ids=cls.company_2.ids)
        )
        cls.partner_2 = env_2["res.partner"].create(
            {
                "name": "Greta Secret",
                "email": "greta.secret@example.com",
                "company_id": cls.company_2.id,
            }
        )
        cls.text_2 = env_2["gdpr.consent.text"].create(
            {
                "name": "Company 2 private text",
                "body": "<p>Secret wording of company two.</p>",
                "category_id": cls.category_marketing.id,
                "date_start": "2020-01-01",
                "company_id": cls.company_2.id,
            }
        )
        cls.consent_2 = env_2["gdpr.consent"].create(
            {
                "partner_id": cls.partner_2.id,
                "category_id": cls.category_marketing.id,
                "text_id": cls.text_2.id,
            }
        )
        cls.user_sales_other = cls.env["res.users"].create(
            {
                "name": "Other Salesperson",
                "login": "gdpr_sales_other",
                "groups_id": [
                    Command.set(cls.env.ref("sales_team.group_sale_salesman").ids)
                ],
            }
        )
        cls.lead_other = cls.env["crm.lead"].create(
            {
                "name": "Private lead of another salesperson",
                "email_from": "hidden.lead@example.com",
                "user_id": cls.user_sales_other.id,
            }
        )

    def assertRevealsNothing(self, error, *secrets):
        message = str(error.exception)
        for secret in secrets:
            self.assertNotIn(secret, message)


# ---------------------------------------------------------------------------
# Every model, every role, JSON-RPC
# ---------------------------------------------------------------------------
# The five kinds of users of SPEC section 5, weakest first.
ROLES = ("portal", "internal", "sales", "officer", "manager")


class GdprReliabilityCommon(GdprCommon):
    """One record of every crm_gdpr model, in each company, and a portal user."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_portal = new_test_user(
            cls.env, login="gdpr_portal", groups="base.group_portal", name="Portal"
        )
        cls.users = {
            "portal": cls.user_portal,
            "internal": cls.user_internal,
            "sales": cls.user_sales,
            "officer": cls.user_officer,
            "manager": cls.user_manager,
        }
        cls.country_ch = cls.env.ref("base.ch")
        cls.giver = cls.env["res.partner"].create(
            {"name": "Ewa Zielińska", "email": "ewa@example.com"}
        )
        cls.giver_2 = cls.env["res.partner"].create(
            {"name": "Piotr Wiśniewski", "email": "piotr@example.com"}
        )
        cls.records = cls._create_company_records(cls.env, cls.giver)
        cls.records_2 = cls._create_company_records(
            cls.env(
                context=dict(cls.env.context, allowed_company_ids=cls.company_2.ids)
            ),
            cls.giver_2,
        )

    @classmethod
    def _create_company_records(cls, env, giver):
        """A record of every company-bound model in ``env.company``."""
        company = env.company
        register = env["gdpr.processing.register"].create(
            {"title": f"Register of {company.name}", "dpo_id": giver.id}
        )
        activity = env["gdpr.processing.activity"].create(
            {"register_id": register.id, "name": "Newsletter"}
        )
        records = {
            "gdpr.processing.register": register,
            "gdpr.processing.activity": activity,
            "gdpr.joint.controller": env["gdpr.joint.controller"].create(
                {"register_id": register.id, "partner_id": giver.id}
            ),
            "gdpr.transfer": env["gdpr.transfer"].create(
                {
                    "activity_id": activity.id,
                    "country_id": cls.country_us.id,
                    "basis_id": cls.basis_scc.id,
                }
            ),
            "gdpr.breach": env["gdpr.breach"].create(
                {
                    "dpo_id": giver.id,
                    "date_breach": "2026-01-05",
                    "date_discovered": "2026-01-05 10:00:00",
                    "nature": "Lost laptop",
                }
            ),
            "gdpr.request": env["gdpr.request"].create(
                {
                    "partner_id": giver.id,
                    "request_type": "access",
                    "date_received": "2026-01-05",
                }
            ),
            "gdpr.consent.request": env["gdpr.consent.request"].create(
                {"partner_id": giver.id, "company_id": company.id}
            ),
            "gdpr.consent": env["gdpr.consent"].create(
                {
                    "partner_id": giver.id,
                    "category_id": cls.category_marketing.id,
                    "text_id": cls.text_marketing.id,
                    "company_id": company.id,
                }
            ),
            "gdpr.consent.category": env["gdpr.consent.category"].create(
                {"name": "Events", "company_id": company.id}
            ),
            "gdpr.consent.source": env["gdpr.consent.source"].create(
                {"name": "Trade fair", "company_id": company.id}
            ),
            "gdpr.withdrawal.reason": env["gdpr.withdrawal.reason"].create(
                {"name": "Moved abroad", "company_id": company.id}
            ),
            "gdpr.withdrawal.source": env["gdpr.withdrawal.source"].create(
                {"name": "Letter", "company_id": company.id}
            ),
            "gdpr.transfer.basis": env["gdpr.transfer.basis"].create(
                {"name": "Local basis", "company_id": company.id}
            ),
            "gdpr.channel": env["gdpr.channel"].create(
                {"name": "Fax", "kind": "phone", "company_id": company.id}
            ),
            "gdpr.data.category": env["gdpr.data.category"].create(
                {"name": "Vehicle data", "company_id": company.id}
            ),
            "gdpr.consent.text": env["gdpr.consent.text"].create(
                {
                    "name": "Event invitations",
                    "body": "<p>I agree to receive invitations.</p>",
                    "category_id": cls.category_marketing.id,
                    "date_start": "2020-01-01",
                    "company_id": company.id,
                }
            ),
        }
        # A notice nobody was informed of (deletable by the manager), and a
        # record of another notice.
        notices = env["gdpr.information.notice"].create(
            [
                {
                    "name": f"Notice of {company.name}",
                    "body": "<p>How we process your data.</p>",
                    "date_start": "2020-01-01",
                    "company_id": company.id,
                }
                for _i in range(2)
            ]
        )
        records["gdpr.information.notice"] = notices[0]
        records["gdpr.information.record"] = env["gdpr.information.record"].create(
            {
                "partner_id": giver.id,
                "notice_id": notices[1].id,
                "method": "in_person",
                "company_id": company.id,
            }
        )
        # A background job launched by the salesperson.
        records["gdpr.bulk.job"] = env["gdpr.bulk.job"].create(
            {
                "name": f"Grant in {company.name}",
                "job_type": "consent_grant",
                "user_id": cls.user_sales.id,
            }
        )
        agreement = env["gdpr.processor.agreement"].create(
            {"processor_id": giver.id, "subject": "Hosting"}
        )
        records["gdpr.processor.agreement"] = agreement
        records["gdpr.processor.subprocessor"] = env[
            "gdpr.processor.subprocessor"
        ].create({"agreement_id": agreement.id, "partner_id": giver.id})
        records["gdpr.processor.transfer"] = env["gdpr.processor.transfer"].create(
            {
                "agreement_id": agreement.id,
                "country_id": cls.country_us.id,
                "basis_id": cls.basis_scc.id,
            }
        )
        records["gdpr.processor.controller"] = env["gdpr.processor.controller"].create(
            {"register_id": register.id, "partner_id": giver.id}
        )
        dpia = env["gdpr.dpia"].create({"activity_id": activity.id})
        records["gdpr.dpia"] = dpia
        records["gdpr.dpia.risk"] = env["gdpr.dpia.risk"].create(
            {"dpia_id": dpia.id, "name": "Leak", "likelihood": "2", "severity": "3"}
        )
        # The evidence log of the company's consent and breach.
        records["gdpr.evidence.event"] = env["gdpr.evidence.event"].search(
            [("company_id", "=", company.id)], limit=1
        )
        records["gdpr.evidence.chain"] = env["gdpr.evidence.chain"].search(
            [("company_id", "=", company.id)]
        )
        return records


class GdprRpcCommon(HttpCase, GdprReliabilityCommon):
    """JSON-RPC calls of ``/web/dataset/call_kw`` as a logged-in user."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for user in cls.users.values():
            user.password = f"{user.login}-Pa55!"

    def _login(self, user):
        self.authenticate(user.login, f"{user.login}-Pa55!")

    def call_kw(self, model, method, args, kwargs=None):
        """The decoded JSON-RPC answer: ``{"result": ...}`` or ``{"error": ...}``."""
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "id": 1,
            "params": {
                "model": model,
                "method": method,
                "args": args,
                "kwargs": kwargs or {},
            },
        }
        response = self.url_open(
            "/web/dataset/call_kw",
            data=json.dumps(payload),
            headers={"Content-Type": "application/json"},
        )
        self.assertEqual(response.status_code, 200)
        return response.json()

    def assertRpcError(self, answer, *names):
        """The call failed with one of Odoo's own, translated exceptions."""
        self.assertIn("error", answer, f"the call was accepted: {answer}")
        name = answer["error"]["data"]["name"]
        self.assertIn(
            name,
            [f"odoo.exceptions.{n}" for n in names],
            f"unclean error {name}: {answer['error']['data']['message']}",
        )
        return answer["error"]["data"]["message"]


# ---------------------------------------------------------------------------
# Breaches, requests, registers, DPIAs, processor agreements
# ---------------------------------------------------------------------------
TZ = "Europe/Warsaw"
REMINDER = "crm_gdpr.mail_activity_type_gdpr_breach_deadline"


class GdprBreachCommon(GdprCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.partner_id.tz = TZ
        cls.company_2.partner_id.tz = TZ
        cls.user_officer.tz = TZ
        cls.dpo = cls.env["res.partner"].create(
            {
                "name": "Anna Inspektor",
                "email": "iod@example.com",
                "phone": "+48 22 123 45 67",
                "street": "ul. Prosta 1",
                "city": "Warszawa",
                "zip": "00-001",
            }
        )
        cls.Breach = cls.env["gdpr.breach"].with_user(cls.user_officer)

    def _assert_refused(self, breach, vals, regex):
        """``breach.write(vals)`` is refused; the environment is cleaned up
        as after a failed request (rolled back, caches cleared)."""
        with self.assertRaisesRegex(ValidationError, regex), self.cr.savepoint():
            breach.write(vals)
        self.env.clear()

    def _create_breach(self, **vals):
        values = {
            "dpo_id": self.dpo.id,
            "date_breach": "2026-03-01",
            "date_discovered": "2026-03-02 09:00:00",
            # what every notification says, even a first one
            "nature": "Laptop stolen",
            "risk_level": "risk",
        }
        values.update(vals)
        breach = self.Breach.create(values)
        # compute the stored fields now, at the (possibly frozen) current time
        breach.flush_recordset()
        return breach


ACTIVITY_TYPE = "crm_gdpr.mail_activity_type_gdpr_request_due"


class GdprRequestCommon(GdprCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.country_id = cls.env.ref("base.pl")
        cls.person = cls.env["res.partner"].create(
            {
                "name": "Ewa Nowak",
                "email": "ewa.nowak@example.com",
                "phone": "+48 600 100 200",
                "street": "ul. Lipowa 3",
                "city": "Kraków",
                "zip": "30-001",
            }
        )
        cls.Request = cls.env["gdpr.request"].with_user(cls.user_officer)

    def _create(self, **vals):
        values = {
            "partner_id": self.person.id,
            "request_type": "access",
            "date_received": "2026-03-10",
        }
        values.update(vals)
        return self.Request.create(values)

    def _reminders(self, request):
        return request.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref(ACTIVITY_TYPE)
        )


REGISTER_MODELS = [
    "gdpr.processing.register",
    "gdpr.joint.controller",
    "gdpr.processing.activity",
    "gdpr.transfer",
]


class GdprRegisterCommon(GdprCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_officer_2 = new_test_user(
            cls.env,
            login="gdpr_officer_2",
            groups="sales_team.group_sale_salesman,crm_gdpr.group_gdpr_officer",
            name="Officer of company 2",
            company_id=cls.company_2.id,
            company_ids=[(6, 0, cls.company_2.ids)],
        )
        Partner = cls.env["res.partner"]
        cls.controller = Partner.create(
            {"name": "Acme Holding S.A.", "is_company": True, "city": "Warszawa"}
        )
        cls.controller_office = Partner.create(
            {
                "name": "Registered office",
                "type": "other",
                "parent_id": cls.controller.id,
                "street": "ul. Prosta 1",
                "city": "Poznań",
            }
        )
        cls.controller_old_office = Partner.create(
            {
                "name": "Former office",
                "type": "other",
                "parent_id": cls.controller.id,
                "active": False,
            }
        )
        cls.dpo = Partner.create({"name": "Jan Nowak", "city": "Gdańsk"})
        cls.stranger = Partner.create({"name": "Unrelated Person"})
        cls.basis_adequacy = cls.env.ref("crm_gdpr.gdpr_transfer_basis_art45")

    @classmethod
    def _create_register(cls, **vals):
        return cls.env["gdpr.processing.register"].create(
            {"controller_id": cls.controller.id, **vals}
        )

    @classmethod
    def _create_activity(cls, register, **vals):
        return cls.env["gdpr.processing.activity"].create(
            {"register_id": register.id, "name": "Customer management", **vals}
        )


class GdprDpiaCommon(GdprCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.register = cls.env["gdpr.processing.register"].create(
            {"title": "Customer data"}
        )
        cls.activity = cls.env["gdpr.processing.activity"].create(
            {
                "register_id": cls.register.id,
                "name": "Lead scoring",
                "purpose": "Ranking leads",
                "legal_basis": "f",
                "automated_decision": True,
                "automated_decision_logic": "A score from the contacts.",
            }
        )
        cls.dpo = cls.env["res.partner"].create({"name": "Anna Inspektor"})
        cls.Dpia = cls.env["gdpr.dpia"].with_user(cls.user_officer)

    def _create(self, risks=None, **vals):
        if risks is None:
            risks = [("2", "3", "1", "3")]
        return self.Dpia.create(
            {
                "activity_id": self.activity.id,
                "systematic_description": "The CRM scores each lead.",
                "necessity_proportionality": "Only business contact data.",
                "risk_ids": [
                    (
                        0,
                        0,
                        {
                            "name": f"Risk {number}",
                            "likelihood": likelihood,
                            "severity": severity,
                            "residual_likelihood": residual_likelihood or False,
                            "residual_severity": residual_severity or False,
                        },
                    )
                    for number, (
                        likelihood,
                        severity,
                        residual_likelihood,
                        residual_severity,
                    ) in enumerate(risks, start=1)
                ],
                "dpo_id": self.dpo.id,
                "dpo_advice": "The processing may go ahead.",
                "date_dpo_advice": "2026-04-10",
                "decision": "approved",
                "date_review": "2027-04-01",
                **vals,
            }
        )


CLAUSES = {
    "clause_a_instructions": True,
    "clause_b_confidentiality": True,
    "clause_c_security": True,
    "clause_d_subprocessors": True,
    "clause_e_data_subject_rights": True,
    "clause_f_controller_obligations": True,
    "clause_g_deletion_return": True,
    "clause_h_audits": True,
}


class GdprAgreementCommon(GdprCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.processor = cls.env["res.partner"].create(
            {"name": "CloudHost Sp. z o.o.", "is_company": True}
        )
        cls.subprocessor = cls.env["res.partner"].create(
            {"name": "Example Cloud Inc.", "is_company": True}
        )
        cls.country_de = cls.env.ref("base.de")
        cls.Agreement = cls.env["gdpr.processor.agreement"].with_user(cls.user_officer)

    def _create(self, **vals):
        return self.Agreement.create(
            {
                "processor_id": self.processor.id,
                "date_signed": "2026-03-01",
                "subject": "Hosting of the CRM",
                **vals,
            }
        )

    def _with_us_subprocessor(self, **vals):
        return self._create(
            subprocessing_authorisation="general",
            subprocessor_ids=[
                (
                    0,
                    0,
                    {
                        "partner_id": self.subprocessor.id,
                        "service": "Backups",
                        "country_id": self.country_us.id,
                    },
                )
            ],
            transfer_ids=[
                (
                    0,
                    0,
                    {"country_id": self.country_us.id, "basis_id": self.basis_scc.id},
                )
            ],
            **vals,
        )

    def _terminate(self, agreement, date=None, reason="The hosting contract ended."):
        """Terminate ``agreement`` as the officer does: the Terminate button's
        dialog."""
        action = agreement.action_terminate()
        wizard = Form(
            self.env[action["res_model"]]
            .with_user(self.user_officer)
            .with_context(**action["context"])
        )
        if date:
            wizard.date_terminated = date
        wizard.termination_reason = reason
        return wizard.save().action_terminate()


# ---------------------------------------------------------------------------
# Tours
# ---------------------------------------------------------------------------
# The executables Odoo's browser tests look for.
CHROME_EXECUTABLES = (
    "google-chrome",
    "chromium",
    "chromium-browser",
    "google-chrome-stable",
)


class GdprTourCommon(HttpCase):
    """Tours in headless Chromium with the interface in English and Polish.

    Loads the Polish terms of the screens the tours go through and creates an
    officer per language and the person of the tours. A tour that cannot start
    its browser fails instead of being skipped: these tests are the proof that
    the screens work.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("pl_PL")
        cls.env["ir.module.module"]._load_module_terms(
            ["base", "web", "mail", "sales_team", "crm", "crm_gdpr"], ["pl_PL"]
        )
        officer_groups = "sales_team.group_sale_salesman,crm_gdpr.group_gdpr_officer"
        cls.user_officer = new_test_user(
            cls.env, login="tour_officer", groups=officer_groups, name="Tour Officer"
        )
        cls.user_officer_pl = new_test_user(
            cls.env,
            login="tour_officer_pl",
            groups=officer_groups,
            name="Inspektor",
            lang="pl_PL",
        )
        cls.partner = cls.env["res.partner"].create(
            {"name": "Anna Kowalska", "email": "anna.kowalska@example.com"}
        )

    def _start_tour(self, url, tour, user):
        if not any(shutil.which(name) for name in CHROME_EXECUTABLES):
            self.fail(
                "Chromium is needed to run the tours: install Debian's `chromium` "
                "package (.ci/run does)."
            )
        try:
            self.start_tour(url, tour, login=user.login)
        except unittest.SkipTest as error:
            # Odoo skips browser tests when Chromium cannot start: here a tour
            # that does not run is a failure, not a silent skip.
            self.fail(f"The tour {tour} could not run in Chromium: {error}")
