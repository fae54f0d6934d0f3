from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .common import GdprConfidentialityCommon, GdprRpcCommon, pdf_text


@tagged("post_install", "-at_install")
class TestConsentConfidentiality(GdprConfidentialityCommon):
    def _sales_create(self, **vals):
        return (
            self.env["gdpr.consent"]
            .with_user(self.user_sales)
            .create(self._consent_vals(**vals))
        )

    def test_consent_for_an_unreadable_partner_is_refused(self):
        with self.assertRaises(AccessError) as error:
            self._sales_create(partner_id=self.partner_2.id)
        self.assertRevealsNothing(error, "Greta", "greta.secret")

    def test_consent_on_another_salespersons_lead_is_refused(self):
        with self.assertRaises(AccessError) as error:
            self._sales_create(partner_id=False, lead_id=self.lead_other.id)
        self.assertRevealsNothing(error, "Private lead", "hidden.lead")

    def test_consent_with_a_private_text_of_another_company_is_refused(self):
        with self.assertRaises(AccessError) as error:
            self._sales_create(text_id=self.text_2.id)
        self.assertRevealsNothing(error, "Secret wording", "Company 2 private")

    def test_lead_consent_without_giver_read_through_its_lead_only(self):
        consent = self.env["gdpr.consent"].create(
            self._consent_vals(partner_id=False, lead_id=self.lead_other.id)
        )
        Consent = self.env["gdpr.consent"].with_user(self.user_sales)
        self.assertFalse(Consent.search([("id", "=", consent.id)]))
        with self.assertRaises(AccessError):
            Consent.browse(consent.id).read(["contact_value"])
        own_lead = self.env["crm.lead"].create(
            {"name": "Own lead", "user_id": self.user_sales.id}
        )
        own = self.env["gdpr.consent"].create(
            self._consent_vals(partner_id=False, lead_id=own_lead.id)
        )
        self.assertEqual(Consent.search([("id", "=", own.id)]), own)
        officer = self.env["gdpr.consent"].with_user(self.user_officer)
        self.assertEqual(officer.search([("id", "=", consent.id)]), consent)

    def test_attachment_is_the_texts_document_or_the_consents_own_file(self):
        breach_file = self.env["ir.attachment"].create(
            {"name": "breach-evidence.xlsx", "raw": b"x", "res_model": "gdpr.breach"}
        )
        with self.assertRaises(ValidationError) as error:
            self._sales_create(attachment_id=breach_file.id)
        self.assertRevealsNothing(error, "breach-evidence")
        consent = self._sales_create(
            category_id=self.category_post.id, text_id=self.text_post.id
        )
        self.assertEqual(consent.attachment_id, self.terms)

    def test_employee_without_gdpr_rights_reads_no_consent_status(self):
        partner = self.partner.with_user(self.user_internal)
        for fname in (
            "gdpr_consent_state",
            "gdpr_active_category_ids",
            "gdpr_consent_count",
            "gdpr_consent_ids",
        ):
            with self.subTest(field=fname), self.assertRaises(AccessError):
                partner.read([fname])
        self.assertTrue(partner.read(["name"]))
        lead = self.lead_other.with_user(self.user_officer)
        self.assertEqual(lead.gdpr_consent_count, 0)


