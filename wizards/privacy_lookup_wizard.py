from collections import defaultdict

from odoo import _, api, models
from odoo.exceptions import AccessError

# Fields of the lookup that make its log: only the lookup's own actions
# write them (they go to privacy.log, which officers cannot write).
PROTECTED_WIZARD_FIELDS = ("log_id", "execution_details", "line_ids")


class PrivacyLookupWizard(models.TransientModel):
    _inherit = "privacy.lookup.wizard"

    def action_lookup(self):
        """Odoo's lookup, listing only what the user can read.

        Odoo's query reads every table with SQL (no access rule). For anybody
        but a Settings administrator the found records are filtered to those
        the user can read, in the companies the user works in
        (:meth:`_gdpr_filter_references`), before any line (with its record
        name) is made.
        """
        self.ensure_one()
        if self.env.user.has_group("base.group_system"):
            return super().action_lookup()
        query = self._get_query()
        self.env.flush_all()
        self.env.cr.execute(query)
        references = self._gdpr_filter_references(self.env.cr.dictfetchall())
        # sudo: lines and logs are written by the lookup only (see write()).
        self.sudo().line_ids = [(5, 0, 0)] + [(0, 0, ref) for ref in references]
        return self.action_open_lines()

    def _gdpr_filter_references(self, references):
        """The references (query rows) the current user may see.

        A record is kept when the user reads its model and the record
        (record rules) and, for a company-bound record, when it belongs to
        one of ``self.env.companies`` (users: when one of their companies
        does, and so do their partners). Extend it for models with another
        notion of ownership.
        """
        by_model = defaultdict(list)
        for ref in references:
            by_model[ref["res_model_id"]].append(ref)
        models_by_id = {
            model.id: model.model
            for model in self.env["ir.model"].sudo().browse(list(by_model))
        }
        companies = self.env.companies
        kept = []
        for model_id, refs in by_model.items():
            model_name = models_by_id.get(model_id)
            if model_name not in self.env:
                continue
            Model = self.env[model_name].with_context(active_test=False)
            if not Model.has_access("read"):
                continue
            records = Model.browse({ref["res_id"] for ref in refs})._filtered_access(
                "read"
            )
            company_field = Model._fields.get("company_id")
            if company_field and company_field.comodel_name == "res.company":
                records = records.filtered(
                    lambda rec: not rec.company_id or rec.company_id in companies
                )
            if model_name == "res.users":
                records = records.filtered(lambda user: user.company_ids & companies)
            if model_name == "res.partner":
                # A user's partner belongs to the companies of its users.
                records = records.filtered(
                    lambda partner: (
                        not partner.user_ids or partner.user_ids.company_ids & companies
                    )
                )
            allowed = set(records.ids)
            kept += [ref for ref in refs if ref["res_id"] in allowed]
        return kept

    def _post_log(self):
        # sudo: privacy logs are read-only for officers; the lookup writes
        # its own log from its own lines.
        return super(PrivacyLookupWizard, self.sudo())._post_log()

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._gdpr_check_protected(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._gdpr_check_protected(vals)
        return super().write(vals)

    def _gdpr_check_protected(self, vals):
        if self.env.su or self.env.user.has_group("base.group_system"):
            return
        if any(fname in vals for fname in PROTECTED_WIZARD_FIELDS):
            raise AccessError(
                _("The privacy lookup writes its results and its log itself.")
            )
