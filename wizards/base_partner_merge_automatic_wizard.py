from markupsafe import Markup

from odoo import models


class BasePartnerMergeAutomaticWizard(models.TransientModel):
    """A partner merge that moves consents is recorded on each consent.

    Odoo's merge moves foreign keys with SQL, past the ORM: consents would
    change giver silently. Each moved consent gets a note and an evidence
    event (``consent_merged``) with its new evidence.
    """

    _inherit = "base.partner.merge.automatic.wizard"

    def _merge(self, partner_ids, dst_partner=None, extra_checks=True):
        # sudo: the merge moves every consent of the partners, whoever may
        # read them; only those consents are touched.
        Consent = self.env["gdpr.consent"].sudo().with_context(active_test=False)
        partners = self.env["res.partner"].browse(partner_ids).exists()
        consents = Consent.search(
            [
                "|",
                ("partner_id", "in", partners.ids),
                ("address_id", "in", partners.ids),
            ]
        )
        before = {
            consent.id: (consent.partner_id, consent.address_id) for consent in consents
        }
        res = super()._merge(
            partner_ids, dst_partner=dst_partner, extra_checks=extra_checks
        )
        consents.invalidate_recordset()
        moved = consents.filtered(
            lambda consent: (
                (consent.partner_id, consent.address_id) != before[consent.id]
            )
        )
        for consent in moved:
            old_partner, old_address = before[consent.id]
            consent.message_post(
                body=Markup("%s")
                % self.env._(
                    "Partner merge: the consent moved from contact #%(old)s to "
                    "contact #%(new)s (address #%(old_address)s → #%(new_address)s).",
                    old=old_partner.id or "-",
                    new=consent.partner_id.id or "-",
                    old_address=old_address.id or "-",
                    new_address=consent.address_id.id or "-",
                ),
                subtype_xmlid="mail.mt_note",
                author_id=self.env.user.partner_id.id,
            )
        self.env["gdpr.evidence.event"]._gdpr_append(moved, "consent_merged")
        return res
