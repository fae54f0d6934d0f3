from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..utils import is_blank


class GdprProcessorAgreementTerminate(models.TransientModel):
    """Terminate a processor agreement in force: the date and the reason,
    then the termination in one step (state, date, reason, chatter note and
    evidence event). A dialog is its creator's, in the agreement's company
    (record rules)."""

    _name = "gdpr.processor.agreement.terminate"
    _description = "GDPR Processor Agreement Termination"
    _inherit = ["gdpr.value.check.mixin"]
    _check_company_auto = True

    agreement_id = fields.Many2one(
        "gdpr.processor.agreement",
        string="Processor Agreement",
        required=True,
        readonly=True,
        ondelete="cascade",
        check_company=True,
        domain="[('state', '=', 'in_force')]",
    )
    company_id = fields.Many2one(
        related="agreement_id.company_id", store=True, index=True, precompute=True
    )
    date_terminated = fields.Date(
        string="Terminated On",
        required=True,
        compute="_compute_termination",
        store=True,
        readonly=False,
        precompute=True,
        help="The day the agreement ends: not in the future, not before its signature.",
    )
    termination_reason = fields.Text(
        string="Reason for Termination",
        required=True,
        compute="_compute_termination",
        store=True,
        readonly=False,
        precompute=True,
    )

    @api.depends("agreement_id")
    def _compute_termination(self):
        """Today and no reason, or what was prepared on the agreement before
        the termination had its dialog."""
        today = fields.Date.context_today(self)
        for wizard in self:
            wizard.date_terminated = wizard.agreement_id.date_terminated or today
            wizard.termination_reason = wizard.agreement_id.termination_reason

    @api.constrains("date_terminated", "termination_reason", "agreement_id")
    def _check_termination(self):
        today = fields.Date.context_today(self)
        for wizard in self:
            if wizard.date_terminated > today:
                raise ValidationError(
                    _("An agreement cannot be terminated in the future.")
                )
            signed = wizard.agreement_id.date_signed
            if signed and wizard.date_terminated < signed:
                raise ValidationError(
                    _(
                        "Agreement %(name)s was signed on %(date)s: it cannot be "
                        "terminated before.",
                        name=wizard.agreement_id.name,
                        date=fields.Date.to_string(signed),
                    )
                )
            if is_blank(wizard.termination_reason):
                raise ValidationError(_("Give the reason for the termination."))

    @api.model
    def default_get(self, fields_list):
        defaults = super().default_get(fields_list)
        self._check_agreement_readable(defaults)
        return defaults

    @api.model_create_multi
    def create(self, vals_list):
        self.browse().check_access("create")
        for vals in vals_list:
            self._check_agreement_readable(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._check_agreement_readable(vals)
        return super().write(vals)

    def onchange(self, values, field_names, fields_spec):
        # The dialog's form names its agreement: never one the user cannot
        # read (its number and processor are computed as superuser).
        self._check_agreement_readable(values if isinstance(values, dict) else {})
        return super().onchange(values, field_names, fields_spec)

    @api.model
    def _check_agreement_readable(self, vals):
        self._gdpr_check_readable_values(
            [vals],
            ["agreement_id"],
            message=_("You cannot terminate an agreement you cannot read."),
        )

    def action_terminate(self):
        self.ensure_one()
        agreement = self.agreement_id
        if agreement.state != "in_force":
            raise UserError(_("Agreement %s is not in force.", agreement.name))
        agreement._gdpr_terminate(self.date_terminated, self.termination_reason)
        return {"type": "ir.actions.act_window_close"}
