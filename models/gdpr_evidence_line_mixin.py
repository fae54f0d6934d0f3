from odoo import api, models
from odoo.exceptions import UserError


class GdprEvidenceLineMixin(models.AbstractModel):
    """Lines of an evidence record (sub-processors and transfers of a
    processor agreement, risks of an impact assessment).

    The lines are part of the record's evidence: once the parent is evidence
    (its ``_gdpr_evidence_records()``), its lines are neither added, changed
    nor removed. Set ``_gdpr_parent_field`` to the name of the line's parent
    field; the model also inherits ``gdpr.document.line.mixin`` for the
    access checks of the lines of a document.
    """

    _name = "gdpr.evidence.line.mixin"
    _description = "GDPR Evidence Line Mixin"
    _gdpr_parent_field = None

    @api.model_create_multi
    def create(self, vals_list):
        parent_model = self.env[self._fields[self._gdpr_parent_field].comodel_name]
        parent_ids = {
            vals[self._gdpr_parent_field]
            for vals in vals_list
            if isinstance(vals.get(self._gdpr_parent_field), int)
        }
        self._gdpr_check_parents_open(parent_model.browse(parent_ids).exists())
        return super().create(vals_list)

    def write(self, vals):
        self._gdpr_check_parents_open(self[self._gdpr_parent_field])
        res = super().write(vals)
        if self._gdpr_parent_field in vals:
            self._gdpr_check_parents_open(self[self._gdpr_parent_field])
        return res

    def unlink(self):
        self._gdpr_check_parents_open(self[self._gdpr_parent_field])
        return super().unlink()

    def _gdpr_check_parents_open(self, parents):
        """Refuse changing the lines of ``parents`` that are evidence."""
        locked = parents._gdpr_evidence_records()
        if locked:
            raise UserError(
                self.env._(
                    "%(record)s is evidence: its lines (%(lines)s) are no "
                    "longer added, changed or removed.",
                    record=locked[0].display_name,
                    lines=self._description,
                )
            )
