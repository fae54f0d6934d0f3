from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL
from odoo.tools.sql import index_exists


class GdprDictionaryMixin(models.AbstractModel):
    """Shared behavior of the GDPR dictionaries (Polish: słowniki).

    A dictionary is a small admin-configurable list: a translatable name, an
    order, an archive flag, an optional company (empty = shared by all
    companies) and at most one entry marked as the default per company.
    Inherit it with ``_inherit = ["gdpr.dictionary.mixin"]`` and get the
    single-default rule and :meth:`_get_default` for free.
    """

    _name = "gdpr.dictionary.mixin"
    _description = "GDPR Dictionary Mixin"
    _inherit = ["gdpr.value.check.mixin", "mail.thread"]
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
    is_default = fields.Boolean(
        string="Default",
        tracking=True,
        help="Proposed by default in new records. Marking an entry as the "
        "default unmarks the previous default of the same company.",
    )
    company_id = fields.Many2one(
        "res.company",
        index=True,
        help="Leave empty to share this entry with all companies.",
    )

    def init(self):
        """Guard the single-default rule in the database as well."""
        super().init()
        if self._abstract:
            return
        indexname = f"{self._table}_single_default_uniq"
        if not index_exists(self.env.cr, indexname):
            self.env.cr.execute(
                SQL(
                    "CREATE UNIQUE INDEX %s ON %s (COALESCE(company_id, 0)) "
                    "WHERE is_default",
                    SQL.identifier(indexname),
                    SQL.identifier(self._table),
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        self._unmark_previous_defaults(
            [vals for vals in vals_list if vals.get("is_default")]
        )
        return super().create(vals_list)

    def write(self, vals):
        self._gdpr_check_company_move(vals)
        if vals.get("is_default") or (
            "company_id" in vals and any(self.mapped("is_default"))
        ):
            new_vals = []
            for record in self:
                if vals.get("is_default", record.is_default):
                    new_vals.append(
                        {"company_id": vals.get("company_id", record.company_id.id)}
                    )
            self._unmark_previous_defaults(new_vals, exclude=self)
        return super().write(vals)

    def _update_field_translations(self, field_name, translations, digest=None, **kw):
        # In a savepoint: a translation over the field's length limit is
        # refused and leaves nothing written (SPEC section 9).
        with self.env.cr.savepoint():
            res = super()._update_field_translations(
                field_name, translations, digest=digest, **kw
            )
            self._gdpr_check_translation_values(field_name, translations)
        return res

    def _unmark_previous_defaults(self, vals_list, exclude=None):
        """Unmark the current default of every company getting a new one.

        :param vals_list: values of the records about to become the default;
            only their ``company_id`` is read (falsy = shared entry)
        :param exclude: records that keep their flag (the ones being written)
        """
        company_ids = [vals.get("company_id") or False for vals in vals_list]
        if not company_ids:
            return
        if len(set(company_ids)) < len(company_ids):
            raise ValidationError(
                _(
                    "Only one entry of “%(dictionary)s” can be the default of the "
                    "same company.",
                    dictionary=self._description,
                )
            )
        domain = [("is_default", "=", True), ("company_id", "in", list(company_ids))]
        if exclude:
            domain.append(("id", "not in", exclude.ids))
        # sudo: the previous default may belong to a company the user cannot
        # see; only its flag changes, and the caller already writes a default.
        previous = self.sudo().with_context(active_test=False).search(domain)
        if previous:
            previous.write({"is_default": False})
            # Flush now: the unique index must see the old default unmarked
            # before the new one is inserted or updated.
            previous.flush_recordset(["is_default"])

    @api.model
    def _get_default(self, company=None):
        """Return the default entry for ``company`` (default: current company).

        An entry of the company itself wins over a shared one. Override to
        plug another way of choosing the default (e.g. per sales team).
        """
        company = company or self.env.company
        defaults = self.search(
            [("is_default", "=", True), ("company_id", "in", [company.id, False])],
            order="company_id asc, sequence, id",
        )
        return defaults[:1]
