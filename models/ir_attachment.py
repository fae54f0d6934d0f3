from odoo import models
from odoo.exceptions import UserError

from .gdpr_evidence_mixin import in_evidence_exception, is_append_only_model

# What an attachment of an evidence record is: its file, name and owner.
PROTECTED_FIELDS = frozenset(
    {
        "checksum",
        "datas",
        "db_datas",
        "description",
        "mimetype",
        "name",
        "raw",
        "res_field",
        "res_id",
        "res_model",
        "store_fname",
        "type",
        "url",
    }
)


class IrAttachment(models.Model):
    """Files attached to evidence records are added, never changed or removed.

    The logged erasure is the one exception
    (``gdpr_evidence_mixin.evidence_exception``).
    """

    _inherit = "ir.attachment"

    def write(self, vals):
        if PROTECTED_FIELDS & set(vals):
            self._gdpr_check_append_only()
        return super().write(vals)

    def unlink(self):
        self._gdpr_check_append_only()
        return super().unlink()

    def _gdpr_check_append_only(self):
        # sudo: the document of the attachments, whoever may read them.
        for model, attachments in self.sudo().grouped("res_model").items():
            if is_append_only_model(self.env, model) and not in_evidence_exception(
                self.env, model, attachments.mapped("res_id")
            ):
                raise UserError(
                    self.env._(
                        "The files attached to %s are evidence: they are never "
                        "changed or deleted.",
                        self.env[model]._description,
                    )
                )
