from odoo import api, models


class MailBlacklist(models.Model):
    """Unsubscribe, the other way round (SPEC section 10).

    An address put on the e-mail blacklist by any path — a mailing's
    unsubscribe link, by hand, an import — withdraws the active consents
    bound to it of texts marked *Synchronize Blacklist*. ``_add`` creates or
    re-activates an entry, so ``create`` and ``write`` (re-activation, a
    changed address) see every path.
    """

    _inherit = "mail.blacklist"

    @api.model_create_multi
    def create(self, vals_list):
        # mail.blacklist returns the existing entries of the addresses too:
        # only those that were not blacklisted yet withdraw consents.
        emails = [vals.get("email") for vals in vals_list]
        existing = (
            self.with_context(active_test=False).search([("email", "in", emails)])
            if any(emails)
            else self.browse()
        )
        records = super().create(vals_list)
        added = (records - existing).filtered("active")
        self.env["gdpr.consent"]._gdpr_withdraw_blacklisted(added.mapped("email"))
        return records

    def write(self, vals):
        # Re-activated entries, and active entries given another address,
        # blacklist an address anew: as a new entry, they withdraw.
        before = (
            {entry.id: (entry.active, entry.email) for entry in self}
            if "active" in vals or "email" in vals
            else {}
        )
        res = super().write(vals)
        if before:
            added = self.filtered(
                lambda entry: entry.active and before[entry.id] != (True, entry.email)
            )
            self.env["gdpr.consent"]._gdpr_withdraw_blacklisted(added.mapped("email"))
        return res
