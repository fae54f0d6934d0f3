from odoo.tests import tagged

from .common import GdprTourCommon


@tagged("post_install", "-at_install")
class TestCrmGdprProcessorTour(GdprTourCommon):
    """The DPO records a processor agreement with a sub-processor in the
    United States under standard contractual clauses, puts it in force and
    prints it, in Chromium, in English and in Polish."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.processor = cls.env["res.partner"].create(
            {"name": "Tour Hosting Sp. z o.o.", "is_company": True}
        )
        cls.subprocessor = cls.env["res.partner"].create(
            {"name": "Tour Backups Inc.", "is_company": True}
        )

    def _check_agreement_tour(self, user, tour):
        Agreement = self.env["gdpr.processor.agreement"]
        existing = Agreement.search([])
        self._start_tour(
            "/odoo/action-crm_gdpr.gdpr_processor_agreement_action", tour, user
        )
        agreement = Agreement.search([]) - existing
        self.assertEqual(len(agreement), 1, "the tour records one agreement")
        self.assertEqual(agreement.processor_id, self.processor)
        self.assertEqual(agreement.state, "in_force")
        self.assertTrue(agreement.date_signed)
        self.assertEqual(agreement.subject, "Hosting of the CRM and its backups")
        self.assertTrue(agreement.clauses_complete)
        self.assertEqual(agreement.subprocessing_authorisation, "general")
        us = self.env.ref("base.us")
        self.assertEqual(agreement.subprocessor_ids.partner_id, self.subprocessor)
        self.assertEqual(agreement.subprocessor_ids.country_id, us)
        transfer = agreement.transfer_ids
        self.assertEqual(transfer.country_id, us)
        self.assertEqual(
            transfer.basis_id, self.env.ref("crm_gdpr.gdpr_transfer_basis_art46_2c")
        )
        self.assertEqual(transfer.details, "SCC module 3 signed with the sub-processor")
        self.assertEqual(agreement.create_uid, user)

    def test_tour_processor_agreement(self):
        self._check_agreement_tour(self.user_officer, "crm_gdpr_processor_agreement")

    def test_tour_processor_agreement_polish(self):
        self._check_agreement_tour(
            self.user_officer_pl, "crm_gdpr_processor_agreement_pl"
        )
