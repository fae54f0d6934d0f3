"""Plain helpers of crm_gdpr: text, e-mail, id and language functions that
models, wizards and controllers share. No model lives here."""

import re
import unicodedata
from contextlib import contextmanager

from odoo import models, tools

# Characters that show nothing: every format character (Unicode category
# Cf: zero-width spaces and joiners, word joiner, byte order mark, soft
# hyphen, direction marks and overrides, tags) and control character (Cc),
# and the blank letters of Hangul, Braille and Mongolian. A text of them and
# of spaces is blank.
INVISIBLE_CATEGORIES = ("Cc", "Cf")
BLANK_LETTERS = frozenset("\u115f\u1160\u180e\u2800\u3164\uffa0")

# A plain ASCII address ("anna.kowalska@example.com"): what most exports of
# mailing systems hold. email_normalize() parses every value as an RFC 2822
# header (about 0.3 ms each, 15 s for 50,000 lines); for these it returns the
# address in lower case, as below.
PLAIN_EMAIL = re.compile(
    r"[A-Za-z0-9_%+'-]+(?:\.[A-Za-z0-9_%+'-]+)*"
    r"@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
)


@contextmanager
def context_var_set(var, value=True):
    """Set the ContextVar ``var`` to ``value`` in the block. Server code marks
    what it writes itself with one: unlike a context key, an RPC client
    cannot send it."""
    token = var.set(value)
    try:
        yield
    finally:
        var.reset(token)


def is_blank(text):
    """Whether ``text`` says nothing: empty, spaces (no-break spaces
    included) or invisible characters only. Required reasons and texts are
    checked with it."""
    return all(
        char.isspace()
        or char in BLANK_LETTERS
        or unicodedata.category(char) in INVISIBLE_CATEGORIES
        for char in text or ""
    )


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


def normalize_email(value):
    """``tools.email_normalize(value)``, fast for plain addresses."""
    if not value:
        return False
    value = value.strip()
    if PLAIN_EMAIL.fullmatch(value):
        return value.lower()
    return tools.email_normalize(value)


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
