from odoo.tests import tagged

from .common import GdprTourCommon


@tagged("post_install", "-at_install")
class TestCrmGdprRequestTour(GdprTourCommon):
    """The DPO answers an access request in the web client (Chromium), with
    the interface in English and in Polish, as the tours of
    ``test_crm_gdpr_tours``."""

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
