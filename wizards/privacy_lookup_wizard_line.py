from odoo import _, api, models
from odoo.exceptions import AccessError, UserError

# What a lookup line records of its record and of what was done to it: only
# the lookup itself writes it (it goes to privacy.log).
PROTECTED_LINE_FIELDS = (
    "wizard_id",
    "res_id",
    "res_model_id",
    "res_name",
    "is_unlinked",
    "execution_details",
)


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
            # sudo: the user's right to delete the record was checked; the
            # line and its log are written by the lookup only.
            return super(PrivacyLookupWizardLine, self.sudo()).action_unlink()
        details = record._privacy_lookup_erase()
        # sudo: the line and its log are written by the lookup only. One
        # sentence per erasable model (no model name spliced into a sentence:
        # "Zanonimizowano zgodę", not "Zanonimizowano Zgoda RODO").
        self.sudo().write(
            {
                "execution_details": record._privacy_lookup_erase_message(details),
                "is_unlinked": True,
            }
        )
        return True

    def _onchange_is_active(self):
        for line in self:
            if line.res_model_id and line.res_id:
                line._privacy_target()
        # sudo: the user's right to write the record was checked; the line
        # and its log are written by the lookup only.
        return super(PrivacyLookupWizardLine, self.sudo())._onchange_is_active()

    @api.model_create_multi
    def create(self, vals_list):
        if not self._gdpr_lookup_writes_itself():
            raise AccessError(_("Lines of the privacy lookup come from its search."))
        return super().create(vals_list)

    def write(self, vals):
        if not self._gdpr_lookup_writes_itself() and any(
            fname in vals for fname in PROTECTED_LINE_FIELDS
        ):
            raise AccessError(
                _("The privacy lookup records what was done to its lines itself.")
            )
        return super().write(vals)

    def _gdpr_lookup_writes_itself(self):
        return self.env.su or self.env.user.has_group("base.group_system")
