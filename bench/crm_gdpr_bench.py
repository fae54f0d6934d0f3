#!/usr/bin/env python3
"""Performance benchmark of crm_gdpr at CRM scale: ``make bench``.

The driver (``python3 bench/crm_gdpr_bench.py``) creates its own databases
(names starting with ``crm_gdpr_bench_run``), times the installs, then runs
each measurement in a separate Odoo process (``... measure PART``) so that
memory figures belong to one measurement. It prints a table and writes it as
JSON to ``bench/results/latest.json``.

Every figure compares two things measured in the same run (the machines are
noisy): ratios are what the targets are about, absolute times only describe
the machine. Measurements that change data run in a transaction that is
rolled back, so that each one starts from the same database.
"""

import argparse
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT / "tools"))
import dev  # noqa: E402  (tools/dev.py: databases, addons path, PostgreSQL)
import measure_status  # noqa: E402  (bench/measure_status.py)
from measure_composer import composer_rows, measure_composer  # noqa: E402
from measure_evidence import evidence_rows, measure_evidence  # noqa: E402
from measure_jobs import jobs_rows, measure_jobs  # noqa: E402
from measure_selfservice import measure_selfservice, selfservice_rows  # noqa: E402

DB_PREFIX = "crm_gdpr_bench_run"
OCA_DIR = dev.BUILD / "bench" / "oca"
OCA_ADDONS = OCA_DIR / "odoo" / "addons"
OCA_PACKAGES = (
    "odoo-addon-privacy>=18.0,<18.1",
    "odoo-addon-privacy-consent>=18.0,<18.1",
)
RESULTS = BENCH / "results"

# Sizes of the issue (make bench SMALL=1 divides them for a quick check).
SIZES = {
    "grant_partners": 10_000,
    "grant_partners_small": 1_000,
    "list_small": 80,
    "list_large": 2_000,
    "filter_partners": 200_000,
    "register_activities": 200,
    "breaches": 50,
    "evidence_consents": 20_000,
    "evidence_events": 100_000,
    "composer_recipients": 1_000,
    "job_consents": 20_000,
    "ask_partners": 10_000,
    "blacklist_addresses": 10_000,
    "import_lines": 50_000,
}


# ---------------------------------------------------------------------------
# Driver
# ---------------------------------------------------------------------------
def timed(func, *args, **kwargs):
    start = time.perf_counter()
    func(*args, **kwargs)
    return time.perf_counter() - start


def install_oca(env):
    """OCA's privacy and privacy_consent for Odoo 18, beside the project."""
    if (OCA_ADDONS / "privacy_consent" / "__manifest__.py").exists():
        return True
    dev.say("installing OCA privacy_consent (18.0) into .build/bench/oca")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--target",
            str(OCA_DIR),
            *OCA_PACKAGES,
        ],
        env=env,
        check=False,
    )
    return proc.returncode == 0


def odoo_run(env, path, db, *args, log):
    dev.run_odoo(
        env,
        dev.odoo_cmd(path, db, "--stop-after-init", "--log-level=warn", *args),
        log,
    )