@tagged("post_install", "-at_install")
class TestConsentStatusPerCompany(GdprConfidentialityCommon):
    def setUp(self):
        super().setUp()
        # The same person, known to both companies: consent in company 2 only.
        self.shared = self.env["res.partner"].create(
            {"name": "Shared Person", "email": "shared@example.com"}
        )
        self.env["gdpr.consent"].with_company(self.company_2).create(
            self._consent_vals(partner_id=self.shared.id, company_id=self.company_2.id)
        )

    def _partners(self, *companies):
        return (
            self.env["res.partner"]
            .with_user(self.user_manager)
            .with_context(allowed_company_ids=[c.id for c in companies])
        )

    def test_company_b_consent_never_counts_for_company_a(self):
        self.user_manager.company_ids = [Command.link(self.company_2.id)]
        in_a = self._partners(self.company).browse(self.shared.id)
        self.assertEqual(in_a.gdpr_consent_state, "none")
        self.assertEqual(in_a.gdpr_consent_count, 0)
        self.assertFalse(in_a.gdpr_active_category_ids)
        in_b = self._partners(self.company_2).browse(self.shared.id)
        self.assertEqual(in_b.gdpr_consent_state, "active")
        self.assertEqual(in_b.gdpr_active_category_ids, self.category_marketing)
        self.assertEqual(in_b.gdpr_consent_count, 1)

    def test_filters_count_the_companies_of_the_user_only(self):
        self.user_manager.company_ids = [Command.link(self.company_2.id)]
        domain = [
            ("gdpr_active_category_ids", "in", self.category_marketing.ids),
            ("id", "=", self.shared.id),
        ]
        self.assertFalse(self._partners(self.company).search(domain))
        self.assertTrue(self._partners(self.company_2).search(domain))
        self.assertTrue(self._partners(self.company, self.company_2).search(domain))
        for state, in_a in (("none", True), ("active", False), ("withdrawn", False)):
            with self.subTest(state=state):
                found = self._partners(self.company).search(
                    [("gdpr_consent_state", "=", state), ("id", "=", self.shared.id)]
                )
                self.assertEqual(bool(found), in_a)

    def test_withdrawn_status_and_same_transaction_search(self):
        consent = self._create_consent()
        Partner = self.env["res.partner"]
        self.assertIn(
            self.partner, Partner.search([("gdpr_consent_state", "=", "active")])
        )
        consent.action_withdraw()
        self.assertIn(
            self.partner, Partner.search([("gdpr_consent_state", "=", "withdrawn")])
        )
        self.assertNotIn(
            self.partner,
            Partner.search(
                [("gdpr_active_category_ids", "in", self.category_marketing.ids)]
            ),
        )

    def test_status_columns_cost_no_query_per_partner(self):
        partners = self.env["res.partner"].create(
            [{"name": f"Listed {i}"} for i in range(40)]
        )
        self.env["gdpr.consent"].create(
            [self._consent_vals(partner_id=partner.id) for partner in partners]
        )
        fnames = [
            "gdpr_consent_state",
            "gdpr_active_category_ids",
            "gdpr_consent_count",
        ]
        partners[:2].read(fnames)  # warm the caches of access rules
        counts = []
        for listed in (partners[:4], partners):
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            listed.read(fnames)
            counts.append(self.env.cr.sql_log_count - before)
        self.assertEqual(counts[0], counts[1], "same queries for 4 and 40 partners")


