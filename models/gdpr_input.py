"""Type checks of the values integrators send over RPC and imports.

Odoo passes most values to PostgreSQL as they come: a date "soon" or a
partner "abc" fails there with a database error instead of a message the
integrator can act on. :func:`check_input_values` refuses such values first
with a translated ``ValidationError``.
"""

import re

from odoo import fields, models, tools
from odoo.exceptions import AccessError, ValidationError

MAX_ID = 2**31 - 1
# Dates before this year are typing errors (0001-01-01) that break printouts.
MIN_YEAR = 1900
# The longest value of a free text, by field type (SPEC section 9: a breach
# description holds 10,000 characters; its printout takes seconds).
TEXT_LIMITS = {"char": 1000, "text": 10000, "html": 100000}


def _is_id(value):
    return isinstance(value, models.BaseModel) or (
        isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID
    )


def _valid(field, value, model=None):
    """Whether ``value`` has the type ``field`` stores (falsy means empty)."""
    if value is False or value is None:
        return True
    if field.type == "date":
        if isinstance(value, str):
            value = fields.Date.to_date(value)
        return isinstance(value, fields.date) and _in_date_range(value)
    if field.type == "datetime":
        if isinstance(value, str):
            value = fields.Datetime.to_datetime(value)
        return isinstance(value, fields.datetime) and _in_date_range(value)
    if field.type == "many2one":
        return _is_id(value)
    if field.type == "integer":
        return (
            isinstance(value, (int, float))
            and not isinstance(value, bool)
            and abs(value) <= MAX_ID
            # 1.9 records is no number of records: refused, never rounded.
            and (isinstance(value, int) or value.is_integer())
        )
    if field.type == "selection":
        if not isinstance(value, str):
            return False
        if model is not None:
            return value in field.get_values(model.env)
        return True
    if field.type == "boolean":
        # "False" or "no" would be stored as True: only what means a boolean
        # to the ORM itself (True, False, 1, 0) is accepted.
        return isinstance(value, int) and value in (0, 1)
    if field.type in ("char", "text", "html"):
        return isinstance(value, str) and "\x00" not in value
    return True


def _in_date_range(value):
    return value.year >= MIN_YEAR


def _text_limit(model, field):
    """The longest text ``field`` of ``model`` accepts, in characters.

    Models name their own limits in ``_gdpr_text_limits`` (field name →
    characters); else :data:`TEXT_LIMITS` by field type applies.
    """
    limits = getattr(model, "_gdpr_text_limits", None) or {}
    return limits.get(field.name) or TEXT_LIMITS.get(field.type)


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
            valid = _valid(field, value, model)
        except (TypeError, ValueError, OverflowError):
            valid = False
        if not valid and field.type in ("date", "datetime"):
            raise ValidationError(
                model.env._(
                    "“%(value)s” is not a valid date for “%(field)s”: dates are "
                    "written YYYY-MM-DD and are not before %(year)s.",
                    value=str(value)[:50],
                    field=field._description_string(model.env),
                    year=MIN_YEAR,
                )
            )
        limit = _text_limit(model, field) if valid and value else None
        if limit and isinstance(value, str) and len(value) > limit:
            raise ValidationError(
                model.env._(
                    "“%(field)s” is too long: %(length)s characters, at most "
                    "%(limit)s.",
                    field=field._description_string(model.env),
                    length=len(value),
                    limit=limit,
                )
            )
        if not valid:
            raise ValidationError(
                model.env._(
                    "“%(value)s” is not a valid value for “%(field)s” (%(type)s).",
                    value=str(value)[:50],
                    field=field._description_string(model.env),
                    type=field.type,
                )
            )


def check_translation_values(model, field_name, langs):
    """Refuse translations of ``field_name`` longer than its write allows.

    The translation dialog (``update_field_translations``) stores values
    without ``write``: call this after it, in a savepoint, so that a
    translation over the limit is refused and rolled back like a write.

    :param model: the record whose translations were written
    :param field_name: the translated field
    :param langs: the language codes written
    :raise ValidationError: naming the field, the length and the limit
    """
    field = model._fields[field_name]
    limit = _text_limit(model, field)
    if not limit:
        return
    model.flush_recordset([field_name])
    for lang in langs:
        for record in model.with_context(lang=lang):
            value = record[field_name]
            if value and len(value) > limit:
                # The caller's savepoint rolls the translation back: the cache
                # must not keep it either.
                model.invalidate_recordset([field_name])
                raise ValidationError(
                    model.env._(
                        "“%(field)s” is too long: %(length)s characters, at "
                        "most %(limit)s.",
                        field=field._description_string(model.env),
                        length=len(value),
                        limit=limit,
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


# A plain ASCII address ("anna.kowalska@example.com"): what most exports of
# mailing systems hold. email_normalize() parses every value as an RFC 2822
# header (about 0.3 ms each, 15 s for 50,000 lines); for these it returns the
# address in lower case, as below.
PLAIN_EMAIL = re.compile(
    r"[A-Za-z0-9_%+'-]+(?:\.[A-Za-z0-9_%+'-]+)*"
    r"@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
)


def normalize_email(value):
    """``tools.email_normalize(value)``, fast for plain addresses."""
    if not value:
        return False
    value = value.strip()
    if PLAIN_EMAIL.fullmatch(value):
        return value.lower()
    return tools.email_normalize(value)
