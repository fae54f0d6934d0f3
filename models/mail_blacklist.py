from odoo import api, models


class MailBlacklist(models.Model):
    """Unsubscribe, the other way round (SPEC section 10).

    An address put on the e-mail blacklist by any path — a mailing's
    unsubscribe link, by hand, an import — withdraws the active consents
    bound to it of texts marked *Synchronise Blacklist*. ``_add`` creates or
    re-activates an entry, so ``create`` and ``write`` see every path.
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
        reactivated = (
            self.filtered(lambda entry: not entry.active)
            if vals.get("active")
            else self.browse()
        )
        res = super().write(vals)
        if reactivated:
            self.env["gdpr.consent"]._gdpr_withdraw_blacklisted(
                reactivated.mapped("email")
            )
        return res