@tagged("post_install", "-at_install")
class TestWizardConfidentiality(GdprConfidentialityCommon):
    def test_bulk_grant_for_an_unreadable_partner_is_refused(self):
        Grant = self.env["gdpr.consent.bulk.grant"].with_user(self.user_sales)
        with self.assertRaises(AccessError) as error:
            Grant.create(
                {
                    "partner_ids": [Command.set(self.partner_2.ids)],
                    "category_ids": [Command.set(self.category_post.ids)],
                }
            )
        self.assertRevealsNothing(error, "Greta", "greta.secret")

    def test_bulk_grant_line_of_an_unreadable_text_is_refused(self):
        wizard = (
            self.env["gdpr.consent.bulk.grant"]
            .with_user(self.user_sales)
            .create({"partner_ids": [Command.set(self.partner.ids)]})
        )
        with self.assertRaises(AccessError) as error:
            wizard.write({"line_ids": [Command.create({"text_id": self.text_2.id})]})
        self.assertRevealsNothing(error, "Secret wording")

    def test_bulk_withdraw_line_of_another_companys_consent_is_refused(self):
        wizard = (
            self.env["gdpr.consent.bulk.withdraw"]
            .with_user(self.user_sales)
            .create({"partner_ids": [Command.set(self.partner.ids)]})
        )
        with self.assertRaises(AccessError) as error:
            wizard.write(
                {"line_ids": [Command.create({"consent_id": self.consent_2.id})]}
            )
        self.assertRevealsNothing(error, "Greta", "greta.secret")
        with self.assertRaises(AccessError):
            self.env["gdpr.consent.bulk.withdraw"].with_user(self.user_sales).create(
                {"consent_ids": [Command.set(self.consent_2.ids)]}
            )

    def test_grant_opens_with_valid_lines_ticked_and_names_the_skipped(self):
        no_phone = self.env["res.partner"].create(
            {"name": "Marek Beztelefonu", "email": "marek@example.com"}
        )
        # Single giver without phone: the phone text is not valid, not ticked.
        form = Form(
            self.env["gdpr.consent.bulk.grant"].with_context(
                default_partner_ids=no_phone.ids
            )
        )
        form.category_ids.add(self.category_marketing)
        form.category_ids.add(self.category_post)
        ticked = {
            form.line_ids.edit(i).text_id: form.line_ids.edit(i).to_create
            for i in range(len(form.line_ids))
        }
        self.assertTrue(ticked[self.text_marketing])
        self.assertFalse(ticked[self.text_post])
        # Several givers: every line ticked, the giver lacking the datum named.
        form = Form(
            self.env["gdpr.consent.bulk.grant"].with_context(
                default_partner_ids=(self.partner | no_phone).ids
            )
        )
        form.category_ids.add(self.category_post)
        self.assertTrue(form.line_ids.edit(0).to_create)
        action = form.save().action_generate()
        self.assertEqual(action["tag"], "display_notification")
        self.assertIn("Marek Beztelefonu", action["params"]["message"])
        self.assertNotIn("Anna Kowalska", action["params"]["message"])

    def test_withdraw_opens_with_every_active_consent_ticked(self):
        consents = self._create_consent() | self._create_consent(
            category_id=self.category_newsletter.id, text_id=self.text_newsletter.id
        )
        form = Form(
            self.env["gdpr.consent.bulk.withdraw"].with_context(
                active_model="res.partner", active_ids=self.partner.ids
            )
        )
        self.assertEqual(len(form.line_ids), 2)
        self.assertTrue(
            all(form.line_ids.edit(i).to_withdraw for i in range(len(form.line_ids)))
        )
        form.save().action_withdraw()
        self.assertEqual(set(consents.mapped("state")), {"withdrawn"})

    def test_contact_list_offers_bulk_withdraw(self):
        bindings = self.env["ir.actions.actions"]._get_bindings("res.partner")
        ids = [action["id"] for action in bindings["action"]]
        for xmlid in (
            "crm_gdpr.gdpr_consent_bulk_grant_action_partner",
            "crm_gdpr.gdpr_consent_bulk_withdraw_action_partner",
        ):
            self.assertIn(self.env.ref(xmlid).id, ids)


