"""Bench part "grant": the bulk grant wizard at CRM scale (rows 1 and 5).

The wizard granting two texts to 10,000 partners against a bare batched
``create()`` of the same consents (target: at most 1.3x), its SQL queries
per 1,000 consents at 1,000 and 10,000 partners (sub-linear), and OCA's
``privacy_consent`` creating consents for the same partners (target: crm_gdpr
no slower). The grant runs in one request (the background job threshold
raised, see ``measure_jobs``).

Run alone: ``make bench ONLY=grant``.
"""

import harness


def grant_case(registry, uid, partner_ids, texts_ids, repeat):
    runs = {"bare": [], "wizard": []}
    for _i in range(repeat):
        for how in ("bare", "wizard"):
            runs[how].append(
                harness.one_grant(registry, uid, partner_ids, texts_ids, how)
            )
    bare = min(runs["bare"], key=lambda run: run["seconds"])
    wizard = min(runs["wizard"], key=lambda run: run["seconds"])
    consents = wizard["consents"]
    return {
        "partners": len(partner_ids),
        "consents": consents,
        "bare_consents": bare["consents"],
        "bare_s": bare["seconds"],
        "wizard_s": wizard["seconds"],
        "bare_rate": consents / bare["seconds"],
        "wizard_rate": consents / wizard["seconds"],
        "ratio": wizard["seconds"] / bare["seconds"],
        "bare_queries": bare["queries"],
        "wizard_queries": wizard["queries"],
        "wizard_queries_per_1000": 1000 * wizard["queries"] / consents,
        "bare_queries_per_1000": 1000 * bare["queries"] / consents,
        "all_seconds": {how: [r["seconds"] for r in v] for how, v in runs.items()},
    }


def measure(registry, sizes):
    from odoo.tests.common import new_test_user  # noqa: PLC0415

    count, small = sizes["grant_partners"], sizes["grant_partners_small"]
    with harness.committed(registry) as env:
        user = new_test_user(
            env,
            login="crm_gdpr_bench_sales",
            groups="sales_team.group_sale_salesman",
        )
        partner_ids = harness.insert_partners(
            env, count, "Bench Giver", ref="crm_gdpr_bench"
        )
        texts_ids = [text.id for text in harness.bench_texts(env)]
        uid = user.id
    # Warm the caches (registry, ormcache, prepared plans) of both paths.
    for how in ("bare", "wizard"):
        harness.one_grant(registry, uid, partner_ids[:50], texts_ids, how)
    result = {
        "bulk_small": grant_case(registry, uid, partner_ids[:small], texts_ids, 1),
        "bulk": grant_case(registry, uid, partner_ids, texts_ids, 2),
    }
    small_q = result["bulk_small"]["wizard_queries"]
    big_q = result["bulk"]["wizard_queries"]
    growth = big_q / small_q if small_q else 0
    # Sub-linear: ten times the consents cost less than ten times the queries.
    result["queries_growth"] = growth
    result["queries_sublinear"] = growth < (
        result["bulk"]["consents"] / result["bulk_small"]["consents"]
    )
    result["oca"] = measure_oca(registry, partner_ids, texts_ids[0])
    return result


def measure_oca(registry, partner_ids, text_id):
    if "privacy.activity" not in registry:
        return {"error": "OCA privacy_consent is not installed"}

    def oca_run():
        with harness.rolled_back(registry) as env:
            activity = env["privacy.activity"].create(
                {
                    "name": "crm_gdpr benchmark",
                    "consent_required": "manual",
                    "default_consent": True,
                    "subject_find": True,
                    "subject_domain": "[('ref', '=', 'crm_gdpr_bench')]",
                }
            )
            env.flush_all()
            _r, seconds, queries = harness.counted(env, activity.action_new_consents)
            made = env["privacy.consent"].search_count(
                [("activity_id", "=", activity.id)]
            )
            return seconds, queries, made

    def crm_gdpr_run():
        with harness.rolled_back(registry) as env:
            text = env["gdpr.consent.text"].browse(text_id)
            harness.in_one_request(env)
            _r, seconds, queries = harness.counted(
                env, harness.grant_with_wizard, env, partner_ids, text
            )
            made = env["gdpr.consent"].search_count([("partner_id", "in", partner_ids)])
            return seconds, queries, made

    oca, ours = [], []
    for _i in range(2):
        oca.append(oca_run())
        ours.append(crm_gdpr_run())
    best_oca, best_ours = min(oca), min(ours)
    return {
        "partners": len(partner_ids),
        "oca_s": best_oca[0],
        "oca_queries": best_oca[1],
        "oca_consents": best_oca[2],
        "crm_gdpr_s": best_ours[0],
        "crm_gdpr_queries": best_ours[1],
        "crm_gdpr_consents": best_ours[2],
        "ratio": best_ours[0] / best_oca[0],
        "all_seconds": {"oca": [r[0] for r in oca], "crm_gdpr": [r[0] for r in ours]},
    }


def rows(res, row, ok):
    """The rows of the grant measure in the bench table."""
    grant = res["grant"]
    big, small = grant["bulk"], grant["bulk_small"]
    row(
        f"1. Bulk grant wizard, {big['consents']:,} consents",
        f"{big['wizard_s']:.2f} s, {big['wizard_rate']:,.0f} consents/s",
    )
    row(
        f"1. Bare create() of the same {big['consents']:,} consents",
        f"{big['bare_s']:.2f} s, {big['bare_rate']:,.0f} consents/s",
    )
    row(
        "1. Wizard / bare create",
        f"{big['ratio']:.2f}",
        "≤ 1.3",
        ok(big["ratio"] <= 1.3),
    )
    row(
        "1. SQL queries per 1,000 consents (wizard)",
        f"{small['wizard_queries_per_1000']:.1f} at {small['consents']:,}; "
        f"{big['wizard_queries_per_1000']:.1f} at {big['consents']:,} "
        f"({small['wizard_queries']} → {big['wizard_queries']} queries)",
        "sub-linear",
        ok(grant["queries_sublinear"]),
    )
    oca = grant.get("oca", {})
    if "error" in oca:
        row("5. OCA privacy_consent comparison", oca["error"])
    else:
        row(
            f"5. OCA action_new_consents, {oca['partners']:,} partners",
            f"{oca['oca_s']:.2f} s",
        )
        row(
            f"5. crm_gdpr grant of one text, {oca['partners']:,} partners",
            f"{oca['crm_gdpr_s']:.2f} s",
        )
        row(
            "5. crm_gdpr / OCA",
            f"{oca['ratio']:.2f}",
            "≤ 1.0",
            ok(oca["ratio"] <= 1.0),
        )
