"""The breach's 72-hour clock runs on ``gdpr.deadline.mixin``.

- The daily job's flag ``overdue_notified`` is the mixin's stored compute.
  Its column is created here, empty (nothing noted yet: the first run of the
  job notes each overdue breach once), before the ORM adds it: the upgrade
  computes nothing and leaves the breaches untouched (their rows are evidence).
- The job's ``ir.cron`` is ``noupdate``: a database of 18.0.1.0.x or
  18.0.1.1.0 keeps the code of the first version,
  ``model._cron_flag_overdue()``, a method that is gone. The call is
  pointed at the mixin's job, ``_cron_post_overdue()``; whatever else an
  administrator changed in the job (its schedule, whether it is active)
  stays.
"""

from odoo.tools import SQL
from odoo.tools.sql import column_exists, create_column


def migrate(cr, version):
    if not version:
        return
    if not column_exists(cr, "gdpr_breach", "overdue_notified"):
        create_column(cr, "gdpr_breach", "overdue_notified", "boolean")
    cr.execute(
        SQL(
            """
            UPDATE ir_act_server s
               SET code = replace(s.code, %(old)s, %(new)s)
              FROM ir_cron c
              JOIN ir_model_data d
                ON d.model = 'ir.cron' AND d.res_id = c.id
             WHERE s.id = c.ir_actions_server_id
               AND d.module = 'crm_gdpr'
               AND d.name = 'ir_cron_gdpr_breach_flag_overdue'
               AND strpos(s.code, %(old)s) > 0
            """,
            old="model._cron_flag_overdue()",
            new="model._cron_post_overdue()",
        )
    )