@tagged("post_install", "-at_install")
class TestPrivacyLookupConfidentiality(GdprConfidentialityCommon):
    def setUp(self):
        super().setUp()
        self.officer_2 = self.env["res.users"].create(
            {
                "name": "Officer of company 2",
                "login": "gdpr_officer_2",
                "company_id": self.company_2.id,
                "company_ids": [Command.set(self.company_2.ids)],
                "groups_id": [
                    Command.set(
                        (
                            self.env.ref("sales_team.group_sale_salesman")
                            | self.env.ref("crm_gdpr.group_gdpr_officer")
                        ).ids
                    )
                ],
            }
        )
        # Company 1 holds "Anna Kowalska" as a partner, a user and a lead.
        self.partner_1 = self.env["res.partner"].create(
            {
                "name": "Anna Kowalska",
                "email": "anna@example.com",
                "company_id": self.company.id,
            }
        )
        self.lead_1 = self.env["crm.lead"].create(
            {"name": "Anna's company-1 lead", "email_from": "anna@example.com"}
        )
        self.user_1 = self.env["res.users"].create(
            {"name": "Anna Kowalska", "login": "anna@example.com"}
        )

    def _lookup(self, user):
        wizard = (
            self.env["privacy.lookup.wizard"]
            .with_user(user)
            .create({"name": "Anna Kowalska", "email": "anna@example.com"})
        )
        wizard.action_lookup()
        return wizard

    def test_officer_of_company_2_finds_nothing_of_company_1(self):
        company_1 = {
            ("res.partner", self.partner_1.id),
            ("res.partner", self.user_1.partner_id.id),
            ("res.users", self.user_1.id),
            ("crm.lead", self.lead_1.id),
        }
        found = {
            (line.res_model, line.res_id)
            for line in self._lookup(self.user_officer).line_ids
        }
        self.assertEqual(found & company_1, company_1, "the officer of company 1")
        wizard = self._lookup(self.officer_2)
        found = {(line.res_model, line.res_id) for line in wizard.line_ids}
        self.assertFalse(found & company_1)
        # What is left (contacts shared by all companies) is readable.
        for line in wizard.line_ids:
            record = self.env[line.res_model].with_user(self.officer_2)
            record.browse(line.res_id).check_access("read")

    def test_privacy_log_is_read_only_for_officers(self):
        log = self.env["privacy.log"].create(
            {"anonymized_name": "A B", "anonymized_email": "a@b.c"}
        )
        Log = self.env["privacy.log"].with_user(self.user_officer)
        self.assertEqual(Log.search([("id", "=", log.id)]), log)
        with self.assertRaises(AccessError):
            Log.browse(log.id).write({"execution_details": "forged"})
        with self.assertRaises(AccessError):
            Log.create({"anonymized_name": "X", "anonymized_email": "x@y.z"})
        self.assertFalse(
            self.env["privacy.log"]
            .with_user(self.officer_2)
            .search([("id", "=", log.id)]),
            "company-bound",
        )

    def test_officer_cannot_forge_the_lookup_log(self):
        wizard = self._lookup(self.user_officer)
        with self.assertRaises(AccessError):
            wizard.line_ids[:1].write({"execution_details": "forged"})
        with self.assertRaises(AccessError):
            wizard.write({"log_id": self.env["privacy.log"].search([], limit=1).id})

    def test_officer_erases_and_the_log_is_written(self):
        consent = self._create_consent()
        wizard = self._lookup(self.user_officer)
        line = wizard.line_ids.filtered(
            lambda line: line.res_model == "gdpr.consent" and line.res_id == consent.id
        )
        line.action_unlink()
        self.assertTrue(consent.is_anonymized)
        self.env.flush_all()
        self.assertTrue(wizard.log_id)
        self.assertEqual(wizard.log_id.company_id, self.company)


