from odoo import api, models

from ..utils import record_id


class GdprDocumentLineMixin(models.AbstractModel):
    """Lines of a GDPR document: of a processing register (activities, joint
    controllers, transfers), of a processor agreement (controllers,
    sub-processors, transfers), of an impact assessment (risks).

    A line is written by who may write its parent; the records it links to
    must be readable, values the server computes (the line's company) are
    not written; and, since record rules are checked before a write only,
    access is checked again after a line is moved to another parent: it
    must not leave the user's companies. Set ``_gdpr_parent_field`` to the
    name of the line's parent field.
    """

    _name = "gdpr.document.line.mixin"
    _description = "GDPR Document Line Mixin"
    _inherit = ["gdpr.value.check.mixin"]
    _gdpr_parent_field = None

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            # Before the company check, which names the records it refuses.
            self._gdpr_check_readable_values(
                [vals], self._gdpr_company_checked_fields(vals)
            )
        self._gdpr_check_parent_access(vals_list)
        # A line's company is its parent's (related), its scores computed.
        self.browse()._gdpr_check_computed_values(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        self._gdpr_check_readable_values(
            [vals], self._gdpr_company_checked_fields(vals)
        )
        self._gdpr_check_parent_access([vals])
        self._gdpr_check_computed_values([vals])
        res = super().write(vals)
        if self._gdpr_parent_field in vals:
            self.check_access("write")
        return res

    @api.model
    def _gdpr_check_parent_access(self, vals_list):
        """Refuse lines of a parent the user cannot write, before anything
        else (a unique constraint answering first would tell what another
        company's parent holds)."""
        fname = self._gdpr_parent_field
        ids = {record_id(vals.get(fname)) for vals in vals_list} - {False}
        if fname and ids and not self.env.su:
            comodel = self._fields[fname].comodel_name
            self.env[comodel].browse(ids).check_access("write")
