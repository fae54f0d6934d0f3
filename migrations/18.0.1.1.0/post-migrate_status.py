"""18.0.1.1.0: the partners' consent status is computed per company.

Version 1 stored a company-blind status: the relation table of
``res.partner.gdpr_active_category_ids`` and the column
``res_partner.gdpr_consent_state``. Both are now computed from the consents
of the companies the user works in, whenever they are read or searched, so
nothing needs filling: the stored copies are dropped, with the ORM's record
of the relation table (uninstall would look for it).
"""

from odoo.tools import SQL
from odoo.tools.sql import column_exists, table_exists


def migrate(cr, version):
    if table_exists(cr, "gdpr_partner_active_category_rel"):
        cr.execute(SQL("DROP TABLE gdpr_partner_active_category_rel"))
    cr.execute(
        SQL(
            "DELETE FROM ir_model_relation WHERE name = %s",
            "gdpr_partner_active_category_rel",
        )
    )
    if column_exists(cr, "res_partner", "gdpr_consent_state"):
        cr.execute(SQL("ALTER TABLE res_partner DROP COLUMN gdpr_consent_state"))
