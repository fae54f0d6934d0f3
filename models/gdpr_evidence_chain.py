from odoo import api, fields, models
from odoo.exceptions import UserError


class GdprEvidenceChain(models.Model):
    """Head of one company's evidence chain: its last sequence and hash.

    Written by ``gdpr.evidence.event._gdpr_append`` only (with SQL, row
    locked); it also lets ``verify_chain`` find deleted events at the end of
    a chain.
    """

    _name = "gdpr.evidence.chain"
    _description = "GDPR Evidence Chain Head"
    _rec_name = "company_id"

    company_id = fields.Many2one("res.company", required=True, readonly=True)
    last_sequence = fields.Integer(readonly=True)
    last_hash = fields.Char(readonly=True)

    _sql_constraints = [
        ("company_uniq", "unique(company_id)", "One evidence chain per company."),
    ]

    @api.model_create_multi
    def create(self, vals_list):  # pylint: disable=method-required-super
        self.check_access("create")
        raise UserError(self.env._("Evidence chains are kept by the system only."))

    def write(self, vals):  # pylint: disable=method-required-super
        self.check_access("write")
        raise UserError(self.env._("Evidence chains are kept by the system only."))

    @api.ondelete(at_uninstall=False)
    def _unlink_except_always(self):
        raise UserError(self.env._("Evidence chains are never deleted."))
