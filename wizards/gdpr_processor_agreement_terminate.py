from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError


class GdprProcessorAgreementTerminate(models.TransientModel):
    """Terminate a processor agreement in force: the date and the reason,
    then the termination in one step (state, date, reason, chatter note and
    evidence event)."""

    _name = "gdpr.processor.agreement.terminate"
    _description = "GDPR Processor Agreement Termination"

    agreement_id = fields.Many2one(
        "gdpr.processor.agreement",
        string="Processor Agreement",
        required=True,
        readonly=True,
        ondelete="cascade",
        domain="[('state', '=', 'in_force')]",
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
            if not (wizard.termination_reason or "").strip():
                raise ValidationError(_("Give the reason for the termination."))
            if len(wizard.termination_reason) > 10000:
                raise ValidationError(
                    _(
                        "The reason for the termination is longer than %s characters.",
                        10000,
                    )
                )

    def action_terminate(self):
        self.ensure_one()
        agreement = self.agreement_id
        if agreement.state != "in_force":
            raise UserError(_("Agreement %s is not in force.", agreement.name))
        agreement._gdpr_terminate(self.date_terminated, self.termination_reason)
        return {"type": "ir.actions.act_window_close"}
