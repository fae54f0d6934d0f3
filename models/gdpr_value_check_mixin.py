import binascii
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..utils import record_id

MAX_ID = 2**31 - 1
# Dates before this year are typing errors (0001-01-01) that break printouts.
MIN_YEAR = 1900
# The longest value of a free text, by field type (SPEC section 9: a breach
# description holds 10,000 characters; its printout takes seconds).
TEXT_LIMITS = {"char": 1000, "text": 10000, "html": 100000}
# The commands of a one2many or many2many value (odoo.fields.Command).
X2MANY_COMMANDS = range(7)


class CheckedValues(dict):
    """Values :meth:`GdprValueCheckMixin._gdpr_check_values` returned: not
    checked again. A model whose ``create``/``write`` reads the values before
    calling ``super()`` checks them first, and the mixin then takes them as
    they are (no second existence query)."""


def _is_id(value):
    return isinstance(value, models.BaseModel) or (
        isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID
    )


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
        if code in (0, 1) and (len(command) < 3 or not isinstance(command[2], dict)):
            # The values of a line to create or update: a dict.
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


def _cast_binary(value):
    """``value`` of a binary field, or ``None``. Files come base64-encoded:
    anything else would be stored as it is and downloaded as garbage (and
    hashed as evidence)."""
    if not isinstance(value, (str, bytes)):
        return None
    data = value.encode() if isinstance(value, str) else value
    binascii.a2b_base64(b"".join(data.split()), strict_mode=True)
    return value


def _cast(field, value, model):
    """``value`` as ``field`` stores it, cast as the ORM casts it (``"5"`` for
    an integer, ``(id, name)`` for a many2one); ``None`` when it is a value
    of another type. Falsy values (empty) are kept as they are."""
    if value is False or value is None:
        return value
    ftype = field.type
    if ftype in ("date", "datetime"):
        convert = (
            fields.Date.to_date if ftype == "date" else fields.Datetime.to_datetime
        )
        date = convert(value) if isinstance(value, str) else value
        if not isinstance(date, fields.date) or date.year < MIN_YEAR:
            return None
        return value
    if ftype == "many2one":
        # The pair (id, name) a read returns, as the ORM takes it.
        if (
            isinstance(value, (list, tuple))
            and len(value) == 2
            and isinstance(value[1], str)
        ):
            value = value[0]
        return value if _is_id(value) else None
    if ftype in ("one2many", "many2many"):
        return value if _x2many_ids(value) is not None else None
    if ftype == "integer":
        number = value
        if isinstance(value, str):
            number = int(value)
        elif isinstance(value, float) and value.is_integer():
            # 1.9 records is no number of records: refused, never rounded.
            number = int(value)
        if isinstance(number, bool) or not isinstance(number, int):
            return None
        return number if abs(number) <= MAX_ID else None
    if ftype == "selection":
        if not isinstance(value, str) or value not in field.get_values(model.env):
            return None
        return value
    if ftype == "boolean":
        # "False" or "no" would be stored as True: only what means a boolean
        # to the ORM itself (True, False, 1, 0) is accepted.
        return value if isinstance(value, int) and value in (0, 1) else None
    if ftype in ("char", "text", "html"):
        return value if isinstance(value, str) and "\x00" not in value else None
    if ftype == "binary":
        return _cast_binary(value)
    # Other types (float, monetary, json...): what the ORM casts.
    field.convert_to_cache(value, model)
    return value


