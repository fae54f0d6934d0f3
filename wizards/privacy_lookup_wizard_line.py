from odoo import _, models
from odoo.exceptions import UserError


class PrivacyLookupWizardLine(models.TransientModel):
    _inherit = "privacy.lookup.wizard.line"

    def _privacy_target(self):
        """Return the record a line points to, as the current user.

        Odoo's privacy lookup acts with ``sudo()`` because only Settings
        administrators may use it. crm_gdpr opens it to the GDPR officer too,
        so for anybody else than an administrator the user's own access
        rights are checked first: the lookup must never widen them.
        """
        self.ensure_one()
        record = self.env[self.res_model].browse(self.res_id)
        if not self.env.user.has_group("base.group_system"):
            record.check_access("write")
        return record

    def action_unlink(self):
        """Erase through the record's own hook when it has one.

        A model that must keep the anonymous fact that a record existed (a
        consent is evidence: it is never deleted) implements
        ``_privacy_lookup_erase()``, which removes every personal datum and
        returns a short description of what it did. Other records are deleted
        as Odoo's privacy lookup does.
        """
        self.ensure_one()
        if self.is_unlinked:
            raise UserError(_("The record is already unlinked."))
        record = self._privacy_target()
        if not hasattr(record, "_privacy_lookup_erase"):
            record.check_access("unlink")
            return super().action_unlink()
        details = record._privacy_lookup_erase()
        # One sentence per erasable model (no model name spliced into a
        # sentence: "Zanonimizowano zgodę", not "Zanonimizowano Zgoda RODO").
        self.execution_details = record._privacy_lookup_erase_message(details)
        self.is_unlinked = True
        return True

    def _onchange_is_active(self):
        for line in self:
            if line.res_model_id and line.res_id:
                line._privacy_target()
        return super()._onchange_is_active()