@tagged("post_install", "-at_install")
class TestRobustness(GdprConfidentialityCommon):
    def _email_consent(self, partner):
        text = self.env["gdpr.consent.text"].create(
            {
                "name": "E-mail offers",
                "body": "<p>Offers by e-mail.</p>",
                "category_id": self.category_newsletter.id,
                "date_start": "2020-01-01",
                "applies_to_contacts": True,
                "channel_ids": [Command.set(self.channel_email.ids)],
                "sync_blacklist": True,
            }
        )
        return self._create_consent(
            partner_id=partner.id,
            category_id=self.category_newsletter.id,
            text_id=text.id,
            contact_channel_id=self.channel_email.id,
        )

    def test_withdrawal_with_an_invalid_email_succeeds(self):
        typo = self.env["res.partner"].create(
            {"name": "Greg Typo", "email": "greg.typo(at)example.com"}
        )
        bad = self._email_consent(typo)
        good = self._email_consent(self.partner)
        wizard = (
            self.env["gdpr.consent.bulk.withdraw"]
            .with_user(self.user_sales)
            .create({"partner_ids": [Command.set((typo | self.partner).ids)]})
        )
        wizard.line_ids.to_withdraw = True
        wizard.action_withdraw()
        self.assertEqual(bad.state, "withdrawn")
        self.assertEqual(good.state, "withdrawn")
        self.assertIn("could not be added", bad.message_ids[0].body)
        self.assertTrue(
            self.env["mail.blacklist"].search([("email", "=", "anna@example.com")])
        )

    def test_erasure_removes_chatter_files_and_closes_the_chatter(self):
        consent = self._create_consent()
        consent.message_post(
            body="Signed form",
            attachments=[("anna-signed-form.pdf", b"%PDF-1.4 Anna")],
        )
        consent.with_user(self.user_officer)._privacy_lookup_erase()
        self.assertFalse(
            self.env["ir.attachment"].search(
                [("res_model", "=", "gdpr.consent"), ("res_id", "=", consent.id)]
            )
        )
        sales = consent.with_user(self.user_sales)
        with self.assertRaises(UserError):
            sales.message_subscribe(partner_ids=self.partner.ids)
        with self.assertRaises(UserError):
            sales.message_post(body="This was Anna Kowalska")
        self.assertNotIn(self.partner, consent.message_partner_ids)

    def test_translation_dialog_cannot_store_script(self):
        self.env["res.lang"]._activate_lang("pl_PL")
        text = self.env["gdpr.consent.text"].create(
            {
                "name": "Script test",
                "body": "<p>I agree.</p>",
                "category_id": self.category_marketing.id,
                "date_start": "2020-01-01",
            }
        )
        text.with_user(self.user_manager).update_field_translations(
            "body",
            {"pl_PL": {"I agree.": "Zgadzam <b onclick='alert(1)'>się</b>."}},
        )
        body_pl = text.with_context(lang="pl_PL").body
        self.assertIn("Zgadzam", body_pl)
        self.assertNotIn("onclick", body_pl)
        polish = self.env["res.partner"].create({"name": "Jan", "lang": "pl_PL"})
        consent = self._create_consent(partner_id=polish.id, text_id=text.id)
        self.assertIn("Zgadzam", consent.text_body)
        self.assertNotIn("onclick", consent.text_body)

    def test_snapshot_sanitizes_a_wording_written_behind_the_orm(self):
        text = self.env["gdpr.consent.text"].create(
            {
                "name": "Old translation",
                "body": "<p>I agree.</p>",
                "category_id": self.category_marketing.id,
                "date_start": "2020-01-01",
            }
        )
        self.env.cr.execute(
            "UPDATE gdpr_consent_text SET body = jsonb_build_object("
            "'en_US', '<p>I agree.</p><img src=x onerror=alert(1)>') WHERE id = %s",
            [text.id],
        )
        self.env.invalidate_all()
        consent = self._create_consent(text_id=text.id)
        self.assertNotIn("onerror", consent.text_body)

    def test_retention_job_erases_every_giver_despite_a_malformed_email(self):
        self.category_marketing.write(
            {"retention_months": 12, "retention_auto_anonymize": True}
        )
        malformed = self.env["res.partner"].create(
            {"name": "Greg Typo", "email": "greg@typo@example.com"}
        )
        consents = self.env["gdpr.consent"]
        for partner in (malformed, self.partner):
            with freeze_time(fields.Date.today() - relativedelta(months=14)):
                consent = self._create_consent(partner_id=partner.id)
                consent.action_withdraw()
            consents |= consent
        self.env["gdpr.consent"]._cron_gdpr_retention()
        self.assertEqual(consents.mapped("is_anonymized"), [True, True])

    def test_retention_job_skips_a_failing_giver(self):
        self.category_marketing.write(
            {"retention_months": 12, "retention_auto_anonymize": True}
        )
        consents = self.env["gdpr.consent"]
        for partner in (self.other_partner, self.partner):
            with freeze_time(fields.Date.today() - relativedelta(months=14)):
                consent = self._create_consent(partner_id=partner.id)
                consent.action_withdraw()
            consents |= consent
        # Another module's rule (here a trigger) refuses to erase one consent.
        self.env.cr.execute(
            """
            CREATE FUNCTION pg_temp.gdpr_refuse() RETURNS trigger AS $$
            BEGIN RAISE EXCEPTION 'refused by another module'; END;
            $$ LANGUAGE plpgsql;
            CREATE TRIGGER gdpr_refuse BEFORE UPDATE ON gdpr_consent
            FOR EACH ROW WHEN (OLD.id = %s AND NEW.is_anonymized)
            EXECUTE FUNCTION pg_temp.gdpr_refuse();
            """,
            [consents[0].id],
        )
        with self.assertLogs("odoo.addons.crm_gdpr.models.gdpr_jobs", "ERROR"):
            self.env["gdpr.consent"]._cron_gdpr_retention()
        self.assertEqual(consents.mapped("is_anonymized"), [False, True])

    def _breach_vals(self, **vals):
        return {
            "dpo_id": self.partner.id,
            "date_breach": "2026-01-05",
            "date_discovered": "2026-01-05 10:00:00",
            **vals,
        }

    def test_breach_values_out_of_range_are_refused(self):
        Breach = self.env["gdpr.breach"].with_user(self.user_officer)
        for case, vals in {
            "10,001 characters": {"nature": "A" * 10_001},
            "year 1": {"date_discovered": "0001-01-01 00:00:00"},
            "1899": {"date_breach": "1899-12-31"},
            "1.9 records": {"records_count": 1.9},
        }.items():
            with self.subTest(case=case), self.assertRaises(ValidationError):
                Breach.create(self._breach_vals(**vals))
        breach = Breach.create(self._breach_vals(records_count=2.0))
        self.assertEqual(breach.records_count, 2)
        with self.assertRaises(ValidationError):
            breach.write({"records_count": 1.9})
        self.assertEqual(breach.records_count, 2)

    def test_largest_breach_prints_whole_as_text(self):
        # How long it takes is measured by the bench (make bench, row 6), not
        # here: a timed test fails on a busy machine, not on slow code.
        text_fields = [
            fname
            for fname, field in self.env["gdpr.breach"]._fields.items()
            if field.type == "text" and field.store
        ]
        breach = (
            self.env["gdpr.breach"]
            .with_user(self.user_officer)
            .create(
                self._breach_vals(
                    **{fname: "Lorem ipsum dolor. " * 526 for fname in text_fields}
                )
            )
        )
        text = pdf_text(self.env, "crm_gdpr.gdpr_breach_report", breach)
        # The four descriptions at least, whole: no text cut or drawn as a
        # picture.
        self.assertGreaterEqual(text.count("Lorem"), 4 * 526)

    def test_access_report_is_text_in_the_report_font(self):
        self._create_consent()
        report = self.env["ir.actions.report"].with_context(force_report_rendering=True)
        pdf, _kind = report._render_qweb_pdf(
            "crm_gdpr.action_report_partner_personal_data", self.partner.ids
        )
        self.assertLess(len(pdf), 200_000, "text, not a picture of it")
        self.assertIn(b"DejaVuSans", pdf)
        text = pdf_text(
            self.env, "crm_gdpr.action_report_partner_personal_data", self.partner
        )
        self.assertIn("Anna Kowalska", text)