def measure_installs(env, path, repeat):
    """Install crm alone, then crm_gdpr over it; also the idle start-up time.

    The idle start (loading the registry of the installed modules, nothing to
    install) is subtracted from both: it is the fixed cost of starting Odoo,
    not the cost of the install.
    """
    crm_db, main_db = f"{DB_PREFIX}_crm", DB_PREFIX
    crm_times, crm_idle, gdpr_times, gdpr_idle = [], [], [], []
    for index in range(repeat):
        name = crm_db if index == 0 else f"{crm_db}_{index}"
        dev.drop_db(env, name)
        subprocess.run(["createdb", name], env=env, check=True)
        dev.say(f"installing crm alone in {name} ({index + 1}/{repeat})")
        crm_times.append(
            timed(
                odoo_run,
                env,
                path,
                name,
                "-i",
                "crm",
                "--without-demo=all",
                log="bench-install-crm.log",
            )
        )
        crm_idle.append(timed(odoo_run, env, path, name, log="bench-idle.log"))
        if index:
            dev.drop_db(env, name)
    for index in range(repeat):
        name = main_db if index == 0 else f"{main_db}_{index}"
        dev.drop_db(env, name)
        subprocess.run(["createdb", "-T", crm_db, name], env=env, check=True)
        dev.say(f"installing crm_gdpr over crm in {name} ({index + 1}/{repeat})")
        gdpr_times.append(
            timed(
                odoo_run,
                env,
                path,
                name,
                "-i",
                dev.MODULE,
                "--without-demo=all",
                log="bench-install-crm_gdpr.log",
            )
        )
        gdpr_idle.append(timed(odoo_run, env, path, name, log="bench-idle.log"))
        if index:
            dev.drop_db(env, name)
    dev.drop_db(env, crm_db)
    crm_net = min(crm_times) - min(crm_idle)
    gdpr_net = min(gdpr_times) - min(gdpr_idle)
    return {
        "crm_install_s": min(crm_times),
        "crm_idle_start_s": min(crm_idle),
        "crm_gdpr_install_s": min(gdpr_times),
        "crm_gdpr_idle_start_s": min(gdpr_idle),
        "crm_net_s": crm_net,
        "crm_gdpr_net_s": gdpr_net,
        "added_pct": 100.0 * gdpr_net / crm_net,
        "added_pct_wall": 100.0 * min(gdpr_times) / min(crm_times),
        "repeat": repeat,
    }


def run_part(env, path, db, part, sizes):
    out = dev.BUILD / "bench" / f"part-{part}.json"
    out.unlink(missing_ok=True)
    dev.say(f"measuring: {part}")
    log = dev.BUILD / f"bench-{part}.log"
    with log.open("w") as handle:
        proc = subprocess.run(
            [
                sys.executable,
                __file__,
                "measure",
                part,
                "--db",
                db,
                "--addons-path",
                path,
                "--out",
                str(out),
                "--sizes",
                json.dumps(sizes),
            ],
            env=env,
            stdout=handle,
            stderr=subprocess.STDOUT,
            check=False,
        )
    if proc.returncode or not out.exists():
        tail = log.read_text(errors="replace")[-3000:]
        print(tail, file=sys.stderr)
        return {"error": f"the {part} measurement failed, see {log}"}
    return json.loads(out.read_text())


