from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

# The scales of CNIL's PIA method: likelihood and severity from negligible
# (1) to maximum (4).
LIKELIHOOD = [
    ("1", "Negligible"),
    ("2", "Limited"),
    ("3", "Significant"),
    ("4", "Maximum"),
]
SEVERITY = LIKELIHOOD
LEVELS = [("low", "Low"), ("medium", "Medium"), ("high", "High")]
RISK_TYPES = [
    ("access", "Illegitimate access to data"),
    ("modification", "Unwanted modification of data"),
    ("disappearance", "Disappearance of data"),
    ("other", "Other"),
]


def risk_level(score):
    """The level of a risk scored likelihood × severity (1 to 16).

    High from 9 (significant × significant), medium from 4, low below.
    """
    if not score:
        return False
    if score >= 9:
        return "high"
    if score >= 4:
        return "medium"
    return "low"


class GdprDpiaRisk(models.Model):
    _name = "gdpr.dpia.risk"
    _description = "GDPR Impact Assessment Risk"
    _inherit = ["gdpr.document.line.mixin", "gdpr.evidence.line.mixin"]
    _gdpr_parent_field = "dpia_id"
    _order = "dpia_id, sequence, id"
    _check_company_auto = True

    dpia_id = fields.Many2one(
        "gdpr.dpia",
        string="Impact Assessment",
        required=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(
        related="dpia_id.company_id", store=True, index=True, precompute=True
    )
    sequence = fields.Integer(default=10)
    name = fields.Char(
        string="Risk",
        required=True,
        help="The risk to the rights and freedoms of data subjects: its source, "
        "threat and impact.",
    )
    risk_type = fields.Selection(RISK_TYPES, string="Type", default="access")
    likelihood = fields.Selection(LIKELIHOOD, required=True, default="2")
    severity = fields.Selection(SEVERITY, required=True, default="2")
    score = fields.Integer(compute="_compute_scores", store=True)
    level = fields.Selection(LEVELS, compute="_compute_scores", store=True)
    measures = fields.Text(
        help="The measures envisaged to address the risk (Art. 35(7)(d)).",
    )
    residual_likelihood = fields.Selection(LIKELIHOOD)
    residual_severity = fields.Selection(SEVERITY)
    residual_score = fields.Integer(compute="_compute_scores", store=True)
    residual_level = fields.Selection(
        LEVELS,
        string="Residual Risk",
        compute="_compute_scores",
        store=True,
        help="The risk that remains once the measures are in place.",
    )

    @api.depends("likelihood", "severity", "residual_likelihood", "residual_severity")
    def _compute_scores(self):
        for risk in self:
            risk.score = int(risk.likelihood or 0) * int(risk.severity or 0)
            risk.level = risk_level(risk.score)
            risk.residual_score = int(risk.residual_likelihood or 0) * int(
                risk.residual_severity or 0
            )
            risk.residual_level = risk_level(risk.residual_score)

    @api.constrains(
        "likelihood", "severity", "residual_likelihood", "residual_severity"
    )
    def _check_residual(self):
        for risk in self:
            if bool(risk.residual_likelihood) != bool(risk.residual_severity):
                raise ValidationError(
                    _(
                        "Risk “%s”: score the residual risk by both its likelihood "
                        "and its severity.",
                        risk.name,
                    )
                )
            if risk.residual_likelihood and (
                risk.residual_likelihood > risk.likelihood
                or risk.residual_severity > risk.severity
            ):
                raise ValidationError(
                    _(
                        "Risk “%s”: the residual risk, after the measures, is not "
                        "higher than the risk before them.",
                        risk.name,
                    )
                )
