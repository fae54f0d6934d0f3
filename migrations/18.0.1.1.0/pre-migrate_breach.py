"""Breaches reported in the first version get the time of their report.

The first version kept a report date only. The time of the report
(``reported_at``) is its first moment in the company's timezone, not before
the discovery when reported the day of the discovery: a report is never
deemed late on a day that could have been in time (as the first version
decided). Done in SQL before the ORM adds the column, so the upgrade computes
nothing and posts no tracking message on the breaches (their chatter is
evidence).
"""

from odoo.tools import SQL
from odoo.tools.sql import column_exists, create_column


def migrate(cr, version):
    if not version or column_exists(cr, "gdpr_breach", "reported_at"):
        return
    create_column(cr, "gdpr_breach", "reported_at", "timestamp")
    cr.execute(
        SQL(
            """
            WITH breach AS (
                SELECT b.id, b.date_reported, b.date_discovered,
                       COALESCE(NULLIF(p.tz, ''), 'UTC') AS tz
                  FROM gdpr_breach b
                  JOIN res_company c ON c.id = b.company_id
                  JOIN res_partner p ON p.id = c.partner_id
                 WHERE b.is_reported AND b.date_reported IS NOT NULL
            )
            UPDATE gdpr_breach g
               SET reported_at = GREATEST(
                       (breach.date_reported::timestamp AT TIME ZONE breach.tz)
                           AT TIME ZONE 'UTC',
                       CASE WHEN ((breach.date_discovered AT TIME ZONE 'UTC')
                                  AT TIME ZONE breach.tz)::date
                                 = breach.date_reported
                            THEN breach.date_discovered END
                   )
              FROM breach
             WHERE g.id = breach.id
            """
        )
    )