def machine():
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    pg = subprocess.run(
        ["psql", "-X", "-d", "postgres", "-tAc", "SHOW server_version"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(mem_gb, 1),
        "python": platform.python_version(),
        "postgresql": pg,
        "load_avg_at_start": os.getloadavg()[0],
    }


def cmd_run(args):
    started = time.perf_counter()
    version, odoo_addons = dev.odoo_info()
    env = dev.ensure_postgres()
    path = dev.addons_path(odoo_addons)
    sizes = dict(SIZES)
    if args.small:
        sizes = {key: max(value // args.small, 20) for key, value in sizes.items()}
    results = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "odoo": version,
        "machine": machine(),
        "sizes": sizes,
    }
    if args.reuse and dev.db_exists(env, DB_PREFIX):
        results["install"] = json.loads((RESULTS / "latest.json").read_text())[
            "install"
        ]
        results["install"]["reused"] = True
    else:
        results["install"] = measure_installs(env, path, args.repeat)
    oca = install_oca(env)
    if oca:
        path = f"{path},{OCA_ADDONS}"
        dev.say("installing OCA privacy_consent beside crm_gdpr")
        odoo_run(
            env,
            path,
            DB_PREFIX,
            "-i",
            "privacy_consent",
            "--without-demo=all",
            log="bench-install-oca.log",
        )
    # The measurements add data: they work on a copy of the installed database.
    work = f"{DB_PREFIX}_work"
    dev.drop_db(env, work)
    subprocess.run(["createdb", "-T", DB_PREFIX, work], env=env, check=True)
    for part in args.parts.split(","):
        results[part] = run_part(env, path, work, part, sizes)
    dev.drop_db(env, work)
    if not oca and "grant" in results:
        results["grant"]["oca"] = {
            "error": "OCA privacy_consent could not be installed"
        }
    if not args.keep:
        dev.drop_db(env, DB_PREFIX)
    results["duration_s"] = time.perf_counter() - started
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(results, indent=2) + "\n")
    table = format_table(results)
    (RESULTS / "latest.md").write_text(table + "\n")
    print(table)
    dev.say(f"wrote {(RESULTS / 'latest.json').relative_to(ROOT)} and latest.md")


# ---------------------------------------------------------------------------
# Table
# ---------------------------------------------------------------------------
def _ok(flag):
    return "met" if flag else "NOT MET"


def format_table(res):  # noqa: C901  (one row per figure)
    rows = []

    def row(what, figure, target="", status=""):
        rows.append((what, figure, target, status))

    grant = res.get("grant") or {"error": "not measured"}
    if "error" in grant:
        row("1-5 bulk grant", grant["error"])
    else:
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
            _ok(big["ratio"] <= 1.3),
        )
        row(
            "1. SQL queries per 1,000 consents (wizard)",
            f"{small['wizard_queries_per_1000']:.1f} at {small['consents']:,}; "
            f"{big['wizard_queries_per_1000']:.1f} at {big['consents']:,} "
            f"({small['wizard_queries']} → {big['wizard_queries']} queries)",
            "sub-linear",
            _ok(grant["queries_sublinear"]),
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
                _ok(oca["ratio"] <= 1.0),
            )
    measure_status.format_rows(res, row, _ok)
    inst = res["install"]
    row(
        "4. Install crm alone (net of idle start)",
        f"{inst['crm_net_s']:.1f} s (wall {inst['crm_install_s']:.1f} s, "
        f"idle start {inst['crm_idle_start_s']:.1f} s)",
    )
    row(
        "4. Install crm_gdpr over crm (net of idle start)",
        f"{inst['crm_gdpr_net_s']:.1f} s (wall {inst['crm_gdpr_install_s']:.1f} s, "
        f"idle start {inst['crm_gdpr_idle_start_s']:.1f} s)",
    )
    row(
        "4. crm_gdpr adds to the crm install",
        f"{inst['added_pct']:.1f} % (wall clock: {inst['added_pct_wall']:.1f} %)",
        "< 25 %",
        _ok(inst["added_pct"] < 25),
    )
    pdf = res.get("pdf") or {"error": "not measured"}
    if "error" in pdf:
        row("6. PDFs", pdf["error"])
    else:
        reg = pdf["register"]
        row(
            f"6. Register PDF, {reg['activities']} activities "
            f"({reg['text_chars']:,} characters of text each)",
            f"{reg['seconds']:.2f} s ({reg['qweb_seconds']:.2f} s QWeb, the rest "
            f"wkhtmltopdf), {reg['pages']} pages",
            "< 10 s",
            _ok(reg["seconds"] < 10),
        )
        row(
            "6. Register: wkhtmltopdf alone on its HTML, layout web font / system font",
            f"{reg['wk_webfont_s']:.2f} s / {reg['wk_system_font_s']:.2f} s",
        )
        row(
            "6. Register PDF memory: Odoo process / wkhtmltopdf",
            f"peak {reg['peak_rss_mb']:.0f} MB (before {reg['rss_before_mb']:.0f} MB)"
            f" / peak {reg['wkhtmltopdf_peak_mb']:.0f} MB",
        )
        breach = pdf["breaches"]
        if "error" in breach:
            row("6. Breach PDF", breach["error"], "< 10 s", "NOT MEASURED")
        else:
            row(
                f"6. Breach PDF, {breach['breaches']} breaches in one print",
                f"{breach['seconds']:.2f} s ({breach['qweb_seconds']:.2f} s QWeb), "
                f"{breach['pages']} pages",
                "< 10 s",
                _ok(breach["seconds"] < 10),
            )
            row(
                "6. Breach PDF memory: Odoo process / wkhtmltopdf",
                f"peak {breach['peak_rss_mb']:.0f} MB / peak "
                f"{breach['wkhtmltopdf_peak_mb']:.0f} MB",
            )
    evidence_rows(res, row)
    composer_rows(res, row, _ok)
    jobs_rows(res, row)
    selfservice_rows(res, row)
    mach = res["machine"]
    head = (
        f"crm_gdpr benchmark, {res['date']}, Odoo {res['odoo']}, "
        f"{mach['cpu']} ({mach['cores']} cores), {mach['memory_gb']} GB, "
        f"PostgreSQL {mach['postgresql']}, Python {mach['python']}, "
        f"load {mach['load_avg_at_start']:.1f} at start"
    )
    widths = [
        max(len(str(r[i])) for r in rows + [("Measure", "Figure", "Target", "")])
        for i in range(4)
    ]
    lines = [head, ""]
    header = ("Measure", "Figure", "Target", "Status")
    lines.append(
        "| "
        + " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))
        + " |"
    )
    lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in rows:
        lines.append(
            "| "
            + " | ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True))
            + " |"
        )
    status = res.get("status") or {"error": "not measured"}
    plans = status.get("filter", {}) if "error" not in status else {}
    if plans:
        lines += ["", "Query plan, first page of the filter:", plans["page_plan"]]
        lines += ["", "Query plan, count (up to 10,000):", plans["count_plan"]]
    lines += ["", f"Whole run: {res.get('duration_s', 0):.0f} s"]
    return "\n".join(lines)


