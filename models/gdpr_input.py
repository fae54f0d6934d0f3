"""Type checks of the values integrators send over RPC and imports.

Odoo passes most values to PostgreSQL as they come: a date "soon" or a
partner "abc" fails there with a database error instead of a message the
integrator can act on. :func:`check_input_values` refuses such values first
with a translated ``ValidationError``.
"""

from odoo import fields, models
from odoo.exceptions import AccessError, ValidationError

MAX_ID = 2**31 - 1


def _is_id(value):
    return isinstance(value, models.BaseModel) or (
        isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID
    )


def _valid(field, value):
    """Whether ``value`` has the type ``field`` stores (falsy means empty)."""
    if value is False or value is None:
        return True
    if field.type == "date":
        if isinstance(value, str):
            fields.Date.to_date(value)
        return isinstance(value, (str, fields.date))
    if field.type == "datetime":
        if isinstance(value, str):
            fields.Datetime.to_datetime(value)
        return isinstance(value, (str, fields.datetime))
    if field.type == "many2one":
        return _is_id(value)
    if field.type == "integer":
        return (
            isinstance(value, (int, float))
            and not isinstance(value, bool)
            and abs(value) <= MAX_ID
        )
    if field.type in ("char", "text", "html", "selection"):
        return isinstance(value, str) and "\x00" not in value
    return True


def check_input_values(model, vals):
    """Refuse unknown fields and values of the wrong type in ``vals``.

    :param model: the model (record set) ``vals`` are written to
    :param vals: the values of a ``create`` or ``write``
    :raise ValidationError: naming the field and the expected type
    """
    for fname, value in vals.items():
        field = model._fields.get(fname)
        if field is None:
            raise ValidationError(
                model.env._(
                    "%(model)s has no field “%(field)s”.",
                    model=model._description,
                    field=fname,
                )
            )
        try:
            valid = _valid(field, value)
        except (TypeError, ValueError):
            valid = False
        if not valid:
            raise ValidationError(
                model.env._(
                    "“%(value)s” is not a valid value for “%(field)s” (%(type)s).",
                    value=str(value)[:50],
                    field=field._description_string(model.env),
                    type=field.type,
                )
            )


def check_company_move(model, vals):
    """Refuse moving records to a company the writing user does not work in.

    Record rules are checked before a write only: without this, a user could
    move a record out of its own companies (and out of its own sight).
    """
    if (
        vals.get("company_id")
        and not model.env.su
        and vals["company_id"] not in model.env.companies.ids
    ):
        raise AccessError(
            model.env._("You cannot move a record to a company you do not work in.")
        )
