from odoo import api, models
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

    Added to records that exist: Odoo skips the access check for ids that do
    not exist (yet), so a file planted on a future consent id would become
    evidence of somebody else's consent. The terms document of a consent
    (its ``attachment_id``, usually its text's document) is kept as it was
    consented to as well. The logged erasure is the one exception
    (``gdpr_evidence_mixin.evidence_exception``).
    """

    _inherit = "ir.attachment"

    @api.model_create_multi
    def create(self, vals_list):
        self._gdpr_check_evidence_target(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        if PROTECTED_FIELDS & set(vals):
            self._gdpr_check_append_only()
        if {"res_model", "res_id"} & set(vals):
            self._gdpr_check_evidence_target(
                [
                    {
                        "res_model": vals.get("res_model", attachment.res_model),
                        "res_id": vals.get("res_id", attachment.res_id),
                    }
                    for attachment in self.sudo()
                ]
            )
        return super().write(vals)

    @api.model
    def _gdpr_check_evidence_target(self, vals_list):
        """Refuse files for evidence records that do not exist."""
        if self.env.su:
            return
        ids = {}
        for vals in vals_list:
            model = vals.get("res_model")
            if vals.get("res_id") and is_append_only_model(self.env, model):
                ids.setdefault(model, set()).add(vals["res_id"])
        for model, res_ids in ids.items():
            if len(self.env[model].browse(res_ids).exists()) != len(res_ids):
                raise UserError(
                    self.env._(
                        "Files are attached to existing %s records only.",
                        self.env[model]._description,
                    )
                )

    def unlink(self):
        self._gdpr_check_append_only()
        return super().unlink()

    def _gdpr_check_append_only(self):
        # sudo: the consents whose terms the files are, whoever may read them.
        if self and self.env["gdpr.consent"].sudo().with_context(
            active_test=False
        ).search_count([("attachment_id", "in", self.ids)], limit=1):
            raise UserError(
                self.env._(
                    "This file is the terms document of a consent: it is kept as "
                    "it was consented to and is never changed, moved or deleted."
                )
            )
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
