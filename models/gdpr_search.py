"""Searches on the GDPR fields of partners and leads, as their reads.

Odoo checks a field's ``groups`` when it is read, not when a domain names
it, and turns a one2many leaf given ids or ``False`` into a subquery
without the comodel's record rules. :func:`gdpr_search_domain` closes both
(SPEC section 8): a user without GDPR rights cannot filter by a GDPR field,
and a consent the user cannot read never decides which records match.
"""

from odoo.exceptions import AccessError
from odoo.osv import expression

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
