"""Open each company's evidence chain on databases of crm_gdpr 18.0.1.0.x.

One "recorded at upgrade" event per existing consent and breach, in id
order, changing none of them: from then on ``verify_chain()`` covers them.
Consents get the random key of their personal digests (``evidence_salt``),
a new column.
"""

import logging

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL

_logger = logging.getLogger(__name__)


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
    Event = env["gdpr.evidence.event"]
    for model in Event._gdpr_evidence_models():
        records = env[model].search(
            [("id", "not in", Event._gdpr_logged_ids(model))], order="id"
        )
        for start in range(0, len(records), 10000):
            batch = records[start : start + 10000]
            Event._gdpr_append(batch, "recorded_at_upgrade")
            batch.invalidate_recordset()
        _logger.info("evidence log: %s %s recorded at upgrade", len(records), model)
