from odoo import api, models
from odoo.exceptions import UserError

from .gdpr_evidence_mixin import in_evidence_exception, is_append_only_model


class MailTrackingValue(models.Model):
    """Tracking values of evidence records are recorded, never changed.

    Odoo's tracking creates them as superuser; no client creates, changes or
    deletes one on a message of an evidence record (see ``mail_message.py``).
    """

    _inherit = "mail.tracking.value"

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            message_ids = [vals.get("mail_message_id") for vals in vals_list]
            self.env["mail.message"].browse(
                [mid for mid in message_ids if mid]
            )._gdpr_check_append_only()
        return super().create(vals_list)

    def write(self, vals):
        self._gdpr_check_append_only()
        if vals.get("mail_message_id"):
            # Nor moved onto a message of an evidence record.
            self.env["mail.message"].browse(
                vals["mail_message_id"]
            )._gdpr_check_append_only()
        return super().write(vals)

    def unlink(self):
        self._gdpr_check_append_only()
        return super().unlink()

    def _gdpr_check_append_only(self):
        # sudo: the document of the tracked messages, whoever may read them.
        for model, values in (
            self.sudo().grouped(lambda value: value.mail_message_id.model).items()
        ):
            if is_append_only_model(self.env, model) and not in_evidence_exception(
                self.env, model, values.mail_message_id.mapped("res_id")
            ):
                raise UserError(
                    self.env._(
                        "The tracking values of %s are evidence: they are never "
                        "changed or deleted.",
                        self.env[model]._description,
                    )
                )
