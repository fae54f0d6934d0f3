import shutil
import subprocess
import tempfile
import unittest
from contextlib import contextmanager

from odoo.tests import HttpCase, TransactionCase, new_test_user


def pdf_text(env, report_ref, records, user=None, lang="en_US", data=None):
    """Render ``report_ref`` for ``records`` with the real wkhtmltopdf.

    Returns the text of the PDF (pdftotext, in content order) with white
    space folded to single spaces.
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
        cls.company_2 = cls.env["res.company"].create({"name": "GDPR Second Company"})
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
        cls.category_marketing = cls.env.ref("crm_gdpr.gdpr_consent_category_marketing")
        cls.category_newsletter = cls.env.ref(
            "crm_gdpr.gdpr_consent_category_newsletter"
        )


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
