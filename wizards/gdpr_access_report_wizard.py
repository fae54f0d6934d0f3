from odoo import api, fields, models


class GdprAccessReportWizard(models.TransientModel):
    """Print the Art. 15 access report in the language the user chooses."""

    _name = "gdpr.access.report.wizard"
    _description = "GDPR Access Report Language"
    _inherit = ["gdpr.value.check.mixin"]

    @api.model
    def _get_lang_selection(self):
        return self.env["res.lang"].get_installed()

    @api.model
    def _default_partner_ids(self):
        if self.env.context.get("active_model") == "res.partner":
            return self.env.context.get("active_ids") or []
        return []

    partner_ids = fields.Many2many(
        "res.partner",
        string="Data Subjects",
        default=lambda self: self._default_partner_ids(),
    )
    lang = fields.Selection(
        _get_lang_selection,
        string="Language",
        compute="_compute_lang",
        store=True,
        readonly=False,
        required=True,
        help="The language of the report: by default the data subject's.",
    )

    @api.depends("partner_ids")
    def _compute_lang(self):
        installed = dict(self._get_lang_selection())
        for wizard in self:
            lang = wizard.partner_ids[:1].lang
            wizard.lang = lang if lang in installed else self.env.lang or "en_US"

    def action_print(self):
        self.ensure_one()
        report = self.env.ref("crm_gdpr.action_report_partner_personal_data")
        # The context language of the page footer, the data's of the document.
        return report.with_context(gdpr_report_lang=self.lang).report_action(
            self.partner_ids, data={"lang": self.lang}
        )
