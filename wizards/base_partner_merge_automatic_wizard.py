from markupsafe import Markup

from odoo import models
from odoo.exceptions import UserError
from odoo.osv import expression

# Evidence records naming partners that Odoo's merge rewrites with SQL, and
# the event that records the move (consents are handled on their own).
MERGE_LOGGED = (
    ("gdpr.breach", ("dpo_id", "notifier_id", "processor_id"), "breach_updated"),
    ("gdpr.information.record", ("partner_id",), "information_merged"),
)


class BasePartnerMergeAutomaticWizard(models.TransientModel):
    """A partner merge that moves consents is recorded on each consent.

    Odoo's merge moves foreign keys with SQL, past the ORM: consents would
    change giver silently. Each moved consent gets a note and an evidence
    event (``consent_merged``) with its new evidence.
    """

    _inherit = "base.partner.merge.automatic.wizard"

    def _merge(self, partner_ids, dst_partner=None, extra_checks=True):
        self._gdpr_check_bound_partners(partner_ids, dst_partner)
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
        logged = self._gdpr_merged_records(partners)
        res = super()._merge(
            partner_ids, dst_partner=dst_partner, extra_checks=extra_checks
        )
        self._gdpr_log_merged_records(logged)
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

    def _gdpr_merged_records(self, partners):
        """The breaches and information records naming ``partners``, with
        the partners they name before the merge."""
        logged = []
        for model, fnames, event_type in MERGE_LOGGED:
            # sudo: the merge moves every record of the partners, whoever may
            # read them; only those records are touched.
            Model = self.env[model].sudo().with_context(active_test=False)
            records = Model.search(
                expression.OR([[(fname, "in", partners.ids)] for fname in fnames])
            )
            before = {row["id"]: row for row in records.read(fnames, load=None)}
            logged.append((records, fnames, event_type, before))
        return logged

    def _gdpr_log_merged_records(self, logged):
        """Record each move of :meth:`_gdpr_merged_records` in the chatter
        and the evidence log."""
        for records, fnames, event_type, before in logged:
            records.invalidate_recordset()
            after = {row["id"]: row for row in records.read(fnames, load=None)}
            moved = records.filtered(lambda r, a=after, b=before: a[r.id] != b[r.id])
            for record in moved:
                changed = [
                    fname
                    for fname in fnames
                    if after[record.id][fname] != before[record.id][fname]
                ]
                record.message_post(
                    body=self.env._(
                        "Partner merge: %(fields)s moved to the contact that "
                        "stays (#%(new)s).",
                        fields=", ".join(
                            record._fields[fname]._description_string(self.env)
                            for fname in changed
                        ),
                        new=", #".join(
                            str(after[record.id][fname]) for fname in changed
                        ),
                    ),
                    subtype_xmlid="mail.mt_note",
                    author_id=self.env.user.partner_id.id,
                )
            self.env["gdpr.evidence.event"]._gdpr_append(moved, event_type)

    def _gdpr_check_bound_partners(self, partner_ids, dst_partner):
        """Refuse merging away a partner bound by an agreement that was in
        force (processor, sub-processor) or named by a decided impact
        assessment (DPO). Their evidence names the partner by id: the merge
        would rewrite it with SQL, past the evidence log, and the signed
        contract would name another party."""
        partners = self.env["res.partner"].browse(partner_ids).exists()
        if dst_partner and dst_partner in partners:
            merged = partners - dst_partner
        else:
            # As Odoo's _merge chooses: the last of the ordered partners stays.
            merged = self._get_ordered_partner(partners.ids)[:-1]
        if not merged:
            return
        # sudo: every agreement and assessment of every company binds the
        # partner, whoever may read them; only whether one does is read and
        # the message names no record the user may not see.
        Agreement = self.env["gdpr.processor.agreement"].sudo()
        bound = Agreement.search_count(
            [
                ("state", "in", ("in_force", "expired", "terminated")),
                "|",
                ("processor_id", "in", merged.ids),
                ("subprocessor_ids.partner_id", "in", merged.ids),
            ],
            limit=1,
        ) or self.env["gdpr.dpia"].sudo().search_count(
            [("state", "=", "decided"), ("dpo_id", "in", merged.ids)], limit=1
        )
        if bound:
            raise UserError(
                self.env._(
                    "A contact to be merged is a party to a processor agreement "
                    "that was in force, or the DPO of a decided impact "
                    "assessment: that evidence names it and does not change. "
                    "Keep this contact as the destination of the merge, or do "
                    "not merge it."
                )
            )
