"""18.0.1.3.0: an officer reads a background job only when they work in all
of its companies (a job launched in several companies lists their contacts
and consents).

The rule is in a ``noupdate`` block, which an upgrade does not reload: its
domain is written here, as ``security/crm_gdpr_security.xml`` declares it.
"""

from odoo import SUPERUSER_ID, api

OFFICER_DOMAIN = "[('allowed_company_ids', 'not any', [('id', 'not in', company_ids)])]"


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    rule = env.ref("crm_gdpr.gdpr_bulk_job_rule_officer", raise_if_not_found=False)
    if rule:
        rule.domain_force = OFFICER_DOMAIN
