from odoo import api, models, tools
from odoo.exceptions import UserError

from .gdpr_evidence_mixin import in_evidence_exception, is_append_only_model

# Message fields that are part of what the chatter of an evidence record
# shows; the others (stars, notifications) are each reader's own state.
PROTECTED_FIELDS = frozenset(
    {
        "attachment_ids",
        "author_guest_id",
        "author_id",
        "body",
        "date",
        "email_from",
        "message_type",
        "model",
        "parent_id",
        "partner_ids",
        "record_name",
        "res_id",
        "subject",
        "subtype_id",
        "tracking_value_ids",
    }
)


class MailMessage(models.Model):
    """Append-only chatter of the evidence models (SPEC section 7).

    On the records of models with ``_gdpr_append_only_chatter``: nobody
    edits or deletes a message (``_message_update_content``, ``write``,
    ``load`` and ``unlink`` all end here), and a client posts only in its
    own name, at the current time, without tracking values: those are
    logged by Odoo's tracking as superuser. The logged erasure is the one
    exception (``gdpr_evidence_mixin.evidence_exception``).
    """

    _inherit = "mail.message"

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            own = self.env.user.partner_id.id
            for vals in vals_list:
                if not is_append_only_model(self.env, vals.get("model")):
                    continue
                # No author at all shows the e-mail address as the author:
                # posting without one is posting in someone else's name too.
                if vals.get("author_id") != own or not self._gdpr_is_own_email(
                    vals.get("email_from")
                ):
                    raise UserError(
                        self.env._(
                            "Messages on GDPR evidence are posted in your own name "
                            "only."
                        )
                    )
                if vals.get("author_guest_id") or vals.get("date"):
                    raise UserError(
                        self.env._(
                            "Messages on GDPR evidence are posted in your own name, "
                            "at the current time."
                        )
                    )
                if vals.get("tracking_value_ids"):
                    raise UserError(
                        self.env._(
                            "Tracking values of GDPR evidence are recorded by the "
                            "system only."
                        )
                    )
        return super().create(vals_list)

    def write(self, vals):
        if PROTECTED_FIELDS & set(vals):
            self._gdpr_check_append_only()
        if {"model", "res_id"} & set(vals):
            self._gdpr_check_move_in(vals)
        return super().write(vals)

    def unlink(self):
        self._gdpr_check_append_only()
        return super().unlink()

    @api.model
    def _gdpr_is_own_email(self, email_from):
        """Whether ``email_from`` is empty or the current user's own address."""
        if not email_from:
            return True
        own = self.env.user.partner_id.email_normalized
        return bool(own) and tools.email_normalize(email_from) == own

    def _gdpr_check_move_in(self, vals):
        """Refuse moving messages into the chatter of evidence records.

        A message written elsewhere (backdated, in another author's name,
        with forged tracking values) would read as the record's history.
        """
        # sudo: where the messages are now, whoever may read them.
        for message in self.sudo():
            model = vals.get("model", message.model)
            res_id = vals.get("res_id", message.res_id)
            if (model, res_id) == (message.model, message.res_id):
                continue
            if is_append_only_model(self.env, model) and not in_evidence_exception(
                self.env, model, [res_id]
            ):
                raise UserError(
                    self.env._(
                        "The chatter of %s is evidence: messages are posted on it, "
                        "never moved into it.",
                        self.env[model]._description,
                    )
                )

    def _gdpr_check_append_only(self):
        """Refuse changing messages of evidence records, outside the erasure."""
        # sudo: the model and document of the messages, whoever may read them.
        for model, messages in self.sudo().grouped("model").items():
            if is_append_only_model(self.env, model) and not in_evidence_exception(
                self.env, model, messages.mapped("res_id")
            ):
                raise UserError(
                    self.env._(
                        "The chatter of %s is evidence: its messages are never "
                        "changed or deleted.",
                        self.env[model]._description,
                    )
                )
