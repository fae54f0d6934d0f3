"""18.0.1.3.0: processor agreements and impact assessments in the evidence log.

The agreements in force, expired or terminated and the decided impact
assessments of earlier versions get one "recorded at upgrade" event each, in
id order, changing none of them: from then on ``verify_chain()`` covers
them. Drafts stay out of the log until they are put in force or decided.
"""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {"active_test": False})
    env["gdpr.evidence.event"]._gdpr_record_at_upgrade()
