"""Evidence log measures of ``make bench`` (SPEC section 7, issue 12).

- the bulk grant wizard with the evidence log against a bare batched
  ``create()`` of the same consents without it (target: at most 1.3x);
- a full ``verify_chain()`` of a chain of 100,000 events (target: < 10 s).

Run alone: ``make bench ONLY=evidence``.
"""

import time
from contextlib import contextmanager

import harness


@contextmanager
def without_evidence_log(registry):
    """Bench only: the evidence log switched off, for the bare create()."""
    Event = registry["gdpr.evidence.event"]
    append = Event._gdpr_append
    Event._gdpr_append = lambda self, *args, **kwargs: None
    try:
        yield
    finally:
        Event._gdpr_append = append


def measure(registry, sizes):

    from odoo.tests.common import new_test_user  # noqa: PLC0415

    consents = sizes["evidence_consents"]
    events = sizes["evidence_events"]
    with harness.committed(registry) as env:
        partner_ids = harness.insert_partners(
            env, max(consents // 2, events // 2), "Evidence Giver"
        )
        texts_ids = [text.id for text in harness.bench_texts(env)]
        uid = new_test_user(
            env,
            login="crm_gdpr_bench_evidence",
            groups="sales_team.group_sale_salesman",
        ).id
    grant_ids = partner_ids[: consents // 2]
    # Warm both paths.
    for how in ("bare", "wizard"):
        with without_evidence_log(registry) if how == "bare" else nullcontext():
            harness.one_grant(registry, uid, grant_ids[:50], texts_ids, how)
    runs = {"bare": [], "wizard": []}
    for _i in range(2):
        with without_evidence_log(registry):
            runs["bare"].append(
                harness.one_grant(registry, uid, grant_ids, texts_ids, "bare")
            )
        runs["wizard"].append(
            harness.one_grant(registry, uid, grant_ids, texts_ids, "wizard")
        )
    bare = min(runs["bare"], key=lambda run: run["seconds"])
    wizard = min(runs["wizard"], key=lambda run: run["seconds"])
    result = {
        "consents": wizard["consents"],
        "bare_s": bare["seconds"],
        "wizard_s": wizard["seconds"],
        "ratio": wizard["seconds"] / bare["seconds"],
        "wizard_queries": wizard["queries"],
    }
    # A chain of ``events`` events: one per consent given, batches of 10,000.
    with harness.committed(registry) as env:
        texts = env["gdpr.consent.text"].browse(texts_ids)
        vals_list = harness.bare_vals(env, partner_ids[: events // 2], texts)
        for start in range(0, len(vals_list), 10000):
            env["gdpr.consent"].create(vals_list[start : start + 10000])
            env.flush_all()
            env.invalidate_all()
    with harness.rolled_back(registry) as env:
        Event = env["gdpr.evidence.event"]
        count = Event.search_count([("company_id", "=", env.company.id)])
        env.invalidate_all()
        start = time.perf_counter()
        (check,) = Event.verify_chain(env.company)
        result["verify_s"] = time.perf_counter() - start
        result["verify_events"] = count
        result["verify_ok"] = check["ok"]
        result["verify_mismatch"] = check["mismatch"]
    return result


@contextmanager
def nullcontext():
    yield


def rows(res, row, ok):
    """The rows of the evidence measures in the bench table."""
    evidence = res.get("evidence")
    if not evidence:
        return
    if "error" in evidence:
        row("7. Evidence log", evidence["error"])
        return
    row(
        f"7. Bulk grant wizard with the evidence log, {evidence['consents']:,}",
        f"{evidence['wizard_s']:.2f} s ({evidence['wizard_queries']:,} queries)",
    )
    row(
        "7. Bare create() of the same consents, without the log",
        f"{evidence['bare_s']:.2f} s",
    )
    row(
        "7. Wizard with log / bare create",
        f"{evidence['ratio']:.2f}",
        "≤ 1.3",
        "met" if evidence["ratio"] <= 1.3 else "NOT met",
    )
    row(
        f"7. verify_chain() of {evidence['verify_events']:,} events and their records",
        f"{evidence['verify_s']:.2f} s, "
        + (
            "intact"
            if evidence["verify_ok"]
            else f"MISMATCH: {evidence['verify_mismatch']}"
        ),
        "< 10 s",
        "met" if evidence["verify_s"] < 10 and evidence["verify_ok"] else "NOT met",
    )