@tagged("post_install", "-at_install")
class TestConfidentialityRpc(GdprRpcCommon):
    def test_rpc_consent_for_another_companys_partner_is_refused(self):
        self.giver_2.company_id = self.company_2
        self._login(self.user_sales)
        answer = self.call_kw(
            "gdpr.consent",
            "create",
            [
                {
                    "partner_id": self.giver_2.id,
                    "category_id": self.category_marketing.id,
                    "text_id": self.text_marketing.id,
                }
            ],
        )
        message = self.assertRpcError(answer, "AccessError")
        self.assertNotIn("Piotr", message)
        self.assertNotIn("piotr@example.com", message)

    def test_rpc_officer_cannot_write_the_privacy_log(self):
        log = self.env["privacy.log"].create(
            {"anonymized_name": "A B", "anonymized_email": "a@b.c"}
        )
        self._login(self.user_officer)
        answer = self.call_kw(
            "privacy.log", "write", [[log.id], {"execution_details": "forged"}]
        )
        self.assertRpcError(answer, "AccessError")

    def test_rpc_internal_user_reads_no_consent_status(self):
        self._login(self.user_internal)
        answer = self.call_kw(
            "res.partner", "read", [[self.giver.id], ["gdpr_consent_state"]]
        )
        self.assertRpcError(answer, "AccessError")