# ---------------------------------------------------------------------------
# Measurements, inside Odoo
# ---------------------------------------------------------------------------
def cmd_measure(args):
    import odoo  # noqa: PLC0415  (the driver runs without importing Odoo)
    from odoo.service import server  # noqa: PLC0415

    odoo.tools.config.parse_config(
        [
            "--addons-path",
            args.addons_path,
            "-d",
            args.db,
            "--db-filter",
            f"^{args.db}$",
            "--log-level=warn",
            "--without-demo=all",
        ]
    )
    server.load_server_wide_modules()
    registry = odoo.modules.registry.Registry(args.db)
    sizes = json.loads(args.sizes)
    part = {
        "grant": measure_grant,
        "status": measure_status.measure_status,
        "pdf": measure_pdf,
        "evidence": measure_evidence,
        "composer": measure_composer,
        "jobs": measure_jobs,
        "selfservice": measure_selfservice,
    }
    result = part[args.part](registry, sizes)
    Path(args.out).write_text(json.dumps(result, indent=2))


@contextmanager
def rolled_back(registry, uid=None):
    """An environment whose transaction is rolled back at the end."""
    from odoo import SUPERUSER_ID, api  # noqa: PLC0415

    cr = registry.cursor()
    try:
        yield api.Environment(cr, uid or SUPERUSER_ID, {})
    finally:
        cr.rollback()
        cr.close()


@contextmanager
def committed(registry):
    """An environment whose transaction is committed at the end."""
    from odoo import SUPERUSER_ID, api  # noqa: PLC0415

    with registry.cursor() as cr:
        yield api.Environment(cr, SUPERUSER_ID, {})


def counted(env, func, *args):
    """Run ``func`` and flush; return (its result, seconds, SQL queries)."""
    cr = env.cr
    queries = cr.sql_log_count
    start = time.perf_counter()
    result = func(*args)
    env.flush_all()
    return result, time.perf_counter() - start, cr.sql_log_count - queries


def insert_partners(env, count, label, ref=None):
    """``count`` contacts with an email, inserted in one statement.

    The stored fields the ORM would compute for a new contact are filled
    (complete name, normalized email, commercial partner).
    """
    from odoo.tools import SQL  # noqa: PLC0415

    env.cr.execute(
        SQL(
            """
            INSERT INTO res_partner (
                name, complete_name, email, email_normalized, lang, active,
                type, is_company, partner_share, ref,
                create_uid, write_uid, create_date, write_date)
            SELECT %(label)s || ' ' || g, %(label)s || ' ' || g,
                   %(mail)s || g || '@example.com', %(mail)s || g || '@example.com',
                   'en_US', TRUE, 'contact', FALSE, TRUE, %(ref)s,
                   1, 1, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
              FROM generate_series(1, %(count)s) g
            RETURNING id
            """,
            label=label,
            mail=label.lower().replace(" ", "."),
            ref=ref,
            count=count,
        )
    )
    ids = [row[0] for row in env.cr.fetchall()]
    env.cr.execute(
        SQL(
            "UPDATE res_partner SET commercial_partner_id = id WHERE id = ANY(%s)",
            ids,
        )
    )
    env.invalidate_all()
    return ids


