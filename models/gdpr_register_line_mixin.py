from odoo import api, models

from .gdpr_input import (
    check_computed_values,
    check_input_values,
    check_readable_values,
    company_checked_fields,
    record_id,
)


class GdprRegisterLineMixin(models.AbstractModel):
    """Lines of a processing register (activities, joint controllers, transfers).

    Checks the values integrators send and, since record rules are checked
    before a write only, checks access again after a line is moved to
    another parent: it must not leave the user's companies. Set
    ``_gdpr_parent_field`` to the name of the line's parent field.
    """

    _name = "gdpr.register.line.mixin"
    _description = "GDPR Register Line Mixin"
    _gdpr_parent_field = None

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            check_input_values(self, vals)
            # Before the company check, which names the records it refuses.
            check_readable_values(self, [vals], company_checked_fields(self, vals))
        self._gdpr_check_parent_access(vals_list)
        # A line's company is its parent's (related), its scores computed.
        check_computed_values(self.browse(), vals_list)
        return super().create(vals_list)

    def write(self, vals):
        check_input_values(self, vals)
        check_readable_values(self, [vals], company_checked_fields(self, vals))
        self._gdpr_check_parent_access([vals])
        check_computed_values(self, [vals])
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
