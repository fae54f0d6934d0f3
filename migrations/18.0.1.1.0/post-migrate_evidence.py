"""Open each company's evidence chain on databases of crm_gdpr 18.0.1.0.x.

One "recorded at upgrade" event per existing consent and breach, in id
order, changing none of them: from then on ``verify_chain()`` covers them.
Consents get the random key of their personal digests (``evidence_salt``),
a new column.
"""

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {"active_test": False})
    # Each consent its own key (a column default would give all the same).
    cr.execute(
        SQL(
            "UPDATE gdpr_consent SET evidence_salt = "
            "replace(gen_random_uuid()::text, '-', '') WHERE evidence_salt IS NULL "
            "OR evidence_salt = '' OR evidence_salt IN (SELECT evidence_salt FROM "
            "gdpr_consent GROUP BY evidence_salt HAVING count(*) > 1)"
        )
    )
    # The records the log covers (the agreements in force and decided
    # impact assessments of 18.0.1.3.0 too, when upgrading straight there).
    env["gdpr.evidence.event"]._gdpr_record_at_upgrade()