def bench_texts(env):
    marketing = env.ref("crm_gdpr.gdpr_consent_text_marketing")
    newsletter = env.ref("crm_gdpr.gdpr_consent_text_newsletter")
    return marketing, newsletter


def in_one_request(env):
    """The grant in the user's request: no background job, whatever its size."""
    env["ir.config_parameter"].sudo().set_param(
        "crm_gdpr.bulk_job_threshold", "1000000000"
    )
    env.flush_all()


def grant_with_wizard(env, partner_ids, texts):
    from odoo import Command  # noqa: PLC0415

    wizard = env["gdpr.consent.bulk.grant"].create(
        {
            "partner_ids": [Command.set(partner_ids)],
            "category_ids": [Command.set(texts.category_id.ids)],
        }
    )
    wizard.line_ids.filtered(lambda line: line.text_id in texts).to_create = True
    return wizard.action_generate()


def bare_vals(env, partner_ids, texts):
    partners = env["res.partner"].browse(partner_ids)
    channel = env.ref("crm_gdpr.gdpr_channel_email")
    source = env["gdpr.consent.source"]._get_default()
    today = time.strftime("%Y-%m-%d")
    return [
        {
            "partner_id": partner.id,
            "category_id": text.category_id.id,
            "text_id": text.id,
            "date_given": today,
            "source_id": source.id,
            "company_id": env.company.id,
            "contact_channel_id": channel.id,
            "contact_value": partner.email,
        }
        for partner in partners
        for text in texts
    ]


def one_grant(registry, uid, partner_ids, texts_ids, how):
    with rolled_back(registry, uid) as env:
        texts = env["gdpr.consent.text"].browse(texts_ids)
        if how == "bare":
            vals_list = bare_vals(env, partner_ids, texts)
            env.invalidate_all()
            _res, seconds, queries = counted(env, env["gdpr.consent"].create, vals_list)
        else:
            in_one_request(env)
            _res, seconds, queries = counted(
                env, grant_with_wizard, env, partner_ids, texts
            )
        consents = env["gdpr.consent"].search_count([("partner_id", "in", partner_ids)])
        return {"seconds": seconds, "queries": queries, "consents": consents}


def grant_case(registry, uid, partner_ids, texts_ids, repeat):
    runs = {"bare": [], "wizard": []}
    for _i in range(repeat):
        for how in ("bare", "wizard"):
            runs[how].append(one_grant(registry, uid, partner_ids, texts_ids, how))
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


