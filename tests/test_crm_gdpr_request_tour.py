from odoo.tests import HttpCase, new_test_user, tagged

# Not the class itself: pytest would collect its tests here a second time.
from . import test_crm_gdpr_tours as tours


@tagged("post_install", "-at_install")
class TestCrmGdprRequestTour(HttpCase):
    """The DPO answers an access request in the web client (Chromium), with
    the interface in English and in Polish, as the tours of
    ``test_crm_gdpr_tours``."""

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

    _start_tour = tours.TestCrmGdprTours._start_tour

    def _check_request_tour(self, user, tour):
        Request = self.env["gdpr.request"]
        existing = Request.search([])
        self._start_tour("/odoo/action-crm_gdpr.gdpr_request_action", tour, user)
        request = Request.search([]) - existing
        self.assertEqual(len(request), 1, "the tour registers one request")
        self.assertEqual(request.partner_id, self.partner)
        self.assertEqual(request.requester_email, "anna.kowalska@example.com")
        self.assertEqual(request.request_type, "access")
        self.assertEqual(request.description, "Please send me a copy of my data")
        self.assertEqual(request.state, "done")
        self.assertEqual(request.response, "The personal data report is enclosed")
        self.assertTrue(request.date_closed)
        self.assertEqual(request.create_uid, user)
        self.assertEqual(len(request.attachment_ids), 1, "the access report")
        # named in the language of the user who attaches it
        self.assertRegex(
            request.attachment_ids.name,
            "^(Personal data report|Raport danych osobowych) - ",
        )

    def test_tour_request(self):
        self._check_request_tour(self.user_officer, "crm_gdpr_request")

    def test_tour_request_polish(self):
        self._check_request_tour(self.user_officer_pl, "crm_gdpr_request_pl")
