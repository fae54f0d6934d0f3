from odoo.tests import new_test_user, tagged

from .common import GdprTourCommon


@tagged("post_install", "-at_install")
class TestCrmGdprSalesTour(GdprTourCommon):
    """A salesperson about to write a marketing e-mail to a lead without
    consent is warned, and sends the information notice instead (SPEC 13)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        groups = "sales_team.group_sale_salesman"
        cls.user_sales = new_test_user(
            cls.env, login="tour_notice_sales", groups=groups, name="Salesperson"
        )
        cls.user_sales_pl = new_test_user(
            cls.env,
            login="tour_notice_sales_pl",
            groups=groups,
            name="Handlowiec",
            lang="pl_PL",
        )
        cls.notice = cls.env["gdpr.information.notice"].create(
            {
                "name": "Information on the processing of personal data",
                "body": "<p>We process your data to answer your enquiries.</p>",
            }
        )

    def _check_tour(self, user, tour):
        lead = self.env["crm.lead"].create(
            {
                "name": "Spring offer",
                "type": "opportunity",
                "partner_id": self.partner.id,
                "user_id": user.id,
            }
        )
        self._start_tour(f"/odoo/crm/{lead.id}", tour, user)
        record = self.env["gdpr.information.record"].search([("lead_id", "=", lead.id)])
        self.assertEqual(len(record), 1)
        self.assertEqual(record.partner_id, self.partner)
        self.assertEqual(record.notice_id, self.notice)
        self.assertEqual(record.method, "email")
        self.assertEqual(record.create_uid, user)
        self.assertTrue(
            self.env["mail.mail"].search(
                [
                    ("model", "=", "gdpr.information.record"),
                    ("res_id", "=", record.id),
                ]
            )
        )
        # The marketing e-mail was discarded: nothing was posted on the lead.
        self.assertEqual(
            self.env["mail.message"].search_count(
                [
                    ("model", "=", "crm.lead"),
                    ("res_id", "=", lead.id),
                    ("message_type", "=", "comment"),
                ]
            ),
            0,
        )

    def test_tour_information_notice(self):
        self._check_tour(self.user_sales, "crm_gdpr_information_notice")

    def test_tour_information_notice_polish(self):
        self._check_tour(self.user_sales_pl, "crm_gdpr_information_notice_pl")