def measure_grant(registry, sizes):
    from odoo.tests.common import new_test_user  # noqa: PLC0415

    count, small = sizes["grant_partners"], sizes["grant_partners_small"]
    with committed(registry) as env:
        user = new_test_user(
            env,
            login="crm_gdpr_bench_sales",
            groups="sales_team.group_sale_salesman",
        )
        partner_ids = insert_partners(env, count, "Bench Giver", ref="crm_gdpr_bench")
        texts_ids = [text.id for text in bench_texts(env)]
        uid = user.id
    # Warm the caches (registry, ormcache, prepared plans) of both paths.
    for how in ("bare", "wizard"):
        one_grant(registry, uid, partner_ids[:50], texts_ids, how)
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
        with rolled_back(registry) as env:
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
            _r, seconds, queries = counted(env, activity.action_new_consents)
            made = env["privacy.consent"].search_count(
                [("activity_id", "=", activity.id)]
            )
            return seconds, queries, made

    def crm_gdpr_run():
        with rolled_back(registry) as env:
            text = env["gdpr.consent.text"].browse(text_id)
            in_one_request(env)
            _r, seconds, queries = counted(
                env, grant_with_wizard, env, partner_ids, text
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


COUNT_LIMIT = 10_000

# Pairs of categories of the two consents of each generated partner: every
# category is in half of the partners, a fifth of the consents are withdrawn.
CATEGORY_PAIRS = ((0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3))


def median_ms(env, func, runs=15):
    for _i in range(2):
        func()
    times = []
    for _i in range(runs):
        env.invalidate_all()
        start = time.perf_counter()
        func()
        times.append(1000 * (time.perf_counter() - start))
    return statistics.median(times)


def explain(env, sql):
    from odoo.tools import SQL  # noqa: PLC0415

    env.cr.execute(SQL("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) %s", sql))
    return "\n".join(row[0] for row in env.cr.fetchall())


def list_spec(env):
    """The fields of the partner list view, as the web client asks for them."""
    from lxml import etree  # noqa: PLC0415

    Partner = env["res.partner"]
    arch = Partner.get_views([(False, "list")])["views"]["list"]["arch"]
    spec = {}
    for node in etree.fromstring(arch).iterfind("field"):
        field = Partner._fields[node.get("name")]
        spec[field.name] = {"fields": {"display_name": {}}} if field.relational else {}
    return spec


def index_names(plan):
    """Names of the indexes a query plan scans."""
    names = set()
    for line in plan.splitlines():
        if "Index" in line and (" using " in line or " on " in line):
            sep = " using " if " using " in line else " on "
            names.add(line.split(sep, 1)[1].split()[0])
    return ", ".join(sorted(names)) or "none"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_http():
    """Serve the assets wkhtmltopdf loads, as a running Odoo would."""
    import odoo  # noqa: PLC0415
    from odoo.http import root  # noqa: PLC0415
    from odoo.service import server  # noqa: PLC0415

    port = free_port()
    odoo.tools.config["http_port"] = port
    odoo.tools.config["http_interface"] = "127.0.0.1"
    server.server = server.ThreadedServer(root)
    server.server.http_spawn()
    return port


def pdf_pages(pdf):
    return pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")


class MemorySampler:
    """Peak resident memory of this process and of its children (wkhtmltopdf)."""

    def __init__(self, process):
        self.process = process
        self.own_peak = self.children_peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            self.own_peak = max(self.own_peak, self.process.memory_info().rss)
            children = 0
            for child in self.process.children(recursive=True):
                try:
                    children += child.memory_info().rss
                except Exception:  # noqa: BLE001  (the child just ended)
                    continue
            self.children_peak = max(self.children_peak, children)
            self._stop.wait(0.02)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def render(env, report_ref, records):
    """Render one print of ``records``; time the QWeb part and the whole."""
    import psutil  # noqa: PLC0415

    report = env["ir.actions.report"].with_context(force_report_rendering=True)
    env.invalidate_all()
    rss_before = psutil.Process().memory_info().rss
    with MemorySampler(psutil.Process()) as memory:
        start = time.perf_counter()
        pdf, _kind = report._render_qweb_pdf(report_ref, records.ids)
        seconds = time.perf_counter() - start
    env.invalidate_all()
    start = time.perf_counter()
    html, _kind = report._render_qweb_html(report_ref, records.ids)
    qweb_seconds = time.perf_counter() - start
    return {
        **font_check(env, html),
        "seconds": seconds,
        "qweb_seconds": qweb_seconds,
        "pages": pdf_pages(pdf),
        "bytes": len(pdf),
        "html_bytes": len(html),
        "rss_before_mb": rss_before / 2**20,
        "peak_rss_mb": memory.own_peak / 2**20,
        "wkhtmltopdf_peak_mb": memory.children_peak / 2**20,
    }


def font_check(env, html):
    """wkhtmltopdf alone on the same HTML, with the layout's web font and with
    a system font: how much of the print is text layout in the web font."""
    import tempfile  # noqa: PLC0415

    base = env["ir.config_parameter"].get_param("report.url")
    html = html.replace(b'="/web/', f'="{base}/web/'.encode())
    system_font = b"<style>* { font-family: 'DejaVu Sans' !important; }</style>"
    seconds = {}
    with tempfile.TemporaryDirectory() as tmp:
        for label, page in (
            ("wk_webfont_s", html),
            ("wk_system_font_s", html.replace(b"</head>", system_font + b"</head>", 1)),
        ):
            source, target = Path(tmp, "in.html"), Path(tmp, "out.pdf")
            source.write_bytes(page)
            start = time.perf_counter()
            subprocess.run(
                ["wkhtmltopdf", "-q", str(source), str(target)],
                capture_output=True,
                check=False,
            )
            seconds[label] = time.perf_counter() - start
    return seconds


# About 230 characters: a plausible length for each text of an activity.
ACTIVITY_TEXT = "Lorem ipsum dolor sit amet, consectetur adipiscing elit. " * 4


def measure_pdf(registry, sizes):
    port = start_http()
    result = {}
    with rolled_back(registry) as env:
        env["ir.config_parameter"].set_param("report.url", f"http://127.0.0.1:{port}")
        env.company.partner_id.write({"street": "ul. Testowa 1", "city": "Warszawa"})
        us = env.ref("base.us")
        basis = env["gdpr.transfer.basis"].search([], limit=1)
        Register = env["gdpr.processing.register"]
        warm, register = Register.create(
            [
                {"title": "Warm-up register", "use_company_data": True},
                {"title": "Benchmark register", "use_company_data": True},
            ]
        )
        texts = dict.fromkeys(
            (
                "purpose",
                "data_subject_categories",
                "personal_data_categories",
                "recipient_categories",
                "erasure_deadlines",
                "security_measures",
            ),
            ACTIVITY_TEXT,
        )
        transfer = {"country_id": us.id, "basis_id": basis.id, "details": ACTIVITY_TEXT}
        env["gdpr.processing.activity"].create(
            [
                {
                    "register_id": register.id,
                    "name": f"Processing activity {index}",
                    "legal_basis": "a" if index % 2 else "b",
                    # One activity in four transfers data to a third country.
                    "transfer_ids": [(0, 0, transfer)] if index % 4 == 0 else [],
                    **texts,
                }
                for index in range(sizes["register_activities"])
            ]
            + [{"register_id": warm.id, "name": "Warm-up activity", **texts}]
        )
        env.flush_all()
        ref = "crm_gdpr.action_report_gdpr_processing_register"
        # Warm the assets bundle and the compiled templates.
        render(env, ref, warm)
        result["register"] = render(env, ref, register)
        result["register"]["activities"] = sizes["register_activities"]
        result["register"]["text_chars"] = len(ACTIVITY_TEXT) * len(texts)
        result["breaches"] = measure_breach_pdf(env, sizes["breaches"])
    return result


def measure_breach_pdf(env, count):
    if "gdpr.breach" not in env:
        return {"error": "gdpr.breach is not in this branch (breach register issue)"}
    action = env["ir.actions.report"].search(
        [("model", "=", "gdpr.breach"), ("report_type", "=", "qweb-pdf")], limit=1
    )
    if not action:
        return {"error": "no PDF report on gdpr.breach"}
    dpo = env["res.partner"].create(
        {"name": "Benchmark DPO", "email": "dpo@example.com"}
    )
    breaches = env["gdpr.breach"].create(
        [
            {
                "dpo_id": dpo.id,
                "records_count": 100 + index,
                "nature": ACTIVITY_TEXT,
                "subjects_description": ACTIVITY_TEXT,
                "consequences": ACTIVITY_TEXT,
                "measures": ACTIVITY_TEXT,
                "no_report_reason": ACTIVITY_TEXT,
            }
            for index in range(count + 1)
        ]
    )
    env.flush_all()
    render(env, action.id, breaches[:1])
    result = render(env, action.id, breaches[1:])
    result["breaches"] = count
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    sub = parser.add_subparsers(dest="command")
    run = sub.add_parser("run", help="the whole benchmark (default)")
    run.add_argument("--keep", action="store_true", help="keep the bench database")
    run.add_argument("--repeat", type=int, default=2, help="install repetitions")
    run.add_argument(
        "--small", type=int, default=0, help="divide the sizes by this (quick check)"
    )
    run.add_argument("--reuse", action="store_true", help="(dev) reuse a kept db")
    run.add_argument(
        "--parts",
        default="grant,status,pdf,evidence,composer,selfservice",
        help="(dev) measurements",
    )
    measure = sub.add_parser("measure", help="one measurement (internal)")
    measure.add_argument(
        "part",
        choices=(
            "grant",
            "status",
            "pdf",
            "evidence",
            "composer",
            "jobs",
            "selfservice",
        ),
    )
    measure.add_argument("--db", required=True)
    measure.add_argument("--addons-path", required=True)
    measure.add_argument("--out", required=True)
    measure.add_argument("--sizes", required=True)
    args = parser.parse_args()
    if args.command == "measure":
        cmd_measure(args)
    else:
        if args.command is None:
            args = run.parse_args([])
        cmd_run(args)


if __name__ == "__main__":
    main()
