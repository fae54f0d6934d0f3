"""Where salespeople work (SPEC section 13): the consent status of leads, the
composer's consent warning and the information duty (Art. 13/14)."""

import json

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .common import GdprConsentCommon


class GdprSalesCommon(GdprConsentCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lead = cls.env["crm.lead"].create(
            {
                "name": "Offer for Anna",
                "partner_id": cls.partner.id,
                "user_id": cls.user_sales.id,
            }
        )
        cls.lead_alone = cls.env["crm.lead"].create(
            {
                "name": "Visitor at the fair",
                "contact_name": "Ewa Wiśniewska",
                "email_from": "ewa@example.com",
                "user_id": cls.user_sales.id,
            }
        )
        # Notices of other companies or earlier versions must not count.
        cls.notice = cls.env["gdpr.information.notice"].create(
            {
                "name": "Information on the processing of personal data",
                "body": "<p>We process your data to answer your enquiries.</p>",
                "date_start": fields.Date.today() - relativedelta(days=10),
            }
        )

    def _record(self, **vals):
        return self.env["gdpr.information.record"].create(
            {"notice_id": self.notice.id, "method": "in_person", **vals}
        )


@tagged("post_install", "-at_install")
class TestLeadConsentStatus(GdprSalesCommon):
    def test_lead_shows_its_own_and_its_customers_active_categories(self):
        self._create_consent()
        self._create_consent(
            partner_id=False,
            lead_id=self.lead_alone.id,
            category_id=self.category_newsletter.id,
            text_id=self.text_newsletter.id,
        )
        self.assertEqual(self.lead.gdpr_active_category_ids, self.category_marketing)
        self.assertEqual(
            self.lead_alone.gdpr_active_category_ids, self.category_newsletter
        )

    def test_withdrawn_consent_leaves_the_lead_without_category(self):
        consent = self._create_consent()
        consent.action_withdraw()
        self.assertFalse(self.lead.gdpr_active_category_ids)

    def test_lead_filter_has_active_consent_in_category(self):
        self._create_consent()
        self._create_consent(
            partner_id=False,
            lead_id=self.lead_alone.id,
            category_id=self.category_newsletter.id,
            text_id=self.text_newsletter.id,
        )
        Lead = self.env["crm.lead"].with_user(self.user_sales)
        leads = self.lead | self.lead_alone
        domain = [("id", "in", leads.ids)]
        self.assertEqual(
            Lead.search(
                [
                    *domain,
                    ("gdpr_active_category_ids", "in", self.category_marketing.ids),
                ]
            ),
            self.lead,
        )
        self.assertEqual(
            Lead.search(
                [
                    *domain,
                    ("gdpr_active_category_ids", "=", self.category_newsletter.id),
                ]
            ),
            self.lead_alone,
        )
        self.assertEqual(
            Lead.search(
                [
                    *domain,
                    ("gdpr_active_category_ids", "not in", self.category_marketing.ids),
                ]
            ),
            self.lead_alone,
        )
        self.assertEqual(
            Lead.search([*domain, ("gdpr_active_category_ids", "ilike", "Newsl")]),
            self.lead_alone,
        )
        empty = self.env["crm.lead"].create(
            {"name": "Nobody yet", "user_id": self.user_sales.id}
        )
        self.assertEqual(
            Lead.search(
                [
                    ("id", "in", (leads | empty).ids),
                    ("gdpr_active_category_ids", "=", False),
                ]
            ),
            empty,
        )

    def test_consent_of_another_company_does_not_count_on_the_lead(self):
        self._create_consent(company_id=self.company_2.id)
        self.assertFalse(self.lead.with_user(self.user_sales).gdpr_active_category_ids)
        self.assertFalse(
            self.env["crm.lead"]
            .with_user(self.user_sales)
            .search(
                [
                    ("id", "=", self.lead.id),
                    ("gdpr_active_category_ids", "!=", False),
                ]
            )
        )

    def test_lead_status_is_for_gdpr_users_only(self):
        Lead = self.env["crm.lead"].with_user(self.user_internal)
        with self.assertRaises(AccessError):
            Lead.search([("gdpr_active_category_ids", "!=", False)])
        with self.assertRaises(AccessError):
            Lead.search([("gdpr_informed", "=", False)])
        with self.assertRaises(AccessError):
            self.lead.with_user(self.user_internal).read(["gdpr_informed"])

    def test_lead_list_status_costs_no_query_per_lead(self):
        self._create_consent()
        leads = self.env["crm.lead"].create(
            [
                {
                    "name": f"Lead {i}",
                    "partner_id": self.partner.id,
                    "user_id": self.user_sales.id,
                }
                for i in range(30)
            ]
        )
        Lead = self.env["crm.lead"].with_user(self.user_sales)
        fnames = ["gdpr_active_category_ids", "gdpr_informed", "gdpr_inform_overdue"]
        Lead.browse(leads[:3].ids).read(fnames)  # fills the caches of rules
        self.env.flush_all()
        self.env.invalidate_all()
        start = self.cr.sql_log_count
        Lead.browse(leads[:3].ids).read(fnames)
        few = self.cr.sql_log_count - start
        self.env.flush_all()
        self.env.invalidate_all()
        start = self.cr.sql_log_count
        values = Lead.browse(leads.ids).read(fnames)
        many = self.cr.sql_log_count - start
        # Ten times the leads, no more queries (the ORM's caches of rules and
        # users may make the first read cost a few more).
        self.assertLessEqual(many, few)
        self.assertEqual(
            {tuple(row["gdpr_active_category_ids"]) for row in values},
            {tuple(self.category_marketing.ids)},
        )


@tagged("post_install", "-at_install")
class TestComposerWarning(GdprSalesCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.partner_moved = Partner.create(
            {"name": "Piotr Zieliński", "email": "piotr.old@example.com"}
        )
        cls.partner_none = Partner.create(
            {"name": "Marek Wójcik", "email": "marek@example.com"}
        )
        # Anna: a marketing consent bound to her e-mail.
        cls.env["gdpr.consent"].create(
            {
                "partner_id": cls.partner.id,
                "category_id": cls.category_marketing.id,
                "text_id": cls.text_marketing.id,
            }
        )
        # Piotr: bound to an e-mail he no longer uses.
        cls.env["gdpr.consent"].create(
            {
                "partner_id": cls.partner_moved.id,
                "category_id": cls.category_marketing.id,
                "text_id": cls.text_marketing.id,
            }
        )
        cls.partner_moved.email = "piotr.new@example.com"
        cls.template = cls.env["mail.template"].create(
            {
                "name": "Spring offer",
                "model_id": cls.env.ref("base.model_res_partner").id,
                "subject": "Our spring offer",
                "body_html": "<p>Dear customer, have a look at our offer.</p>",
                "gdpr_category_id": cls.category_marketing.id,
            }
        )

    def _composer_form(self, model, records, mode="mass_mail", user=None, **context):
        Composer = (
            self.env["mail.compose.message"]
            .with_user(user or self.user_sales)
            .with_context(
                default_composition_mode=mode,
                default_model=model,
                active_model=model,
                active_ids=records.ids,
                **context,
            )
        )
        return Form(Composer)

    def test_template_of_a_consent_category_lists_recipients_without_consent(self):
        partners = self.partner | self.partner_moved | self.partner_none
        form = self._composer_form("res.partner", partners)
        form.template_id = self.template
        self.assertEqual(form.gdpr_category_id, self.category_marketing)
        self.assertEqual(form.gdpr_warning_count, 2)
        self.assertIn("Piotr Zieliński", form.gdpr_warning)
        self.assertIn("Marek Wójcik", form.gdpr_warning)
        self.assertNotIn("Anna Kowalska", form.gdpr_warning)
        self.assertIn("Marketing", form.gdpr_warning)

    def test_category_chosen_in_the_composer_warns(self):
        form = self._composer_form("res.partner", self.partner | self.partner_none)
        self.assertFalse(form.gdpr_warning)
        form.subject = "News"
        form.body = "<p>News</p>"
        form.gdpr_category_id = self.category_newsletter
        self.assertEqual(form.gdpr_warning_count, 2)

    def test_consent_bound_to_no_channel_covers_the_email(self):
        self.env["gdpr.consent"].create(
            {
                "partner_id": self.partner_none.id,
                "category_id": self.category_profiling.id,
                "text_id": self.text_profiling.id,
            }
        )
        form = self._composer_form("res.partner", self.partner_none)
        form.gdpr_category_id = self.category_profiling
        self.assertFalse(form.gdpr_warning)

    def test_category_without_consent_need_does_not_warn(self):
        self.category_newsletter.needs_consent = False
        form = self._composer_form("res.partner", self.partner_none)
        form.gdpr_category_id = self.category_newsletter
        self.assertFalse(form.gdpr_warning)

    def test_warning_never_blocks_sending(self):
        partners = self.partner | self.partner_none
        form = self._composer_form("res.partner", partners)
        form.template_id = self.template
        self.assertTrue(form.gdpr_warning)
        composer = form.save()
        composer.action_send_mail()
        mails = self.env["mail.mail"].search(
            [("model", "=", "res.partner"), ("res_id", "in", partners.ids)]
        )
        self.assertEqual(set(mails.mapped("res_id")), set(partners.ids))

    def test_leads_in_mass_mode_are_checked_on_their_own_and_customer_consents(self):
        self.env["gdpr.consent"].create(
            {
                "lead_id": self.lead_alone.id,
                "category_id": self.category_marketing.id,
                "text_id": self.text_marketing.id,
            }
        )
        lead_none = self.env["crm.lead"].create(
            {
                "name": "Purchased contact",
                "contact_name": "Zofia Lewandowska",
                "email_from": "zofia@example.com",
                "user_id": self.user_sales.id,
            }
        )
        form = self._composer_form("crm.lead", self.lead | self.lead_alone | lead_none)
        form.gdpr_category_id = self.category_marketing
        self.assertEqual(form.gdpr_warning_count, 1)
        self.assertIn("Purchased contact", form.gdpr_warning)

    def test_lead_in_comment_mode_is_checked_for_its_recipients(self):
        form = self._composer_form(
            "crm.lead",
            self.lead,
            mode="comment",
            default_partner_ids=(self.partner | self.partner_none).ids,
        )
        form.gdpr_category_id = self.category_marketing
        # Anna is the lead's customer with a consent; Marek has none.
        self.assertEqual(form.gdpr_warning_count, 1)
        self.assertIn("Marek Wójcik", form.gdpr_warning)

    def test_consent_of_another_company_does_not_silence_the_warning(self):
        self.env["gdpr.consent"].create(
            {
                "partner_id": self.partner_none.id,
                "category_id": self.category_marketing.id,
                "text_id": self.text_marketing.id,
                "company_id": self.company_2.id,
            }
        )
        form = self._composer_form("res.partner", self.partner_none)
        form.gdpr_category_id = self.category_marketing
        self.assertEqual(form.gdpr_warning_count, 1)

    def test_user_without_gdpr_rights_sees_no_warning(self):
        composer = (
            self.env["mail.compose.message"]
            .with_user(self.user_internal)
            .with_context(
                default_composition_mode="mass_mail",
                default_model="res.partner",
                active_ids=self.partner_none.ids,
            )
            .create({"template_id": self.template.id, "subject": "Offer"})
        )
        with self.assertRaises(AccessError):
            composer.read(["gdpr_warning"])

    def _warning_queries(self, count):
        partners = self.env["res.partner"].create(
            [
                {"name": f"Recipient {count}-{i}", "email": f"r{count}-{i}@example.com"}
                for i in range(count)
            ]
        )
        composer = (
            self.env["mail.compose.message"]
            .with_user(self.user_sales)
            .with_context(
                default_composition_mode="mass_mail",
                default_model="res.partner",
                active_ids=partners.ids,
            )
            .create({"template_id": self.template.id})
        )
        self.env.invalidate_all()
        start = self.cr.sql_log_count
        warning_count = composer.gdpr_warning_count
        queries = self.cr.sql_log_count - start
        self.assertEqual(warning_count, count)
        return queries

    def test_warning_costs_a_constant_number_of_queries(self):
        self._warning_queries(5)  # fills the caches of rules and groups
        self.assertLessEqual(self._warning_queries(200), self._warning_queries(10))


@tagged("post_install", "-at_install")
class TestInformationRecords(GdprSalesCommon):
    def test_record_keeps_the_wording_given(self):
        record = self._record(partner_id=self.partner.id)
        self.assertTrue(record.name.startswith("INF/"))
        self.assertEqual(record.body, self.notice.body)
        # The notice is locked once given: a new wording is a new notice.
        with self.assertRaises(UserError):
            self.notice.body = "<p>A new wording.</p>"
        self.env["gdpr.information.notice"].create(
            {"name": "Version 2", "body": "<p>A new wording.</p>"}
        )
        self.assertIn("answer your enquiries", record.body)

    def test_record_evidence_never_changes(self):
        record = self._record(partner_id=self.partner.id)
        for vals in (
            {"method": "email"},
            {"date_informed": fields.Date.today() - relativedelta(days=1)},
            {"body": "<p>Something else</p>"},
            {"name": "INF/forged"},
        ):
            with self.subTest(vals=vals), self.assertRaises(UserError):
                record.with_user(self.user_sales).write(vals)
        with self.assertRaises(UserError):
            record.with_user(self.user_sales).partner_id = self.other_partner
        with self.assertRaises(UserError):
            record.unlink()
        with self.assertRaises(UserError):
            record.copy()

    def test_body_sent_by_the_caller_is_ignored(self):
        record = self._record(partner_id=self.partner.id, body="<p>Forged</p>")
        self.assertEqual(record.body, self.notice.body)

    def test_record_needs_a_person_or_lead(self):
        with self.assertRaisesRegex(ValidationError, "person informed or the lead"):
            self._record()

    def test_record_cannot_be_in_the_future_or_before_the_notice(self):
        with self.assertRaises(ValidationError):
            self._record(
                partner_id=self.partner.id,
                date_informed=fields.Date.today() + relativedelta(days=1),
            )
        with self.assertRaises(ValidationError):
            self._record(
                partner_id=self.partner.id,
                date_informed=self.notice.date_start - relativedelta(days=1),
            )

    def test_record_is_in_the_evidence_log_without_personal_data(self):
        record = self._record(partner_id=self.partner.id)
        event = self.env["gdpr.evidence.event"].search(
            [
                ("res_model", "=", "gdpr.information.record"),
                ("res_id", "=", record.id),
            ]
        )
        self.assertEqual(event.event_type, "information_recorded")
        payload = json.loads(event.payload)
        self.assertEqual(payload["evidence"]["notice"], self.notice.id)
        self.assertEqual(payload["evidence"]["method"], "in_person")
        self.assertNotIn("Anna", event.payload)
        self.assertNotIn("anna@example.com", event.payload)
        self.assertNotIn(f'"person":{self.partner.id}', event.payload)

    def test_verify_chain_finds_a_record_changed_behind_the_orm(self):
        record = self._record(partner_id=self.partner.id)
        Event = self.env["gdpr.evidence.event"].with_user(self.user_officer)
        self.assertTrue(all(result["ok"] for result in Event.verify_chain()))
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE gdpr_information_record SET method = 'paper' WHERE id = %s",
            [record.id],
        )
        self.env.invalidate_all()
        results = Event.verify_chain(companies=self.company)
        self.assertFalse(results[0]["ok"])
        self.assertIn(record.name, results[0]["mismatch"])
        self.assertIn("method", results[0]["mismatch"])

    def test_lead_hand_over_gives_the_record_its_person(self):
        record = self._record(lead_id=self.lead_alone.id)
        self.lead_alone.partner_id = self.other_partner
        self.assertEqual(record.partner_id, self.other_partner)
        self.assertEqual(
            self.env["gdpr.evidence.event"]
            .search(
                [
                    ("res_model", "=", "gdpr.information.record"),
                    ("res_id", "=", record.id),
                ],
                order="sequence desc",
                limit=1,
            )
            .event_type,
            "information_updated",
        )

    def test_salesperson_does_not_read_records_of_others_leads(self):
        other_lead = self.env["crm.lead"].create(
            {
                "name": "Someone else's lead",
                "email_from": "x@example.com",
                "user_id": self.user_officer.id,
            }
        )
        record = self._record(lead_id=other_lead.id)
        Record = self.env["gdpr.information.record"].with_user(self.user_sales)
        self.assertFalse(Record.search([("id", "=", record.id)]))
        with self.assertRaises(AccessError):
            Record.create({"lead_id": other_lead.id, "notice_id": self.notice.id})

    def test_opportunity_merge_keeps_the_records(self):
        opportunity = self.env["crm.lead"].create(
            {"name": "Second", "partner_id": self.partner.id, "type": "opportunity"}
        )
        record = self._record(lead_id=opportunity.id, partner_id=self.partner.id)
        merged = (self.lead | opportunity)._merge_opportunity(
            auto_unlink=True, max_length=None
        )
        self.assertEqual(record.lead_id, merged)


@tagged("post_install", "-at_install")
class TestInformedStatus(GdprSalesCommon):
    def test_partner_is_informed_of_the_notice_in_force_only(self):
        Partner = self.env["res.partner"].with_user(self.user_sales)
        partner = Partner.browse(self.partner.id)
        self.assertFalse(partner.gdpr_informed)
        self._record(partner_id=self.partner.id)
        partner.invalidate_recordset()
        self.assertTrue(partner.gdpr_informed)
        self.assertIn(partner, Partner.search([("gdpr_informed", "=", True)]))
        self.assertNotIn(partner, Partner.search([("gdpr_informed", "=", False)]))
        # A new version comes into force: the partner must be informed again.
        self.env["gdpr.information.notice"].create(
            {
                "name": "Information notice, version 2",
                "body": "<p>We now also process your data for analytics.</p>",
                "date_start": fields.Date.today() + relativedelta(days=5),
            }
        )
        self.assertTrue(partner.gdpr_informed)
        with freeze_time(fields.Date.today() + relativedelta(days=6)):
            partner.invalidate_recordset()
            self.assertFalse(partner.gdpr_informed)
            self.assertIn(partner, Partner.search([("gdpr_informed", "=", False)]))

    def test_notice_of_another_company_does_not_inform(self):
        notice_2 = self.env["gdpr.information.notice"].create(
            {
                "name": "Notice of company 2",
                "body": "<p>Company 2</p>",
                "company_id": self.company_2.id,
                "date_start": "2020-01-01",
            }
        )
        self.env["gdpr.information.record"].with_company(self.company_2).create(
            {
                "partner_id": self.partner.id,
                "notice_id": notice_2.id,
                "company_id": self.company_2.id,
            }
        )
        self.assertFalse(self.partner.with_user(self.user_sales).gdpr_informed)

    def test_lead_is_informed_through_itself_or_its_customer(self):
        Lead = self.env["crm.lead"].with_user(self.user_sales)
        leads = Lead.browse((self.lead | self.lead_alone).ids)
        self.assertFalse(any(leads.mapped("gdpr_informed")))
        self._record(partner_id=self.partner.id)
        self._record(lead_id=self.lead_alone.id)
        leads.invalidate_recordset()
        self.assertTrue(all(leads.mapped("gdpr_informed")))
        self.assertEqual(
            Lead.search([("id", "in", leads.ids), ("gdpr_informed", "=", True)]),
            leads,
        )


@tagged("post_install", "-at_install")
class TestSendInformationNotice(GdprSalesCommon):
    def test_send_to_partners_records_and_mails_each(self):
        no_email = self.env["res.partner"].create({"name": "Without e-mail"})
        partners = (self.partner | self.other_partner | no_email).with_user(
            self.user_sales
        )
        action = partners.action_gdpr_send_information_notice()
        records = self.env["gdpr.information.record"].search(
            [("partner_id", "in", partners.ids)]
        )
        self.assertEqual(records.partner_id, self.partner | self.other_partner)
        self.assertEqual(set(records.mapped("method")), {"email"})
        self.assertEqual(records.notice_id, self.notice)
        self.assertEqual(records.create_uid, self.user_sales)
        mails = self.env["mail.mail"].search(
            [("model", "=", "gdpr.information.record"), ("res_id", "in", records.ids)]
        )
        self.assertEqual(len(mails), 2)
        self.assertEqual(mails.recipient_ids, self.partner | self.other_partner)
        self.assertIn("answer your enquiries", mails[0].body_html)
        self.assertIn("Without e-mail", action["params"]["message"])
        self.assertTrue(self.partner.gdpr_informed)

    def test_send_to_a_lead_without_customer_mails_its_email(self):
        self.lead_alone.with_user(self.user_sales).action_gdpr_send_information_notice()
        record = self.lead_alone.gdpr_information_record_ids
        self.assertEqual(len(record), 1)
        mail = self.env["mail.mail"].search(
            [("model", "=", "gdpr.information.record"), ("res_id", "=", record.id)]
        )
        self.assertIn("ewa@example.com", mail.email_to)
        self.assertTrue(self.lead_alone.gdpr_informed)

    def test_send_in_polish_uses_the_polish_template(self):
        self.env["res.lang"]._activate_lang("pl_PL")
        self.env["ir.module.module"]._load_module_terms(["crm_gdpr"], ["pl_PL"])
        self.partner.lang = "pl_PL"
        self.partner.with_user(self.user_sales).action_gdpr_send_information_notice()
        record = self.partner.gdpr_information_record_ids
        mail = self.env["mail.mail"].search(
            [("model", "=", "gdpr.information.record"), ("res_id", "=", record.id)]
        )
        self.assertIn("Dzień dobry", mail.body_html)

    def test_without_a_notice_in_force_nothing_is_sent(self):
        self.env["gdpr.information.notice"].search([]).active = False
        with self.assertRaisesRegex(UserError, "No information notice is in force"):
            self.partner.with_user(
                self.user_sales
            ).action_gdpr_send_information_notice()
        self.assertFalse(self.partner.gdpr_information_record_ids)


@tagged("post_install", "-at_install")
class TestInformationDeadline(GdprSalesCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.source_bought = cls.env["utm.source"].create(
            {"name": "Purchased list", "gdpr_from_data_subject": False}
        )
        cls.source_web = cls.env["utm.source"].create({"name": "Our website form"})
        cls.lead_bought = cls.env["crm.lead"].create(
            {
                "name": "From the purchased list",
                "email_from": "bought@example.com",
                "source_id": cls.source_bought.id,
                "user_id": cls.user_sales.id,
            }
        )

    def test_lead_from_a_third_party_source_must_be_informed_within_a_month(self):
        created = self.lead_bought.create_date.date()
        self.assertEqual(
            self.lead_bought.gdpr_inform_by, created + relativedelta(months=1)
        )
        lead_web = self.env["crm.lead"].create(
            {"name": "From the web", "source_id": self.source_web.id}
        )
        self.assertTrue(self.source_web.gdpr_from_data_subject)
        self.assertFalse(lead_web.gdpr_inform_by)
        self.assertFalse(self.lead.gdpr_inform_by)

    def test_overdue_is_live_and_searchable(self):
        Lead = self.env["crm.lead"].with_user(self.user_sales)
        lead = Lead.browse(self.lead_bought.id)
        domain = [("id", "=", lead.id), ("gdpr_inform_overdue", "=", True)]
        with freeze_time(lead.gdpr_inform_by):
            lead.invalidate_recordset()
            self.assertFalse(lead.gdpr_inform_overdue)
            self.assertFalse(Lead.search(domain))
        with freeze_time(lead.gdpr_inform_by + relativedelta(days=1)):
            lead.invalidate_recordset()
            self.assertTrue(lead.gdpr_inform_overdue)
            self.assertEqual(Lead.search(domain), lead)
            self.assertFalse(
                Lead.search([("id", "=", lead.id), ("gdpr_inform_overdue", "=", False)])
            )

    def test_informing_the_person_stops_the_clock(self):
        self._record(lead_id=self.lead_bought.id)
        with freeze_time(self.lead_bought.gdpr_inform_by + relativedelta(days=3)):
            self.lead_bought.invalidate_recordset()
            self.assertFalse(self.lead_bought.gdpr_inform_overdue)
            self.assertFalse(
                self.env["crm.lead"].search(
                    [
                        ("id", "=", self.lead_bought.id),
                        ("gdpr_inform_overdue", "=", True),
                    ]
                )
            )

    def test_daily_job_gives_the_salesperson_one_activity(self):
        activity_type = self.env.ref("crm_gdpr.mail_activity_type_gdpr_inform")
        with freeze_time(self.lead_bought.gdpr_inform_by + relativedelta(days=1)):
            self.env["crm.lead"]._cron_gdpr_inform_overdue()
            self.env["crm.lead"]._cron_gdpr_inform_overdue()
        activities = self.lead_bought.activity_ids.filtered(
            lambda activity: activity.activity_type_id == activity_type
        )
        self.assertEqual(len(activities), 1)
        self.assertEqual(activities.user_id, self.user_sales)
        self.assertFalse(
            self.lead.activity_ids.filtered(
                lambda activity: activity.activity_type_id == activity_type
            )
        )

    def test_changing_the_source_flag_starts_the_clock(self):
        lead = self.env["crm.lead"].create(
            {"name": "Imported", "source_id": self.source_web.id}
        )
        self.assertFalse(lead.gdpr_inform_by)
        self.source_web.gdpr_from_data_subject = False
        self.assertEqual(
            lead.gdpr_inform_by, lead.create_date.date() + relativedelta(months=1)
        )


@tagged("post_install", "-at_install")
class TestInformationRecordErasure(GdprSalesCommon):
    def _lookup_lines(self):
        wizard = (
            self.env["privacy.lookup.wizard"]
            .with_user(self.user_officer)
            .create({"name": "Anna Kowalska", "email": "anna@example.com"})
        )
        wizard.action_lookup()
        return wizard.line_ids.filtered(
            lambda line: line.res_model == "gdpr.information.record"
        )

    def test_privacy_lookup_anonymises_the_record_and_keeps_the_evidence(self):
        record = self._record(partner_id=self.partner.id, lead_id=self.lead.id)
        record.message_post(body="Handed to Anna Kowalska at the fair")
        lines = self._lookup_lines()
        self.assertEqual(lines.mapped("res_id"), record.ids)
        lines.action_unlink()
        self.assertTrue(record.exists())
        self.assertTrue(record.is_anonymized)
        self.assertFalse(record.partner_id)
        self.assertFalse(record.lead_id)
        self.assertEqual(record.notice_id, self.notice)
        self.assertIn("answer your enquiries", record.body)
        self.assertNotIn(
            "Anna", " ".join(record.message_ids.mapped(lambda m: str(m.body)))
        )
        # The lookup writes its log when its results are flushed.
        self.env.flush_all()
        log = lines.wizard_id.log_id
        self.assertTrue(log, "the erasure is in the privacy log")
        self.assertIn(record.name, log.execution_details)
        Event = self.env["gdpr.evidence.event"].with_user(self.user_officer)
        self.assertTrue(all(result["ok"] for result in Event.verify_chain()))

    def test_only_the_officer_erases(self):
        record = self._record(partner_id=self.partner.id)
        with self.assertRaises(AccessError):
            record.with_user(self.user_sales)._privacy_lookup_erase()
        self.assertFalse(record.is_anonymized)
