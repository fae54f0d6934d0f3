"""Type checks of the values integrators send over RPC and imports.

Odoo passes most values to PostgreSQL as they come: a date "soon" or a
partner "abc" fails there with a database error instead of a message the
integrator can act on. :func:`check_input_values` refuses such values first
with a translated ``ValidationError``.
"""

import re
from collections import defaultdict

from odoo import fields, models, tools
from odoo.exceptions import AccessError, UserError, ValidationError

MAX_ID = 2**31 - 1
# Dates before this year are typing errors (0001-01-01) that break printouts.
MIN_YEAR = 1900
# The longest value of a free text, by field type (SPEC section 9: a breach
# description holds 10,000 characters; its printout takes seconds).
TEXT_LIMITS = {"char": 1000, "text": 10000, "html": 100000}
# Characters that show nothing (zero-width spaces and joiners, word joiner,
# byte order mark, soft hyphen): a text of them and of spaces is blank.
INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
# The commands of a one2many or many2many value (odoo.fields.Command).
X2MANY_COMMANDS = range(7)


def is_blank(text):
    """Whether ``text`` says nothing: empty, spaces (no-break spaces
    included) or invisible characters only. Required reasons and texts are
    checked with it."""
    return not (text or "").translate(INVISIBLE).strip()


def record_id(value):
    """The record id a many2one value of a create, write or onchange names.

    Besides an id, the form's onchange may send ``[id, name]`` or
    ``{"id": id, ...}``: all name the record that would be read.
    """
    if isinstance(value, (list, tuple)):
        value = value[0] if value else False
    elif isinstance(value, dict):
        value = value.get("id")
    elif isinstance(value, models.BaseModel):
        value = value._origin.id if len(value) == 1 else False
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return False


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
    if field.type in ("one2many", "many2many"):
        return _x2many_ids(value) is not None
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


def _x2many_ids(value):
    """The ids an x2many value names (a list), or None when it is no x2many
    value: a record set, ids, or commands of known numbers with integer ids."""
    if isinstance(value, models.BaseModel):
        return []
    if not isinstance(value, (list, tuple)):
        return None
    ids = []
    for command in value:
        if _is_id(command):
            ids.append(command)
            continue
        if not isinstance(command, (list, tuple)) or not command:
            return None
        code = command[0]
        if isinstance(code, bool) or code not in X2MANY_COMMANDS:
            return None
        if code in (1, 2, 3, 4):
            if len(command) < 2 or not _is_id(command[1]):
                return None
            ids.append(command[1])
        elif code == 6:
            if len(command) < 3 or not isinstance(command[2], (list, tuple)):
                return None
            if not all(_is_id(rid) for rid in command[2]):
                return None
            ids.extend(command[2])
    return ids


def _relational_ids(field, value):
    """The integer ids the value of relational ``field`` names."""
    if not value:
        return []
    if field.type == "many2one":
        return [value] if isinstance(value, int) else []
    return [rid for rid in _x2many_ids(value) or [] if isinstance(rid, int)]


def check_ids_exist(model, vals_list):
    """Refuse relational values naming records that do not exist.

    One query per related model for the whole ``vals_list`` (no query per
    record of a batch). Without it the database refuses them with a foreign
    key message about a record "being deleted".

    :raise ValidationError: naming the field and the id
    """
    wanted = defaultdict(dict)
    for vals in vals_list:
        for fname, value in vals.items():
            field = model._fields.get(fname)
            if field is not None and field.relational:
                for rid in _relational_ids(field, value):
                    wanted[field.comodel_name].setdefault(rid, field)
    for comodel, fields_by_id in wanted.items():
        existing = model.env[comodel].browse(list(fields_by_id)).exists()
        missing = sorted(set(fields_by_id) - set(existing.ids))
        if missing:
            raise ValidationError(
                model.env._(
                    "“%(field)s”: record %(id)s does not exist.",
                    field=fields_by_id[missing[0]]._description_string(model.env),
                    id=missing[0],
                )
            )


def _in_date_range(value):
    return value.year >= MIN_YEAR


def _text_limit(model, field):
    """The longest text ``field`` of ``model`` accepts, in characters.

    Models name their own limits in ``_gdpr_text_limits`` (field name →
    characters); else :data:`TEXT_LIMITS` by field type applies.
    """
    limits = getattr(model, "_gdpr_text_limits", None) or {}
    return limits.get(field.name) or TEXT_LIMITS.get(field.type)


