from odoo import api, models

from .gdpr_input import check_input_values


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
        return super().create(vals_list)

    def write(self, vals):
        check_input_values(self, vals)
        res = super().write(vals)
        if self._gdpr_parent_field in vals:
            self.check_access("write")
        return res
