from odoo import api, fields, models
from odoo.exceptions import UserError

# What people were informed of: frozen once a record refers to the notice.
LOCKED_ONCE_GIVEN = ("name", "body", "date_start", "company_id")


class GdprInformationNotice(models.Model):
    """The information notice of Art. 13/14 (klauzula informacyjna).

    A new version of the wording is a new record with a later ``date_start``:
    the notice in force in a company is its active notice with the latest
    start date not after today. People informed of an earlier version are not
    informed of the one in force.
    """

    _name = "gdpr.information.notice"
    _description = "GDPR Information Notice"
    _inherit = ["gdpr.value.check.mixin", "mail.thread"]
    _order = "company_id, date_start desc, id desc"
    _check_company_auto = True

    name = fields.Char(string="Title", required=True, translate=True, tracking=True)
    body = fields.Html(
        string="Wording",
        required=True,
        translate=True,
        sanitize_attributes=True,
        help="What the person is told (Art. 13/14 GDPR): the controller and "
        "its DPO, the purposes and legal bases, recipients, transfers, storage "
        "periods, the rights and the right to complain. Every information "
        "record keeps a copy of it as it was when the person was informed.",
    )
    date_start = fields.Date(
        string="In Force From",
        required=True,
        default=fields.Date.context_today,
        tracking=True,
        help="The notice is in force from this date until a later version of "
        "the company starts.",
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
        tracking=True,
    )
    active = fields.Boolean(default=True, tracking=True)
    is_current = fields.Boolean(
        string="In Force",
        compute="_compute_is_current",
        search="_search_is_current",
        help="The version of the notice in force today in its company.",
    )
    record_ids = fields.One2many(
        "gdpr.information.record", "notice_id", string="Information Records"
    )
    record_count = fields.Integer(
        string="People Informed", compute="_compute_record_count"
    )

    @api.depends_context("allowed_company_ids")
    @api.depends("date_start", "active", "company_id")
    def _compute_is_current(self):
        current = self._gdpr_current_notices(self.company_id)
        for notice in self:
            notice.is_current = notice in current

    def _search_is_current(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(
                self.env._("Search “In Force” with = or != and True or False.")
            )
        current = self._gdpr_current_notices(self.env.companies)
        positive = (operator == "=") == value
        return [("id", "in" if positive else "not in", current.ids)]

    def _compute_record_count(self):
        counts = dict(
            self.env["gdpr.information.record"]._read_group(
                [("notice_id", "in", self.ids)], ["notice_id"], ["__count"]
            )
        )
        for notice in self:
            notice.record_count = counts.get(notice._origin, 0)

    def write(self, vals):
        # Values checked first: the checks below read them.
        vals = self._gdpr_check_values([vals])[0]
        self._gdpr_check_company_move(vals)
        self._check_given_notice_write(vals)
        return super().write(vals)

    def _check_given_notice_write(self, vals):
        """A notice people were informed of never changes its wording, title,
        start date or company: a new version is a new notice (SPEC 13)."""
        fnames = [fname for fname in LOCKED_ONCE_GIVEN if fname in vals]
        if not fnames or not self.ids:
            return
        # sudo: whether records exist decides the rule, whoever can read them.
        given = {
            notice.id
            for [notice] in self.env["gdpr.information.record"]
            .sudo()
            ._read_group([("notice_id", "in", self.ids)], ["notice_id"])
        }
        for notice in self.filtered(lambda n: n.id in given):
            for fname in fnames:
                field = self._fields[fname]
                new = field.convert_to_record(
                    field.convert_to_cache(vals[fname], notice), notice
                )
                if new != notice[fname]:
                    raise UserError(
                        self.env._(
                            "People were informed of notice “%(notice)s”: its "
                            "“%(field)s” cannot change. Archive it and create "
                            "the new version as a new notice.",
                            notice=notice.display_name,
                            field=field._description_string(self.env),
                        )
                    )

    @api.model
    def _gdpr_current_notices(self, companies=None):
        """The notice in force today in each of ``companies``.

        :param companies: default ``self.env.companies``
        :return: at most one notice per company, in one query
        """
        companies = self.env.companies if companies is None else companies
        if not companies:
            return self.browse()
        today = fields.Date.context_today(self)
        notices = self.search_fetch(
            [
                ("company_id", "in", companies.ids),
                ("date_start", "<=", today),
            ],
            ["company_id"],
            order="company_id, date_start desc, id desc",
        )
        current = self.browse()
        seen = set()
        for notice in notices:
            if notice.company_id.id not in seen:
                seen.add(notice.company_id.id)
                current |= notice
        return current

    def action_view_records(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_gdpr.gdpr_information_record_action"
        )
        action["domain"] = [("notice_id", "=", self.id)]
        action["context"] = {"default_notice_id": self.id}
        return action
