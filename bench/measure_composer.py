"""Bench part "composer": the e-mail composer's consent warning (SPEC 13).

A salesperson opens Odoo's composer in mass mode on 10, 100 and 1,000
contacts with a template of the Marketing category (half of the contacts
have a marketing consent bound to their e-mail): the warning must cost the
same number of SQL queries whatever the number of recipients.

Run alone: ``make bench ONLY=composer``.
"""

import time

import harness

RECIPIENTS = (10, 100, 1_000)


def measure(registry, sizes):

    from odoo.tests.common import new_test_user  # noqa: PLC0415

    counts = [n for n in RECIPIENTS if n <= sizes["composer_recipients"]] or [
        sizes["composer_recipients"]
    ]
    with harness.committed(registry) as env:
        partner_ids = harness.insert_partners(env, max(counts), "Composer Recipient")
        category = env.ref("crm_gdpr.gdpr_consent_category_marketing")
        text = env.ref("crm_gdpr.gdpr_consent_text_marketing")
        env["gdpr.consent"].create(
            [
                {"partner_id": pid, "category_id": category.id, "text_id": text.id}
                for pid in partner_ids[::2]
            ]
        )
        template = env["mail.template"].create(
            {
                "name": "Bench marketing offer",
                "model_id": env.ref("base.model_res_partner").id,
                "subject": "Our offer",
                "body_html": "<p>Our offer</p>",
                "gdpr_category_id": category.id,
            }
        )
        template_id = template.id
        uid = new_test_user(
            env,
            login="crm_gdpr_bench_composer",
            groups="sales_team.group_sale_salesman",
        ).id
    result = {"recipients": {}}
    with harness.rolled_back(registry, uid) as env:

        def warning(ids):
            composer = (
                env["mail.compose.message"]
                .with_context(
                    default_composition_mode="mass_mail",
                    default_model="res.partner",
                    active_ids=ids,
                )
                .create({"template_id": template_id})
            )
            env.flush_all()
            env.invalidate_all()
            start = time.perf_counter()
            _r, _s, queries = harness.counted(env, lambda: composer.gdpr_warning_count)
            return composer.gdpr_warning_count, queries, time.perf_counter() - start

        warning(partner_ids[:5])  # warm the caches of rules and groups
        for count in counts:
            missing, queries, seconds = warning(partner_ids[:count])
            result["recipients"][str(count)] = {
                "queries": queries,
                "missing": missing,
                "ms": seconds * 1000,
            }
    return result


def rows(res, row, ok):
    """The table rows of the "composer" part (``row(what, figure, target, status)``)."""
    composer = res.get("composer") or {"error": "not measured"}
    if "error" in composer:
        row("8. Composer consent warning", composer["error"])
        return
    by_count = composer["recipients"]
    labels = " / ".join(f"{int(count):,}" for count in by_count)
    queries = [value["queries"] for value in by_count.values()]
    row(
        f"8. Composer consent warning, SQL queries ({labels} recipients)",
        " / ".join(str(q) for q in queries),
        "constant",
        ok(len(set(queries)) == 1),
    )
    row(
        f"8. Composer consent warning, time ({labels} recipients)",
        " / ".join(f"{value['ms']:.0f} ms" for value in by_count.values()),
    )
