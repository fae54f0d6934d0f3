"""Searches on the GDPR fields of partners and leads, as their reads.

Odoo checks a field's ``groups`` when it is read, not when a domain names
it, and turns a one2many leaf given ids or ``False`` into a subquery
without the comodel's record rules. :func:`gdpr_search_domain` closes both
(SPEC section 8): a user without GDPR rights cannot filter by a GDPR field,
and a consent the user cannot read never decides which records match.
"""

from odoo import models
from odoo.exceptions import AccessError, UserError
from odoo.osv import expression
from odoo.tools import SQL

# Operators whose one2many leaf Odoo answers without record rules.
POSITIVE_OPERATORS = ("=", "in", "like", "ilike", "=like", "=ilike")


def gdpr_search_domain(model, domain, one2many_fields=()):
    """``domain`` with the GDPR field leaves checked and scoped.

    :param model: the model searched (``res.partner``, ``crm.lead``)
    :param domain: the domain of ``_search``
    :param one2many_fields: names of the GDPR one2many fields, whose leaves
        are rewritten with ``any`` / ``not any`` (record rules apply)
    :raise AccessError: when a leaf names a GDPR field the user cannot read
    """
    if model.env.su or not domain:
        return domain
    result = []
    for elem in domain:
        if not expression.is_leaf(elem) or not isinstance(elem[0], str):
            result.append(elem)
            continue
        path = elem[0].split(".")
        field = model._fields.get(path[0])
        if field is None or not path[0].startswith("gdpr_"):
            result.append(elem)
            continue
        if not field.is_accessible(model.env):
            raise AccessError(
                model.env._(
                    "You cannot search %(model)s by “%(field)s”: it is visible "
                    "to GDPR users only.",
                    model=model._description,
                    field=field._description_string(model.env),
                )
            )
        if path[0] in one2many_fields and len(path) == 1:
            elem = _scoped_one2many_leaf(elem)
        result.append(elem)
    return result


def _scoped_one2many_leaf(leaf):
    """The one2many ``leaf`` as an ``any`` / ``not any`` leaf."""
    fname, operator, value = leaf[0], leaf[1], leaf[2]
    if operator in ("any", "not any"):
        return leaf
    negative = operator in expression.NEGATIVE_TERM_OPERATORS
    if negative:
        operator = expression.TERM_OPERATORS_NEGATION[operator]
    if operator not in POSITIVE_OPERATORS:
        return leaf
    if value is False or value is None:
        # "= False": no (readable) record; "!= False": some.
        return (fname, "any" if negative else "not any", [])
    if isinstance(value, str):
        subdomain = [("display_name", operator, value)]
    else:
        ids = [value] if isinstance(value, int) else list(value)
        subdomain = [("id", "in", ids)]
    return (fname, "not any" if negative else "any", subdomain)


# ----------------------------------------------------------------------
# Consent status shared by partners and leads (SPEC sections 2, 8, 13)
# ----------------------------------------------------------------------
def consent_holder_query(env, column, state=None, category_ids=None):
    """SQL: the ``column`` values of the consents of ``env.companies``.

    :param column: ``"partner_id"`` or ``"lead_id"``
    :param state: ``"active"`` for active consents only, else any
    :param category_ids: restrict to these categories
    """
    env["gdpr.consent"].flush_model([column, "company_id", "state", "category_id"])
    conditions = [
        SQL("c.%s IS NOT NULL", SQL.identifier(column)),
        SQL("c.company_id = ANY(%s)", env.companies.ids),
    ]
    if state:
        conditions.append(SQL("c.state = %s", state))
    if category_ids is not None:
        conditions.append(SQL("c.category_id = ANY(%s)", list(category_ids)))
    return SQL(
        "(SELECT c.%s FROM gdpr_consent c WHERE %s)",
        SQL.identifier(column),
        SQL(" AND ").join(conditions),
    )


def search_active_categories(model, operator, value, holder_query):
    """The domain of a search on ``gdpr_active_category_ids``.

    :param model: the model searched (``res.partner``, ``crm.lead``)
    :param holder_query: ``holder_query(state=, category_ids=)`` returns
        the SQL of the ids of ``model`` holding such consents
    """
    value = _category_search_value(model, operator, value)
    if isinstance(value, str):
        # A name ("=" / "in" a name as "ilike"): search the categories first.
        negative = operator in expression.NEGATIVE_TERM_OPERATORS
        name_operator = operator
        if operator in ("=", "!=", "in", "not in"):
            name_operator = "ilike"
        elif negative:
            name_operator = expression.TERM_OPERATORS_NEGATION[operator]
        categories = model.env["gdpr.consent.category"]._search(
            [("name", name_operator, value)]
        )
        ids = list(categories)
        if not ids:
            return expression.TRUE_DOMAIN if negative else expression.FALSE_DOMAIN
        query = holder_query(state="active", category_ids=ids)
        return [("id", "not in" if negative else "in", query)]
    ids = value
    if not ids:
        # "= False": no active category; "!= False": some.
        query = holder_query(state="active")
        positive = operator in ("!=", "not in")
    else:
        query = holder_query(state="active", category_ids=ids)
        positive = operator in ("in", "=")
    return [("id", "in" if positive else "not in", query)]


CATEGORY_NAME_OPERATORS = ("like", "not like", "ilike", "not ilike", "=like", "=ilike")


def _category_search_value(model, operator, value):
    """The value of a ``gdpr_active_category_ids`` leaf: a name or a list of ids.

    :raise UserError: for an operator or a value the search does not support
    """
    message = model.env._(
        "Search “Active Consent Categories” with =, !=, in or not in and "
        "categories (their ids or a name), or with like / ilike and a name."
    )
    if operator in CATEGORY_NAME_OPERATORS:
        if not isinstance(value, str):
            raise UserError(message)
        return value
    if operator not in ("in", "not in", "=", "!="):
        raise UserError(message)
    if isinstance(value, models.BaseModel):
        if value._name != "gdpr.consent.category":
            raise UserError(message)
        return value.ids
    if value is False or value is None:
        return []
    if isinstance(value, str):
        return value
    values = value if isinstance(value, (list, tuple)) else [value]
    if not all(
        v is False or (isinstance(v, int) and not isinstance(v, bool)) for v in values
    ):
        raise UserError(message)
    return [v for v in values if v]


def informed_query(env, column, notice_ids):
    """SQL: the ``column`` values of the information records of ``notice_ids``.

    :param column: ``"partner_id"`` or ``"lead_id"``
    """
    env["gdpr.information.record"].flush_model([column, "notice_id"])
    return SQL(
        "(SELECT r.%s FROM gdpr_information_record r "
        "WHERE r.%s IS NOT NULL AND r.notice_id = ANY(%s))",
        SQL.identifier(column),
        SQL.identifier(column),
        list(notice_ids),
    )


def lead_query(env, lead_ids_query, partner_ids_query):
    """SQL: the leads of ``lead_ids_query`` and those whose customer is in
    ``partner_ids_query`` (a lead shares its customer's status)."""
    env["crm.lead"].flush_model(["partner_id"])
    return SQL(
        "(%s UNION SELECT l.id FROM crm_lead l WHERE l.partner_id IN %s)",
        lead_ids_query,
        partner_ids_query,
    )


def search_boolean(operator, value, query, label):
    """The domain of a search on a boolean status whose true ids are ``query``."""
    if operator not in ("=", "!=") or not isinstance(value, bool):
        raise NotImplementedError(label)
    positive = (operator == "=") == value
    return [("id", "in" if positive else "not in", query)]
