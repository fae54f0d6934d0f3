from odoo.tests import new_test_user

from .common import GdprCommon

# The five kinds of users of SPEC section 5, weakest first.
ROLES = ("portal", "internal", "sales", "officer", "manager")


class GdprReliabilityCommon(GdprCommon):
    """One record of every crm_gdpr model, in each company, and a portal user."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_portal = new_test_user(
            cls.env, login="gdpr_portal", groups="base.group_portal", name="Portal"
        )
        cls.users = {
            "portal": cls.user_portal,
            "internal": cls.user_internal,
            "sales": cls.user_sales,
            "officer": cls.user_officer,
            "manager": cls.user_manager,
        }
        cls.country_us = cls.env.ref("base.us")
        cls.country_ch = cls.env.ref("base.ch")
        cls.basis_scc = cls.env["gdpr.transfer.basis"]._get_default() or cls.env[
            "gdpr.transfer.basis"
        ].search([], limit=1)
        cls.text_marketing = cls.env.ref("crm_gdpr.gdpr_consent_text_marketing")
        cls.giver = cls.env["res.partner"].create(
            {"name": "Ewa Zielińska", "email": "ewa@example.com"}
        )
        cls.giver_2 = cls.env["res.partner"].create(
            {"name": "Piotr Wiśniewski", "email": "piotr@example.com"}
        )
        cls.records = cls._create_company_records(cls.env, cls.giver)
        cls.records_2 = cls._create_company_records(
            cls.env(
                context=dict(cls.env.context, allowed_company_ids=cls.company_2.ids)
            ),
            cls.giver_2,
        )

    @classmethod
    def _create_company_records(cls, env, giver):
        """A record of every company-bound model in ``env.company``."""
        company = env.company
        register = env["gdpr.processing.register"].create(
            {"title": f"Register of {company.name}", "dpo_id": giver.id}
        )
        activity = env["gdpr.processing.activity"].create(
            {"register_id": register.id, "name": "Newsletter"}
        )
        records = {
            "gdpr.processing.register": register,
            "gdpr.processing.activity": activity,
            "gdpr.joint.controller": env["gdpr.joint.controller"].create(
                {"register_id": register.id, "partner_id": giver.id}
            ),
            "gdpr.transfer": env["gdpr.transfer"].create(
                {
                    "activity_id": activity.id,
                    "country_id": cls.country_us.id,
                    "basis_id": cls.basis_scc.id,
                }
            ),
            "gdpr.breach": env["gdpr.breach"].create(
                {
                    "dpo_id": giver.id,
                    "date_breach": "2026-01-05",
                    "date_discovered": "2026-01-05 10:00:00",
                    "nature": "Lost laptop",
                }
            ),
            "gdpr.request": env["gdpr.request"].create(
                {
                    "partner_id": giver.id,
                    "request_type": "access",
                    "date_received": "2026-01-05",
                }
            ),
            "gdpr.consent.request": env["gdpr.consent.request"].create(
                {"partner_id": giver.id, "company_id": company.id}
            ),
            "gdpr.consent": env["gdpr.consent"].create(
                {
                    "partner_id": giver.id,
                    "category_id": cls.category_marketing.id,
                    "text_id": cls.text_marketing.id,
                    "company_id": company.id,
                }
            ),
            "gdpr.consent.category": env["gdpr.consent.category"].create(
                {"name": "Events", "company_id": company.id}
            ),
            "gdpr.consent.source": env["gdpr.consent.source"].create(
                {"name": "Trade fair", "company_id": company.id}
            ),
            "gdpr.withdrawal.reason": env["gdpr.withdrawal.reason"].create(
                {"name": "Moved abroad", "company_id": company.id}
            ),
            "gdpr.withdrawal.source": env["gdpr.withdrawal.source"].create(
                {"name": "Letter", "company_id": company.id}
            ),
            "gdpr.transfer.basis": env["gdpr.transfer.basis"].create(
                {"name": "Local basis", "company_id": company.id}
            ),
            "gdpr.channel": env["gdpr.channel"].create(
                {"name": "Fax", "kind": "phone", "company_id": company.id}
            ),
            "gdpr.data.category": env["gdpr.data.category"].create(
                {"name": "Vehicle data", "company_id": company.id}
            ),
            "gdpr.consent.text": env["gdpr.consent.text"].create(
                {
                    "name": "Event invitations",
                    "body": "<p>I agree to receive invitations.</p>",
                    "category_id": cls.category_marketing.id,
                    "date_start": "2020-01-01",
                    "company_id": company.id,
                }
            ),
        }
        # A notice nobody was informed of (deletable by the manager), and a
        # record of another notice.
        notices = env["gdpr.information.notice"].create(
            [
                {
                    "name": f"Notice of {company.name}",
                    "body": "<p>How we process your data.</p>",
                    "date_start": "2020-01-01",
                    "company_id": company.id,
                }
                for _i in range(2)
            ]
        )
        records["gdpr.information.notice"] = notices[0]
        records["gdpr.information.record"] = env["gdpr.information.record"].create(
            {
                "partner_id": giver.id,
                "notice_id": notices[1].id,
                "method": "in_person",
                "company_id": company.id,
            }
        )
        # A background job launched by the salesperson.
        records["gdpr.bulk.job"] = env["gdpr.bulk.job"].create(
            {
                "name": f"Grant in {company.name}",
                "job_type": "consent_grant",
                "user_id": cls.user_sales.id,
            }
        )
        agreement = env["gdpr.processor.agreement"].create(
            {"processor_id": giver.id, "subject": "Hosting"}
        )
        records["gdpr.processor.agreement"] = agreement
        records["gdpr.processor.subprocessor"] = env[
            "gdpr.processor.subprocessor"
        ].create({"agreement_id": agreement.id, "partner_id": giver.id})
        records["gdpr.processor.transfer"] = env["gdpr.processor.transfer"].create(
            {
                "agreement_id": agreement.id,
                "country_id": cls.country_us.id,
                "basis_id": cls.basis_scc.id,
            }
        )
        records["gdpr.processor.controller"] = env["gdpr.processor.controller"].create(
            {"register_id": register.id, "partner_id": giver.id}
        )
        dpia = env["gdpr.dpia"].create({"activity_id": activity.id})
        records["gdpr.dpia"] = dpia
        records["gdpr.dpia.risk"] = env["gdpr.dpia.risk"].create(
            {"dpia_id": dpia.id, "name": "Leak", "likelihood": "2", "severity": "3"}
        )
        # The evidence log of the company's consent and breach.
        records["gdpr.evidence.event"] = env["gdpr.evidence.event"].search(
            [("company_id", "=", company.id)], limit=1
        )
        records["gdpr.evidence.chain"] = env["gdpr.evidence.chain"].search(
            [("company_id", "=", company.id)]
        )
        return records