class GdprValueCheckMixin(models.AbstractModel):
    """Checks of the values every create and write of a GDPR model receives.

    Odoo passes most values to PostgreSQL as they come: a date "soon" or a
    partner "abc" fails there with a database error instead of a message the
    integrator can act on. Models inheriting this mixin refuse unknown
    fields, values of another type than the field's (after the casts the
    ORM itself makes), dates before 1900, texts over their limit and ids of
    records that do not exist, with a translated ``ValidationError``: every
    field of the model, without wiring. Their longest texts default to
    :data:`TEXT_LIMITS`; name others in ``_gdpr_text_limits`` (field name →
    characters).

    The other checks here (readable records, company moves, computed
    values, officers) depend on the model: call them where they apply.
    """

    _name = "gdpr.value.check.mixin"
    _description = "GDPR Value Check Mixin"
    _gdpr_text_limits = {}

    @api.model_create_multi
    def create(self, vals_list):
        return super().create(self._gdpr_check_values(vals_list))

    def write(self, vals):
        return super().write(self._gdpr_check_values([vals])[0])

    def onchange(self, values, field_names, fields_spec):
        # The form names the records of its relational fields (as superuser,
        # in Odoo's core): refuse those the user cannot read first.
        self._gdpr_check_onchange_readable(values)
        return super().onchange(values, field_names, fields_spec)

    # ------------------------------------------------------------------
    # Types, lengths and ids
    # ------------------------------------------------------------------
    @api.model
    def _gdpr_check_values(self, vals_list):
        """Refuse unknown fields, values of the wrong type and ids that do
        not exist in ``vals_list`` (one existence query per related model).

        :return: ``vals_list`` with the values cast as the ORM casts them
        :raise ValidationError: naming the field and the expected type
        """
        if all(isinstance(vals, CheckedValues) for vals in vals_list):
            return vals_list
        checked = []
        for vals in vals_list:
            if isinstance(vals, CheckedValues):
                checked.append(vals)
                continue
            cast = CheckedValues()
            for fname, value in vals.items():
                cast[fname] = self._gdpr_check_value(fname, value)
                if self._fields[fname].type in ("one2many", "many2many"):
                    cast[fname] = self._gdpr_check_commands(
                        self._fields[fname], cast[fname]
                    )
            checked.append(cast)
        self._gdpr_check_ids_exist(checked)
        return checked

    @api.model
    def _gdpr_check_commands(self, field, commands):
        """``commands`` of x2many ``field`` with the values of their create
        and update commands checked against the fields of the comodel (of a
        comodel without this mixin: its fields and their types), in one call
        per comodel.

        :raise ValidationError: naming the comodel's field
        """
        if not isinstance(commands, (list, tuple)):
            return commands
        positions = [
            index
            for index, command in enumerate(commands)
            if isinstance(command, (list, tuple)) and command and command[0] in (0, 1)
        ]
        if not positions:
            return commands
        Comodel = self.env[field.comodel_name]
        nested = [commands[index][2] for index in positions]
        if hasattr(Comodel, "_gdpr_check_values"):
            nested = Comodel._gdpr_check_values(nested)
        else:
            for vals in nested:
                self._gdpr_check_foreign_values(Comodel, vals)
        commands = list(commands)
        for index, vals in zip(positions, nested, strict=True):
            commands[index] = (commands[index][0], commands[index][1], vals)
        return commands

    @api.model
    def _gdpr_check_foreign_values(self, Comodel, vals):
        """Refuse unknown fields and values of the wrong type in ``vals`` of
        ``Comodel``, a model without this mixin (an attachment created in a
        line of a GDPR record)."""
        for fname, value in vals.items():
            field = Comodel._fields.get(fname)
            if field and field.type == "binary" and isinstance(value, bytes):
                # The bytes themselves (an attachment's raw content).
                continue
            try:
                valid = field is not None and (
                    value is None or _cast(field, value, Comodel) is not None
                )
            except (TypeError, ValueError, OverflowError, binascii.Error):
                valid = False
            if not valid:
                raise ValidationError(
                    self.env._(
                        "“%(value)s” is not a valid value for “%(field)s” of "
                        "%(model)s.",
                        value=str(value)[:50],
                        field=field._description_string(self.env) if field else fname,
                        model=Comodel._description,
                    )
                )

    @api.model
    def _gdpr_check_value(self, fname, value):
        """``value`` of field ``fname`` cast as stored, or a ValidationError."""
        field = self._fields.get(fname)
        if field is None:
            raise ValidationError(
                self.env._(
                    "%(model)s has no field “%(field)s”.",
                    model=self._description,
                    field=fname,
                )
            )
        try:
            cast = _cast(field, value, self)
        except (TypeError, ValueError, OverflowError, binascii.Error):
            cast = None
        valid = cast is not None or value is None
        if not valid and field.type in ("date", "datetime"):
            raise ValidationError(
                self.env._(
                    "“%(value)s” is not a valid date for “%(field)s”: dates are "
                    "written YYYY-MM-DD and are not before %(year)s.",
                    value=str(value)[:50],
                    field=field._description_string(self.env),
                    year=MIN_YEAR,
                )
            )
        limit = self._gdpr_text_limit(field) if valid and value else None
        if limit and isinstance(value, str) and len(value) > limit:
            self._gdpr_raise_too_long(field, value, limit)
        if not valid:
            raise ValidationError(
                self.env._(
                    "“%(value)s” is not a valid value for “%(field)s” (%(type)s).",
                    value=str(value)[:50],
                    field=field._description_string(self.env),
                    type=field.type,
                )
            )
        return cast

    @api.model
    def _gdpr_check_ids_exist(self, vals_list):
        """Refuse relational values naming records that do not exist.

        One query per related model for the whole ``vals_list`` (no query per
        record of a batch). Without it the database refuses them with a
        foreign key message about a record "being deleted".

        :raise ValidationError: naming the field and the id
        """
        wanted = defaultdict(dict)
        for vals in vals_list:
            for fname, value in vals.items():
                field = self._fields[fname]
                if field.relational:
                    for rid in _relational_ids(field, value):
                        wanted[field.comodel_name].setdefault(rid, field)
        for comodel, fields_by_id in wanted.items():
            existing = self.env[comodel].browse(list(fields_by_id)).exists()
            missing = sorted(set(fields_by_id) - set(existing.ids))
            if missing:
                raise ValidationError(
                    self.env._(
                        "“%(field)s”: record %(id)s does not exist.",
                        field=fields_by_id[missing[0]]._description_string(self.env),
                        id=missing[0],
                    )
                )

    @api.model
    def _gdpr_text_limit(self, field):
        """The longest text ``field`` accepts, in characters."""
        return self._gdpr_text_limits.get(field.name) or TEXT_LIMITS.get(field.type)

    @api.model
    def _gdpr_raise_too_long(self, field, value, limit):
        """Raise the error for ``value``, longer than ``limit`` characters,
        written to ``field``."""
        raise ValidationError(
            self.env._(
                "“%(field)s” is too long: %(length)s characters, at most %(limit)s.",
                field=field._description_string(self.env),
                length=len(value),
                limit=limit,
            )
        )

    def _gdpr_check_translation_values(self, field_name, langs):
        """Refuse translations of ``field_name`` longer than its write allows.

        The translation dialog (``update_field_translations``) stores values
        without ``write``: call this after it, in a savepoint, so that a
        translation over the limit is refused and rolled back like a write.

        :param field_name: the translated field
        :param langs: the language codes written
        :raise ValidationError: naming the field, the length and the limit
        """
        field = self._fields[field_name]
        limit = self._gdpr_text_limit(field)
        if not limit:
            return
        self.flush_recordset([field_name])
        for lang in langs:
            for record in self.with_context(lang=lang):
                value = record[field_name]
                if value and len(value) > limit:
                    # The caller's savepoint rolls the translation back: the
                    # cache must not keep it either.
                    self.invalidate_recordset([field_name])
                    self._gdpr_raise_too_long(field, value, limit)

    # ------------------------------------------------------------------
    # Checks some models add
    # ------------------------------------------------------------------
    @api.model
    def _gdpr_check_readable_values(self, vals_list, fnames, message=None):
        """Refuse relational values naming a record the user cannot read.

        Call it before the values are written and before anything is computed
        or checked from them (the framework's company check names the record
        in its message): the AccessError names none of them (SPEC 8).

        :param vals_list: the values of a ``create`` (or ``[vals]`` of a write)
        :param fnames: the relational fields to check
        :param message: the error message (default: a general one)
        :raise AccessError: naming nothing of the records
        """
        if self.env.su:
            return
        ids = defaultdict(set)
        for vals in vals_list:
            for fname in fnames:
                field = self._fields[fname]
                if field.type == "many2one":
                    rid = record_id(vals.get(fname))
                    # Ids of no record (negative, huge) are refused by
                    # _gdpr_check_ids_exist with their own message.
                    if rid and 0 < rid <= MAX_ID:
                        ids[field.comodel_name].add(rid)
                else:
                    ids[field.comodel_name].update(
                        _relational_ids(field, vals.get(fname))
                    )
        for comodel, record_ids in ids.items():
            if not record_ids:
                continue
            # Ids of no record are refused by _gdpr_check_ids_exist.
            records = self.env[comodel].browse(record_ids).exists()
            if records._filtered_access("read") != records:
                raise AccessError(
                    message
                    or self.env._("You cannot link a record that you cannot read.")
                )

    def _gdpr_check_onchange_readable(self, values, context_defaults=True):
        """Refuse an onchange whose values (or context defaults) name a record
        the user cannot read: the form would show its name (SPEC 8).

        The records the saved record already links are not checked again (the
        form of a readable record shows them anyway); the values of lines are
        checked against the lines' model.

        :raise AccessError: naming nothing of the records
        """
        if self.env.su:
            return
        values = dict(values)
        for key, value in self.env.context.items() if context_defaults else ():
            if key.startswith("default_") and key[8:] not in values:
                values[key[8:]] = value
        ids = defaultdict(set)
        for fname, value in values.items():
            field = self._fields.get(fname)
            if not field or not field.relational or not value:
                continue
            if field.type == "many2one":
                found = {record_id(value)}
            else:
                found = set(_relational_ids(field, value))
                Comodel = self.env[field.comodel_name]
                if hasattr(Comodel, "_gdpr_check_onchange_readable") and isinstance(
                    value, (list, tuple)
                ):
                    for command in value:
                        if (
                            isinstance(command, (list, tuple))
                            and len(command) > 2
                            and command[0] in (0, 1)
                            and isinstance(command[2], dict)
                        ):
                            Comodel._gdpr_check_onchange_readable(
                                command[2], context_defaults=False
                            )
            if self:
                found -= set(self[fname]._origin.ids)
            ids[field.comodel_name].update(
                rid for rid in found if rid and 0 < rid <= MAX_ID
            )
        for comodel, record_ids in ids.items():
            records = self.env[comodel].browse(record_ids).exists()
            if records and records._filtered_access("read") != records:
                raise AccessError(
                    self.env._("You cannot link a record that you cannot read.")
                )

    @api.model
    def _gdpr_company_checked_fields(self, vals):
        """The relational fields of ``vals`` checked for their company
        (``check_company=True``): for :meth:`_gdpr_check_readable_values`."""
        return [
            fname
            for fname in vals
            if fname in self._fields
            and self._fields[fname].relational
            and self._fields[fname].check_company
        ]

    def _gdpr_check_company_move(self, vals):
        """Refuse moving records to a company the writing user does not work
        in.

        Record rules are checked before a write only: without this, a user
        could move a record out of its own companies (and out of its own
        sight).
        """
        if (
            vals.get("company_id")
            and not self.env.su
            and vals["company_id"] not in self.env.companies.ids
        ):
            raise AccessError(
                self.env._("You cannot move a record to a company you do not work in.")
            )

    def _gdpr_check_computed_values(self, vals_list):
        """Refuse values of fields the server computes (computed without an
        inverse, related such as a line's company): a client never writes
        them. A value equal to the stored one is no change (an export
        re-imported).
        """
        if self.env.su:
            return
        for vals in vals_list:
            for fname in vals:
                field = self._fields.get(fname)
                if (
                    not field
                    or not field.compute
                    or field.inverse
                    or not field.readonly
                ):
                    continue
                if self and not self._gdpr_value_changes(field, vals[fname]):
                    continue
                raise UserError(
                    self.env._(
                        "“%(field)s” of %(model)s is set by the system and cannot "
                        "be written.",
                        field=field._description_string(self.env),
                        model=self.env["ir.model"]._get(self._name).name,
                    )
                )

    def _gdpr_value_changes(self, field, value):
        """Whether writing ``value`` to ``field`` changes one of ``self``."""
        for record in self:
            new = field.convert_to_record(field.convert_to_cache(value, record), record)
            old = record[field.name]
            if field.type in ("char", "text", "html"):
                new, old = new or False, old or False
            if new != old:
                return True
        return False

    def _gdpr_check_officer_field(self, fname):
        """Refuse a user in ``fname`` of this record who is not a GDPR officer
        (or manager) of the record's company: responsible people and deciders
        see the record, its reminders and its data (SPEC 5, section 12)."""
        self.ensure_one()
        user = self[fname]
        if not user or user._is_superuser():
            return
        if not user.has_group("crm_gdpr.group_gdpr_officer") or (
            self.company_id and self.company_id not in user.company_ids
        ):
            raise ValidationError(
                self.env._(
                    "%(record)s: the “%(field)s” must be a GDPR officer of the "
                    "company %(company)s.",
                    record=self.display_name,
                    field=self._fields[fname]._description_string(self.env),
                    company=self.company_id.name,
                )
            )
