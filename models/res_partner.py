from collections import defaultdict

from odoo import api, fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    gdpr_consent_ids = fields.One2many(
        "gdpr.consent",
        "partner_id",
        string="Consents",
        context={"active_test": False},
        help="All consents given by this partner, withdrawn ones included.",
    )
    gdpr_consent_count = fields.Integer(
        string="Active Consents",
        compute="_compute_gdpr_consent_count",
    )
    gdpr_active_category_ids = fields.Many2many(
        "gdpr.consent.category",
        "gdpr_partner_active_category_rel",
        "partner_id",
        "category_id",
        string="Active Consent Categories",
        compute="_compute_gdpr_consent_state",
        store=True,
        help="The categories in which the partner has an active consent.",
    )
    gdpr_consent_state = fields.Selection(
        [
            ("none", "No consent"),
            ("active", "Active consent"),
            ("withdrawn", "Withdrawn"),
        ],
        string="Consent Status",
        compute="_compute_gdpr_consent_state",
        store=True,
        help="Active consent: at least one consent is active. Withdrawn: "
        "consents were given but all are withdrawn.",
    )

    @api.depends("gdpr_consent_ids.state")
    def _compute_gdpr_consent_count(self):
        counts = dict(
            self.env["gdpr.consent"]._read_group(
                [("partner_id", "in", self.ids), ("state", "=", "active")],
                ["partner_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.gdpr_consent_count = counts.get(partner._origin, 0)

    @api.depends(
        "gdpr_consent_ids.state",
        "gdpr_consent_ids.category_id",
    )
    def _compute_gdpr_consent_state(self):
        # Assigning a stored many2many writes it at once: assign each distinct
        # set of categories to all its partners together, after loading the
        # previous values in one query, so that the cost does not grow with
        # the number of partners.
        partners_by_categories = defaultdict(lambda: self.browse())
        for partner in self:
            consents = partner.gdpr_consent_ids
            active = consents.filtered(lambda consent: consent.state == "active")
            partners_by_categories[active.category_id] |= partner
            if active:
                partner.gdpr_consent_state = "active"
            elif consents:
                partner.gdpr_consent_state = "withdrawn"
            else:
                partner.gdpr_consent_state = "none"
        for categories, partners in partners_by_categories.items():
            partners.gdpr_active_category_ids = categories

    @api.model
    def _search(self, domain, *args, **kwargs):
        # A condition on a many2many reads its relation table without
        # flushing the pending recomputations of the field: flush them first
        # so that consents registered in the same transaction are found.
        if any(
            isinstance(leaf, (list, tuple))
            and isinstance(leaf[0], str)
            and leaf[0].startswith("gdpr_active_category_ids")
            for leaf in domain
        ):
            self.flush_model(["gdpr_active_category_ids"])
        return super()._search(domain, *args, **kwargs)

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
