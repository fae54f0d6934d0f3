from odoo import _, models
from odoo.exceptions import UserError


class GdprConsent(models.Model):
    """What stays closed on a consent once its personal data were erased.

    Kept apart from ``gdpr_consent.py`` on purpose: the erasure's traces
    (files, followers, new messages) are one concern, and the chatter rules
    of the evidence live beside the model itself.
    """

    _inherit = "gdpr.consent"

    def _gdpr_erase_chatter_traces(self):
        """Delete the files attached to the consents (and their chatter).

        Called by :meth:`_gdpr_anonymize` once the messages are gone: a file
        posted in the chatter stays attached to the consent and downloadable
        otherwise. A file used as the consent's related terms is unlinked
        from it first (the text's own document is kept: it is no file of the
        consent).
        """
        # sudo: the files of the consents being erased are removed whoever
        # attached them; only those of these consents.
        attachments = (
            self.env["ir.attachment"]
            .sudo()
            .search([("res_model", "=", self._name), ("res_id", "in", self.ids)])
        )
        own_terms = self.filtered(lambda c: c.attachment_id in attachments)
        if own_terms:
            own_terms._write_evidence({"attachment_id": False})
        attachments.unlink()

    def _message_subscribe(self, partner_ids=None, subtype_ids=None, customer_ids=None):
        if partner_ids and not self.env.su:
            self._gdpr_check_not_erased()
        return super()._message_subscribe(
            partner_ids=partner_ids, subtype_ids=subtype_ids, customer_ids=customer_ids
        )

    def message_post(self, **kwargs):
        if not self.env.su:
            self._gdpr_check_not_erased()
        return super().message_post(**kwargs)

    def _gdpr_check_not_erased(self):
        """Refuse followers and messages on consents whose data were erased.

        Nothing may bring the erased person back into the chatter: no
        follower, no message with their name (Art. 17). The erasure's own
        note is posted by the server (sudo).
        """
        erased = self.filtered("is_anonymized")
        if erased:
            raise UserError(
                _(
                    "The personal data of consent %s were erased: its chatter is "
                    "closed.",
                    erased[0].name,
                )
            )
