from collections import defaultdict

from werkzeug import urls

from odoo import api, fields, models, tools
from odoo.exceptions import UserError
from odoo.osv import expression

from .gdpr_search import (
    consent_holder_query,
    gdpr_search_domain,
    informed_query,
    search_active_categories,
    search_boolean,
)

PREFERENCES_TOKEN_SCOPE = "crm_gdpr-preferences"
GDPR_STATUS_FIELDS = (
    "gdpr_consent_count",
    "gdpr_active_category_ids",
    "gdpr_consent_state",
)


class ResPartner(models.Model):
    _inherit = "res.partner"

    gdpr_consent_ids = fields.One2many(
        "gdpr.consent",
        "partner_id",
        string="Consents",
        context={"active_test": False},
        groups="crm_gdpr.group_gdpr_user",
        help="All consents given by this partner, withdrawn ones included.",
    )
    # The consent status counts the consents of the companies the user works
    # in (env.companies) only: company B's consent never lets company A
    # market to a person. Non-stored computes read in one query for all
    # partners of a list; searches read gdpr_consent through its partial
    # index gdpr_consent_active_status_index (see gdpr.consent.init()).
    gdpr_consent_count = fields.Integer(
        string="Active Consents",
        compute="_compute_gdpr_consent_status",
        groups="crm_gdpr.group_gdpr_user",
    )
    gdpr_active_category_ids = fields.Many2many(
        "gdpr.consent.category",
        string="Active Consent Categories",
        compute="_compute_gdpr_consent_status",
        search="_search_gdpr_active_category_ids",
        groups="crm_gdpr.group_gdpr_user",
        help="The categories in which the partner has an active consent in "
        "the companies you work in.",
    )
    gdpr_consent_state = fields.Selection(
        [
            ("none", "No consent"),
            ("active", "Active consent"),
            ("withdrawn", "Withdrawn"),
        ],
        string="Consent Status",
        compute="_compute_gdpr_consent_status",
        search="_search_gdpr_consent_state",
        groups="crm_gdpr.group_gdpr_user",
        help="Active consent: at least one consent is active in the companies "
        "you work in. Withdrawn: consents were given there but all are "
        "withdrawn.",
    )

    # Information duty (Art. 13/14, SPEC section 13)
    gdpr_information_record_ids = fields.One2many(
        "gdpr.information.record",
        "partner_id",
        string="Information Records",
        groups="crm_gdpr.group_gdpr_user",
    )
    gdpr_informed = fields.Boolean(
        string="Informed of the Notice in Force",
        compute="_compute_gdpr_informed",
        search="_search_gdpr_informed",
        groups="crm_gdpr.group_gdpr_user",
        help="The partner was given the information notice in force in the "
        "companies you work in.",
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
    @api.depends("gdpr_consent_ids.state", "gdpr_consent_ids.category_id")
    def _compute_gdpr_consent_status(self):
        status = self._gdpr_consent_status({pid for pid in self._origin.ids if pid})
        for partner in self:
            for fname, value in status[partner._origin.id].items():
                partner[fname] = value

    def web_read(self, specification):
        self._gdpr_prefetch_status(specification)
        return super().web_read(specification)

    def read(self, fields=None, load="_classic_read"):
        self._gdpr_prefetch_status(fields or [])
        return super().read(fields=fields, load=load)

    def _gdpr_prefetch_status(self, fnames):
        """Compute the consent status of all of ``self`` in one query.

        The ORM computes by batches of 1,000 records: a list of 2,000
        partners would cost one query per batch. Reading the status of a
        whole list puts it in the cache at once.
        """
        status_fields = [
            self._fields[fname]
            for fname in GDPR_STATUS_FIELDS
            if fname in fnames and fname in self._fields
        ]
        if len(self) <= models.PREFETCH_MAX or not status_fields:
            return
        if not self.env.user.has_group("crm_gdpr.group_gdpr_user"):
            return  # the read refuses the fields
        todo = self.filtered(
            lambda partner: any(
                not self.env.cache.contains(partner, field) for field in status_fields
            )
        )
        status = self._gdpr_consent_status(set(todo.ids))
        for field in status_fields:
            self.env.cache.update(
                todo,
                field,
                [
                    field.convert_to_cache(status[pid][field.name], todo[:0])
                    for pid in todo.ids
                ],
            )

    def _gdpr_consent_status(self, partner_ids):
        """The consent status of ``partner_ids`` in ``self.env.companies``.

        :return: {partner id: {field name: value}} for the three status
            fields, in one query
        """
        counts = defaultdict(lambda: {"active": 0, "withdrawn": 0, "categories": []})
        if partner_ids:
            groups = (
                self.env["gdpr.consent"]
                .with_context(active_test=False)
                ._read_group(
                    [
                        ("partner_id", "in", list(partner_ids)),
                        ("company_id", "in", self.env.companies.ids),
                    ],
                    ["partner_id", "state"],
                    ["__count", "category_id:array_agg"],
                )
            )
            for partner, state, count, category_ids in groups:
                counts[partner.id][state] = count
                if state == "active":
                    counts[partner.id]["categories"] = category_ids
        status = {}
        for pid in partner_ids | {False}:
            values = counts[pid]
            if values["active"]:
                state = "active"
            elif values["withdrawn"]:
                state = "withdrawn"
            else:
                state = "none"
            status[pid] = {
                "gdpr_consent_count": values["active"],
                "gdpr_active_category_ids": self.env["gdpr.consent.category"].browse(
                    sorted(set(values["categories"]))
                ),
                "gdpr_consent_state": state,
            }
        return status

    def _gdpr_consent_partner_query(self, state=None, category_ids=None):
        """SQL: the partners with consents of ``self.env.companies``.

        :param state: ``"active"`` for active consents only, else any
        :param category_ids: restrict to these categories (active consents)
        """
        return consent_holder_query(self.env, "partner_id", state, category_ids)

    def _search_gdpr_active_category_ids(self, operator, value):
        return search_active_categories(
            self, operator, value, self._gdpr_consent_partner_query
        )

    def _search_gdpr_consent_state(self, operator, value):
        if operator not in ("=", "!=", "in", "not in"):
            raise UserError(self.env._("Unsupported search on the consent status."))
        values = {value} if isinstance(value, str) or not value else set(value)
        values = {v or "none" for v in values}
        if operator in ("!=", "not in"):
            values = {"none", "active", "withdrawn"} - values
        domains = []
        if "active" in values:
            domains.append(
                [("id", "in", self._gdpr_consent_partner_query(state="active"))]
            )
        if "withdrawn" in values:
            domains.append(
                [
                    ("id", "in", self._gdpr_consent_partner_query(state="withdrawn")),
                    ("id", "not in", self._gdpr_consent_partner_query(state="active")),
                ]
            )
        if "none" in values:
            domains.append([("id", "not in", self._gdpr_consent_partner_query())])
        return expression.OR(domains) if domains else [(0, "=", 1)]

    @api.depends_context("allowed_company_ids")
    @api.depends("gdpr_information_record_ids")
    def _compute_gdpr_informed(self):
        notices = self.env["gdpr.information.notice"]._gdpr_current_notices()
        informed = {
            partner.id
            for [partner] in self.env["gdpr.information.record"]._read_group(
                [
                    ("partner_id", "in", self._origin.ids),
                    ("notice_id", "in", notices.ids),
                ],
                ["partner_id"],
            )
        }
        for partner in self:
            partner.gdpr_informed = partner._origin.id in informed

    def _search_gdpr_informed(self, operator, value):
        notices = self.env["gdpr.information.notice"]._gdpr_current_notices()
        return search_boolean(
            operator,
            value,
            informed_query(self.env, "partner_id", notices.ids),
            self.env._("Search “Informed” with = or != and True or False."),
        )

    def action_view_gdpr_information_records(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_gdpr.gdpr_information_record_action"
        )
        action["domain"] = [("partner_id", "=", self.id)]
        action["context"] = {"default_partner_id": self.id}
        return action

    def action_gdpr_send_information_notice(self):
        """E-mail the information notice in force to the partners, recorded."""
        return self.env["gdpr.information.record"]._gdpr_send_notice_action(
            partners=self
        )

    def action_view_gdpr_consents(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_gdpr.gdpr_consent_action"
        )
        action["domain"] = [("partner_id", "=", self.id)]
        action["context"] = {"default_partner_id": self.id}
        return action

    def action_open_gdpr_consent_bulk_grant(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_gdpr.gdpr_consent_bulk_grant_action"
        )
        action["context"] = {"default_partner_ids": self.ids}
        return action

    def action_open_gdpr_consent_bulk_withdraw(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_gdpr.gdpr_consent_bulk_withdraw_action"
        )
        action["context"] = {"default_partner_ids": self.ids}
        return action

    # ------------------------------------------------------------------
    # Data-subject requests (SPEC section 11)
    # ------------------------------------------------------------------
    gdpr_request_ids = fields.One2many(
        "gdpr.request",
        "partner_id",
        string="Data-Subject Requests",
        groups="crm_gdpr.group_gdpr_officer",
    )
    gdpr_request_count = fields.Integer(
        string="Data-Subject Requests",
        compute="_compute_gdpr_request_count",
        groups="crm_gdpr.group_gdpr_officer",
    )

    def _compute_gdpr_request_count(self):
        counts = {}
        Request = self.env["gdpr.request"]
        if Request.has_access("read"):
            counts = dict(
                Request._read_group(
                    [("partner_id", "in", self.ids)], ["partner_id"], ["__count"]
                )
            )
        for partner in self:
            partner.gdpr_request_count = counts.get(partner._origin, 0)

    def action_view_gdpr_requests(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_gdpr.gdpr_request_action"
        )
        action["domain"] = [("partner_id", "=", self.id)]
        action["context"] = {"default_partner_id": self.id}
        return action

    # ------------------------------------------------------------------
    # Preference page (SPEC section 10)
    # ------------------------------------------------------------------
    def _gdpr_preferences_token(self, company):
        """HMAC of the database secret over the partner and the company.

        As Odoo's mailing unsubscribe links: useless for another person or
        another company's consents.
        """
        self.ensure_one()
        return tools.hmac(
            self.env(su=True), PREFERENCES_TOKEN_SCOPE, (self.id, company.id)
        )

    def _gdpr_check_preferences_token(self, company, token):
        """Whether ``token`` signs this partner's page in ``company``."""
        self.ensure_one()
        # consteq compares ASCII strings only: any other token is wrong.
        return (
            isinstance(token, str)
            and token.isascii()
            and bool(token)
            and tools.consteq(token, self._gdpr_preferences_token(company))
        )

    def _gdpr_preferences_url(self, company=None):
        """The link to the partner's consent preference page.

        For mail templates and mailings: ``{{ object._gdpr_preferences_url() }}``
        on a contact (``object.partner_id._gdpr_preferences_url()`` on a
        document). The page lists the partner's consents in ``company``
        (default: the partner's company, else the current one).
        """
        self.ensure_one()
        company = company or self.company_id or self.env.company
        token = self._gdpr_preferences_token(company)
        return (
            f"{self.get_base_url()}/gdpr/preferences/{self.id}/{token}"
            f"?{urls.url_encode({'company_id': company.id})}"
        )

    def _gdpr_preferences_values(self, company):
        """What the partner's preference page shows, read as superuser.

        The partner's own active consents in ``company`` only (each with its
        wording), and the texts marked public in force there that the
        partner has not consented to yet. Call it on the partner the signed
        link names, with ``sudo()``.
        """
        self.ensure_one()
        today = fields.Date.context_today(self)
        consents = self.env["gdpr.consent"].search(
            [
                ("partner_id", "=", self.id),
                ("company_id", "=", company.id),
                ("state", "=", "active"),
            ],
            order="date_given desc, id desc",
        )
        texts = self.env["gdpr.consent.text"].search(
            [
                ("public", "=", True),
                ("company_id", "in", [company.id, False]),
                ("date_start", "<=", today),
                ("category_id.company_id", "in", [company.id, False]),
                ("id", "not in", consents.text_id.ids),
            ]
        )
        return {"consents": consents, "texts": texts}

    def _gdpr_give_public_consent(self, company, text, visit):
        """Give the consent of the public ``text`` on the preference page.

        Refused (``False``) for a text that is not public and in force in
        ``company``, or that the partner already consented to.
        """
        self.ensure_one()
        if text not in self._gdpr_preferences_values(company)["texts"]:
            return self.env["gdpr.consent"]
        source = self.env.ref(
            "crm_gdpr.gdpr_consent_source_preference_page", raise_if_not_found=False
        )
        return (
            self.env["gdpr.consent"]
            .with_company(company)
            ._gdpr_give_self_service(
                [
                    {
                        "partner_id": self.id,
                        "text_id": text.id,
                        "category_id": text.category_id.id,
                        "source_id": source.id if source else False,
                        "company_id": company.id,
                    }
                ],
                visit,
            )
        )

    def _gdpr_withdraw_own_consent(self, company, consent, visit):
        """Withdraw the partner's active ``consent`` of ``company``.

        Anything else (another person's consent, another company's, a
        withdrawn one) is refused (empty recordset).
        """
        self.ensure_one()
        if consent not in self._gdpr_preferences_values(company)["consents"]:
            return self.env["gdpr.consent"]
        return consent._gdpr_withdraw_self_service(visit)

    def _gdpr_is_address_of(self, partner):
        """Whether this contact is an address of ``partner``: ``partner``
        itself or one of its active descendants (contacts, invoice and
        delivery addresses...), what the views offer with the domain
        ``[('id', 'child_of', partner_id)]``.

        Walks up ``parent_id``, which the ORM prefetches for the whole
        recordset: no query per record.
        """
        self.ensure_one()
        if not partner or not self.active:
            return False
        current = self
        while current:
            if current._origin == partner._origin:
                return True
            current = current.parent_id
        return False
