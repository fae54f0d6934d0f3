from dateutil.relativedelta import relativedelta

from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from .gdpr_jobs import process_each
from .gdpr_search import (
    consent_holder_query,
    gdpr_search_domain,
    informed_query,
    lead_query,
    search_active_categories,
    search_boolean,
)


class CrmLead(models.Model):
    _inherit = "crm.lead"

    gdpr_consent_ids = fields.One2many(
        "gdpr.consent",
        "lead_id",
        string="Consents",
        context={"active_test": False},
        groups="crm_gdpr.group_gdpr_user",
        help="All consents collected on this lead, withdrawn ones included.",
    )
    gdpr_consent_count = fields.Integer(
        string="Active Consents",
        compute="_compute_gdpr_consent_count",
        groups="crm_gdpr.group_gdpr_user",
        help="Active consents of the companies you work in.",
    )

    # The consent status of the lead and of its customer, per company as
    # the partner's (SPEC sections 8 and 13): non-stored, computed for a
    # whole list in two queries, searched through gdpr_consent's indexes.
    gdpr_active_category_ids = fields.Many2many(
        "gdpr.consent.category",
        string="Active Consent Categories",
        compute="_compute_gdpr_active_category_ids",
        search="_search_gdpr_active_category_ids",
        groups="crm_gdpr.group_gdpr_user",
        help="The categories in which the lead or its customer has an active "
        "consent in the companies you work in.",
    )

    # Information duty (Art. 13/14, SPEC section 13)
    gdpr_information_record_ids = fields.One2many(
        "gdpr.information.record",
        "lead_id",
        string="Information Records",
        groups="crm_gdpr.group_gdpr_user",
    )
    gdpr_informed = fields.Boolean(
        string="Informed of the Notice in Force",
        compute="_compute_gdpr_informed",
        search="_search_gdpr_informed",
        groups="crm_gdpr.group_gdpr_user",
        help="The lead or its customer was given the information notice in "
        "force in the companies you work in.",
    )
    gdpr_inform_by = fields.Date(
        string="Inform By",
        compute="_compute_gdpr_inform_by",
        store=True,
        index="btree_not_null",
        groups="crm_gdpr.group_gdpr_user",
        help="The lead's data did not come from the person (its source is "
        "not collected from the person, e.g. a purchased list): the person "
        "must be given the information notice within one month (GDPR Art. "
        "14(3)).",
    )
    gdpr_inform_overdue = fields.Boolean(
        string="Information Overdue",
        compute="_compute_gdpr_inform_overdue",
        search="_search_gdpr_inform_overdue",
        groups="crm_gdpr.group_gdpr_user",
        help="The month of Art. 14(3) passed and the person was never given "
        "an information notice.",
    )

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None):
        # GDPR fields are searched by GDPR users only, and the consents the
        # user cannot read never decide a match (SPEC section 8).
        domain = gdpr_search_domain(
            self, domain, ("gdpr_consent_ids", "gdpr_information_record_ids")
        )
        return super()._search(domain, offset=offset, limit=limit, order=order)

    @api.depends_context("allowed_company_ids")
    @api.depends("gdpr_consent_ids.state")
    def _compute_gdpr_consent_count(self):
        counts = dict(
            self.env["gdpr.consent"]._read_group(
                [
                    ("lead_id", "in", self._origin.ids),
                    ("state", "=", "active"),
                    ("company_id", "in", self.env.companies.ids),
                ],
                ["lead_id"],
                ["__count"],
            )
        )
        for lead in self:
            lead.gdpr_consent_count = counts.get(lead._origin, 0)

    @api.depends_context("allowed_company_ids")
    @api.depends(
        "gdpr_consent_ids.state",
        "gdpr_consent_ids.category_id",
        "partner_id.gdpr_consent_ids.state",
        "partner_id.gdpr_consent_ids.category_id",
    )
    def _compute_gdpr_active_category_ids(self):
        leads = self._origin
        groups = self.env["gdpr.consent"]._read_group(
            [
                ("lead_id", "in", leads.ids),
                ("state", "=", "active"),
                ("company_id", "in", self.env.companies.ids),
            ],
            ["lead_id"],
            ["category_id:array_agg"],
        )
        by_lead = {lead.id: set(category_ids) for lead, category_ids in groups}
        partner_status = self.env["res.partner"]._gdpr_consent_status(
            set(leads.partner_id.ids)
        )
        Category = self.env["gdpr.consent.category"]
        for lead in self:
            ids = by_lead.get(lead._origin.id, set())
            if lead.partner_id:
                ids |= set(
                    partner_status[lead.partner_id._origin.id][
                        "gdpr_active_category_ids"
                    ].ids
                )
            lead.gdpr_active_category_ids = Category.browse(sorted(ids))

    def _search_gdpr_active_category_ids(self, operator, value):
        return search_active_categories(
            self, operator, value, self._gdpr_consent_lead_query
        )

    def _gdpr_consent_lead_query(self, state=None, category_ids=None):
        """SQL: the leads that have, or whose customer has, consents of
        ``self.env.companies`` (see :func:`consent_holder_query`)."""
        return lead_query(
            self.env,
            consent_holder_query(self.env, "lead_id", state, category_ids),
            consent_holder_query(self.env, "partner_id", state, category_ids),
        )

    @api.depends_context("allowed_company_ids")
    @api.depends(
        "gdpr_information_record_ids", "partner_id.gdpr_information_record_ids"
    )
    def _compute_gdpr_informed(self):
        notices = self.env["gdpr.information.notice"]._gdpr_current_notices()
        Record = self.env["gdpr.information.record"]
        leads = self._origin
        informed_leads = {
            lead.id
            for [lead] in Record._read_group(
                [("lead_id", "in", leads.ids), ("notice_id", "in", notices.ids)],
                ["lead_id"],
            )
        }
        informed_partners = {
            partner.id
            for [partner] in Record._read_group(
                [
                    ("partner_id", "in", leads.partner_id.ids),
                    ("notice_id", "in", notices.ids),
                ],
                ["partner_id"],
            )
        }
        for lead in self:
            lead.gdpr_informed = (
                lead._origin.id in informed_leads
                or lead.partner_id._origin.id in informed_partners
            )

    def _search_gdpr_informed(self, operator, value):
        notices = self.env["gdpr.information.notice"]._gdpr_current_notices()
        query = lead_query(
            self.env,
            informed_query(self.env, "lead_id", notices.ids),
            informed_query(self.env, "partner_id", notices.ids),
        )
        return search_boolean(
            operator,
            value,
            query,
            self.env._("Search “Informed” with = or != and True or False."),
        )

    @api.depends("create_date", "source_id.gdpr_from_data_subject")
    def _compute_gdpr_inform_by(self):
        for lead in self:
            if lead.source_id and not lead.source_id.gdpr_from_data_subject:
                created = lead.create_date or fields.Datetime.now()
                lead.gdpr_inform_by = created.date() + relativedelta(months=1)
            else:
                lead.gdpr_inform_by = False

    @api.depends(
        "gdpr_inform_by",
        "gdpr_information_record_ids",
        "partner_id.gdpr_information_record_ids",
    )
    @api.depends_context("tz")
    def _compute_gdpr_inform_overdue(self):
        today = fields.Date.context_today(self)
        late = self.filtered(
            lambda lead: lead.gdpr_inform_by and lead.gdpr_inform_by < today
        )
        informed = self.browse()
        if late._origin:
            informed = self.browse(late._origin._gdpr_ever_informed_ids())
        for lead in self:
            lead.gdpr_inform_overdue = lead in late and lead._origin not in informed

    def _search_gdpr_inform_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(
                self.env._(
                    "Search “Information Overdue” with = or != and True or False."
                )
            )
        overdue = [
            ("gdpr_inform_by", "<", fields.Date.context_today(self)),
            ("id", "not in", self._gdpr_ever_informed_query()),
        ]
        if (operator == "=") == value:
            return overdue
        return ["!", "&", *overdue]

    def _gdpr_ever_informed_query(self):
        """SQL: the leads whose person was given a notice, whatever its
        version, in the lead's company (the clock of Art. 14(3) stops)."""
        self.env["gdpr.information.record"].flush_model(
            ["lead_id", "partner_id", "company_id"]
        )
        self.flush_model(["partner_id", "company_id"])
        return SQL(
            "(SELECT r.lead_id FROM gdpr_information_record r "
            "WHERE r.lead_id IS NOT NULL "
            "UNION SELECT l.id FROM crm_lead l "
            "JOIN gdpr_information_record r ON r.partner_id = l.partner_id "
            "AND (l.company_id IS NULL OR r.company_id = l.company_id))"
        )

    def _gdpr_ever_informed_ids(self):
        """The ids of ``self`` whose person was ever informed (one query)."""
        if not self.ids:
            return []
        self.env.cr.execute(
            SQL(
                "SELECT id FROM crm_lead WHERE id IN %s AND id IN %s",
                tuple(self.ids),
                self._gdpr_ever_informed_query(),
            )
        )
        return [row[0] for row in self.env.cr.fetchall()]

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("gdpr_inform_by"):
                self._gdpr_raise_inform_by_not_writable()
        return super().create(vals_list)

    def write(self, vals):
        if "gdpr_inform_by" in vals:
            new = fields.Date.to_date(vals["gdpr_inform_by"] or False)
            # sudo: the stored deadline is compared, nothing is shown.
            if any(lead.gdpr_inform_by != new for lead in self.sudo()):
                self._gdpr_raise_inform_by_not_writable()
            vals = dict(vals)
            del vals["gdpr_inform_by"]
        # A duty of Art. 14(3) that arose stays when the source is changed or
        # cleared afterwards. sudo: the deadline is kept, nothing is shown.
        deadlines = {}
        if "source_id" in vals:
            deadlines = {
                lead.id: lead.gdpr_inform_by
                for lead in self.sudo()
                if lead.gdpr_inform_by
            }
        res = super().write(vals)
        if deadlines:
            lost = self.sudo().filtered(
                lambda lead: lead.id in deadlines and not lead.gdpr_inform_by
            )
            for lead in lost:
                super(CrmLead, lead).write({"gdpr_inform_by": deadlines[lead.id]})
        if vals.get("partner_id"):
            self._gdpr_hand_over_consents()
        return res

    def _gdpr_raise_inform_by_not_writable(self):
        raise UserError(
            self.env._(
                "“%(field)s” of %(model)s is set by the system and cannot be written.",
                field=self._fields["gdpr_inform_by"]._description_string(self.env),
                model=self.env["ir.model"]._get(self._name).name,
            )
        )

    def _gdpr_hand_over_consents(self):
        """Give the lead's partner to its consents that have no giver yet.

        Consents that already have a giver keep it: a giver never changes.
        """
        for lead in self.filtered("partner_id"):
            consents = lead.gdpr_consent_ids.filtered(
                lambda consent: not consent.partner_id
            )
            if consents:
                consents.write({"partner_id": lead.partner_id.id})
            records = lead.gdpr_information_record_ids.filtered(
                lambda record: not record.partner_id
            )
            if records:
                records.write({"partner_id": lead.partner_id.id})

    def _merge_dependences(self, opportunities):
        # The consents of merged opportunities stay on the resulting one:
        # the merged opportunities are deleted afterwards.
        res = super()._merge_dependences(opportunities)
        opportunities.gdpr_consent_ids._gdpr_move_to_lead(self)
        opportunities.gdpr_information_record_ids._gdpr_move_to_lead(self)
        return res

    def action_view_gdpr_consents(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_gdpr.gdpr_consent_action"
        )
        action["domain"] = [("lead_id", "=", self.id)]
        action["context"] = {
            "default_lead_id": self.id,
            "default_partner_id": self.partner_id.id,
        }
        return action

    def action_open_gdpr_consent_bulk_grant(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_gdpr.gdpr_consent_bulk_grant_action"
        )
        action["context"] = {
            "default_lead_id": self.id,
            "default_partner_ids": self.partner_id.ids,
        }
        return action

    def action_open_gdpr_consent_bulk_withdraw(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_gdpr.gdpr_consent_bulk_withdraw_action"
        )
        action["context"] = {
            "default_lead_ids": self.ids,
            "default_partner_ids": self.partner_id.ids,
        }
        return action

    def action_view_gdpr_information_records(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_gdpr.gdpr_information_record_action"
        )
        action["domain"] = [
            "|",
            ("lead_id", "=", self.id),
            ("partner_id", "=", self.partner_id.id or 0),
        ]
        action["context"] = {
            "default_lead_id": self.id,
            "default_partner_id": self.partner_id.id,
        }
        return action

    def action_gdpr_send_information_notice(self):
        """E-mail the information notice in force to the leads, recorded."""
        return self.env["gdpr.information.record"]._gdpr_send_notice_action(leads=self)

    @api.model
    def _cron_gdpr_inform_overdue(self):
        """Daily: give the salesperson of each lead whose month of Art. 14(3)
        passed an activity to inform the person (once per lead).

        One lead that fails is logged and skipped (SPEC section 9).
        """
        activity_type = self.env.ref(
            "crm_gdpr.mail_activity_type_gdpr_inform", raise_if_not_found=False
        )
        if not activity_type:
            return self.browse()
        leads = self.search([("gdpr_inform_overdue", "=", True)])
        reminded = {
            activity.res_id
            for activity in self.env["mail.activity"].search(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "in", leads.ids),
                    ("activity_type_id", "=", activity_type.id),
                ]
            )
        }
        leads = leads.filtered(lambda lead: lead.id not in reminded)
        officers = self._gdpr_first_officers(leads.company_id)
        process_each(
            leads,
            lambda lead: lead.activity_schedule(
                "crm_gdpr.mail_activity_type_gdpr_inform",
                date_deadline=fields.Date.context_today(lead),
                user_id=lead._gdpr_reminder_user(officers).id,
            ),
            "Information duty reminder",
        )
        return leads

    def _gdpr_reminder_user(self, officers):
        """Who is reminded of the lead: its salesperson, else its team's
        leader, else the first GDPR officer of its company (of any company
        for a lead of none); never OdooBot.

        :param officers: ``{company id: user}`` (see _gdpr_first_officers)
        """
        self.ensure_one()
        for user in (self.user_id, self.team_id.user_id):
            if user and user.active and user.id != SUPERUSER_ID:
                return user
        return officers.get(self.company_id.id) or self.env["res.users"]

    @api.model
    def _gdpr_first_officers(self, companies):
        """The first GDPR officer (by id) of each company, and of any
        company under ``False`` (one query)."""
        group = self.env.ref("crm_gdpr.group_gdpr_officer")
        users = (
            self.env["res.users"]
            .sudo()
            .search(
                [
                    ("groups_id", "in", group.ids),
                    ("share", "=", False),
                    ("id", "!=", SUPERUSER_ID),
                ],
                order="id",
            )
        )
        first = {False: users[:1]}
        for company in companies:
            officer = users.filtered(lambda u, c=company: c in u.company_ids)[:1]
            if officer:
                first[company.id] = officer
        return first
