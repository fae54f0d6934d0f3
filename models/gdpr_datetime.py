from odoo.tools import format_datetime


def gdpr_tz(env, company=None):
    """The timezone crm_gdpr prints moments in: the user's, else the
    company's (its partner's), else UTC. Every printed moment names it."""
    company = company or env.company
    return env.user.tz or company.partner_id.tz or "UTC"


def format_datetime_tz(env, value, tz):
    """``value`` (naive UTC) in ``tz``, in the date and time format of the
    environment's language, followed by the zone: "06.12.2026 11:12:04
    (Europe/Warsaw)". A moment without its zone is ambiguous in a document
    read by an authority in another zone."""
    if not value:
        return ""
    return f"{format_datetime(env, value, tz=tz, dt_format=False)} ({tz})"