def check_input_values_list(model, vals_list):
    """:func:`check_input_values` for each values of a batch ``create``,
    with one existence check for the whole batch."""
    for vals in vals_list:
        check_input_values(model, vals, check_ids=False)
    check_ids_exist(model, vals_list)


def check_input_values(model, vals, check_ids=True):
    """Refuse unknown fields, values of the wrong type and ids that do not
    exist in ``vals``.

    :param model: the model (record set) ``vals`` are written to
    :param vals: the values of a ``create`` or ``write``
    :param check_ids: whether to check that the ids exist (see
        :func:`check_ids_exist`; :func:`check_input_values_list` checks
        them once for a batch)
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
    if check_ids:
        check_ids_exist(model, [vals])


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


def check_readable_values(model, vals_list, fnames, message=None):
    """Refuse relational values naming a record the user cannot read.

    Call it before the values are written and before anything is computed
    or checked from them (the framework's company check names the record
    in its message): the AccessError names none of them (SPEC 8).

    :param model: the model ``vals_list`` are written to
    :param vals_list: the values of a ``create`` (or ``[vals]`` of a write)
    :param fnames: the many2one fields to check
    :param message: the error message (default: a general one)
    :raise AccessError: naming nothing of the records
    """
    if model.env.su:
        return
    ids = defaultdict(set)
    for vals in vals_list:
        for fname in fnames:
            field = model._fields[fname]
            if field.type == "many2one":
                if rid := record_id(vals.get(fname)):
                    ids[field.comodel_name].add(rid)
            else:
                ids[field.comodel_name].update(_relational_ids(field, vals.get(fname)))
    for comodel, record_ids in ids.items():
        if not record_ids:
            continue
        records = model.env[comodel].browse(record_ids).exists()
        if (
            len(records) != len(record_ids)
            or records._filtered_access("read") != records
        ):
            raise AccessError(
                message or model.env._("You cannot link a record that you cannot read.")
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


def company_checked_fields(model, vals):
    """The relational fields of ``vals`` checked for their company
    (``check_company=True``): for :func:`check_readable_values`."""
    return [
        fname
        for fname in vals
        if fname in model._fields
        and model._fields[fname].relational
        and model._fields[fname].check_company
    ]


def check_computed_values(model, vals_list):
    """Refuse values of fields the server computes (computed without an
    inverse, related such as a line's company): a client never writes them.

    A value equal to the stored one is no change (an export re-imported).
    """
    if model.env.su:
        return
    for vals in vals_list:
        for fname in vals:
            field = model._fields.get(fname)
            if not field or not field.compute or field.inverse or not field.readonly:
                continue
            if model and not _changes(model, field, vals[fname]):
                continue
            raise UserError(
                model.env._(
                    "“%(field)s” of %(model)s is set by the system and cannot "
                    "be written.",
                    field=field._description_string(model.env),
                    model=model.env["ir.model"]._get(model._name).name,
                )
            )


def _changes(records, field, value):
    """Whether writing ``value`` to ``field`` changes one of ``records``."""
    for record in records:
        new = field.convert_to_record(field.convert_to_cache(value, record), record)
        old = record[field.name]
        if field.type in ("char", "text", "html"):
            new, old = new or False, old or False
        if new != old:
            return True
    return False


def check_officer(record, fname):
    """Refuse a user in ``fname`` of ``record`` who is not a GDPR officer (or
    manager) of the record's company: responsible people and deciders see
    the record, its reminders and its data (SPEC 5, section 12)."""
    user = record[fname]
    if not user or user._is_superuser():
        return
    if not user.has_group("crm_gdpr.group_gdpr_officer") or (
        record.company_id and record.company_id not in user.company_ids
    ):
        raise ValidationError(
            record.env._(
                "%(record)s: the “%(field)s” must be a GDPR officer of the company "
                "%(company)s.",
                record=record.display_name,
                field=record._fields[fname]._description_string(record.env),
                company=record.company_id.name,
            )
        )


def active_lang(env, *codes):
    """The first of ``codes`` that is an active language, else an active one.

    A partner's language may be installed but inactive (Odoo accepts it):
    rendering in it fails. The fallback is the default language of new
    contacts, else English, else the first active language.
    """
    Lang = env["res.lang"]
    # sudo: the default language of new contacts, read for a public page too.
    default = env["ir.default"].sudo()._get("res.partner", "lang")
    for code in (*codes, default, "en_US"):
        if code and Lang._get_code(code):
            return code
    installed = Lang.get_installed()
    return installed[0][0] if installed else False
