"""Background job measures of ``make bench`` (issue 19).

A bulk grant of ``job_consents`` consents (one text, as many partners),
launched from the wizard above the threshold, then run by Odoo's own cron
runner (``ir.cron._process_jobs``, the loop of a cron worker: one batch per
transaction, up to 10 batches per acquisition) until the job is done:
the time from the click to the last batch, batches per second and consents
per second.

Run alone: ``make bench ONLY=jobs``.
"""

import math
import time

import harness


def measure(registry, sizes):

    from odoo import Command  # noqa: PLC0415
    from odoo.tests.common import new_test_user  # noqa: PLC0415

    from odoo.addons.base.models.ir_cron import ir_cron  # noqa: PLC0415

    consents = sizes["job_consents"]
    with harness.committed(registry) as env:
        partner_ids = harness.insert_partners(env, consents, "Job Giver")
        uid = new_test_user(
            env, login="crm_gdpr_bench_jobs", groups="sales_team.group_sale_salesman"
        ).id
        threshold = env["gdpr.bulk.job"]._gdpr_threshold()
    # The scheduled actions already due run first: only the job is timed.
    ir_cron._process_jobs(registry.db_name)
    start = time.perf_counter()
    with harness.committed(registry) as env:
        env = env(user=uid)
        text = env.ref("crm_gdpr.gdpr_consent_text_marketing")
        wizard = env["gdpr.consent.bulk.grant"].create(
            {
                "partner_ids": [Command.set(partner_ids)],
                "category_ids": [Command.set(text.category_id.ids)],
            }
        )
        wizard.line_ids.filtered(lambda line: line.text_id == text).to_create = True
        action = wizard.action_generate()
    launched_s = time.perf_counter() - start
    job_id = action["res_id"]
    runner_calls = 0
    while True:
        ir_cron._process_jobs(registry.db_name)
        runner_calls += 1
        with harness.committed(registry) as env:
            job = env["gdpr.bulk.job"].browse(job_id)
            state = job.state
            if state in ("done", "failed") or runner_calls > 10000:
                result = {
                    "consents": consents,
                    "threshold": threshold,
                    "state": state,
                    "created": job.processed_count,
                    "batch_size": job.batch_size,
                    "batches": math.ceil(job.item_count / job.batch_size),
                    "failed_batches": job.batch_failures,
                }
                break
    total_s = time.perf_counter() - start
    result.update(
        launch_s=launched_s,
        total_s=total_s,
        runner_calls=runner_calls,
        batches_per_s=result["batches"] / total_s,
        consents_per_s=result["created"] / total_s,
        batch_s=(total_s - launched_s) / result["batches"],
    )
    return result


def rows(res, row, ok):
    """The rows of the background job measures in the bench table."""
    jobs = res.get("jobs")
    if not jobs:
        return
    if "error" in jobs:
        row("9. Background job", jobs["error"])
        return
    row(
        f"9. Background bulk grant, {jobs['consents']:,} consents "
        f"(threshold {jobs['threshold']:,}, batches of {jobs['batch_size']:,})",
        f"{jobs['total_s']:.2f} s from the click to the last batch, "
        f"{jobs['state']}, {jobs['created']:,} created",
    )
    row(
        "9. Request launching the job (wizard → job queued)",
        f"{jobs['launch_s']:.2f} s",
        "< 60 s",
        "met" if jobs["launch_s"] < 60 else "NOT met",
    )
    row(
        "9. Batches",
        f"{jobs['batches']} batches, {jobs['batches_per_s']:.2f} batches/s, "
        f"{jobs['batch_s']:.2f} s per batch, {jobs['consents_per_s']:,.0f} "
        f"consents/s; {jobs['runner_calls']} cron runner passes",
        "batch < 60 s",
        "met" if jobs["batch_s"] < 60 else "NOT met",
    )
