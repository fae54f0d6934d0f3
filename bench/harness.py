"""Shared harness of ``make bench``: every measure module uses it.

The driver (``python3 bench/crm_gdpr_bench.py run``) creates its own
databases (names starting with ``crm_gdpr_bench_run``, or ``$BENCH_DB_PREFIX``),
times the installs, then runs each measure in a separate Odoo process
(``... measure NAME``) so that memory figures belong to one measure. It
prints a table and writes it as JSON to ``bench/results/latest.json``.

A measure is a module ``bench/measure_NAME.py`` listed in ``MEASURES`` with

- ``measure(registry, sizes)``: runs inside Odoo, returns a JSON-able dict;
- ``rows(res, row, ok)``: adds its rows to the table from the whole result;
- optionally ``SIZES`` (its default sizes), ``OWN_COPY = True`` (it runs on
  its own copy of the work database, dropped afterwards) and
  ``failed(result)`` (true when the bench must fail: exit status 1).

Every figure compares two things measured in the same run (the machines are
noisy): ratios are what the targets are about, absolute times only describe
the machine. Measurements that change data run in a transaction that is
rolled back, so that each one starts from the same database.

This module is imported by the driver without Odoo: Odoo is imported inside
the functions that run in the measure process.
"""

import importlib
import json
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT / "tools"))
import dev  # noqa: E402  (tools/dev.py: databases, addons path, PostgreSQL)

DB_PREFIX = os.environ.get("BENCH_DB_PREFIX") or "crm_gdpr_bench_run"
OCA_DIR = dev.BUILD / "bench" / "oca"
OCA_ADDONS = OCA_DIR / "odoo" / "addons"
OCA_PACKAGES = (
    "odoo-addon-privacy>=18.0,<18.1",
    "odoo-addon-privacy-consent>=18.0,<18.1",
)
RESULTS = BENCH / "results"

# Every measure, in the order of the table (module bench/measure_NAME.py).
MEASURES = (
    "grant",
    "status",
    "pdf",
    "evidence",
    "composer",
    "jobs",
    "selfservice",
    "load",
    "scale",
)
# What ``make bench`` runs; ``scale`` is ``make bench FULL=1``.
DEFAULT = ("grant", "status", "pdf", "evidence", "composer", "selfservice", "load")
FULL = ("scale",)

# Sizes shared by several measures (make bench --small N divides them for a
# quick check); each measure module adds its own in ``SIZES``.
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


def module(name):
    """The measure module ``bench/measure_NAME.py``."""
    return importlib.import_module(f"measure_{name}")


def all_sizes():
    sizes = dict(SIZES)
    for name in MEASURES:
        sizes.update(getattr(module(name), "SIZES", {}))
    return sizes


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


def install_runs(env, path, db, module, repeat, template=None, label=None):
    """Seconds of ``repeat`` installs of ``module``, and of the idle start-up
    after each, in fresh databases (copies of ``template`` when given).

    The first database, ``db``, is kept; the others are dropped.
    """
    times, idle = [], []
    for index in range(repeat):
        name = db if index == 0 else f"{db}_{index}"
        dev.drop_db(env, name)
        template_args = ["-T", template] if template else []
        subprocess.run(["createdb", *template_args, name], env=env, check=True)
        dev.say(f"installing {label or module} in {name} ({index + 1}/{repeat})")
        times.append(
            timed(
                odoo_run,
                env,
                path,
                name,
                "-i",
                module,
                "--without-demo=all",
                log=f"bench-install-{module}.log",
            )
        )
        idle.append(timed(odoo_run, env, path, name, log="bench-idle.log"))
        if index:
            dev.drop_db(env, name)
    return times, idle


def measure_installs(env, path, repeat):
    """Install crm alone, then crm_gdpr over it; also the idle start-up time.

    The idle start (loading the registry of the installed modules, nothing to
    install) is subtracted from both: it is the fixed cost of starting Odoo,
    not the cost of the install.
    """
    crm_db, main_db = f"{DB_PREFIX}_crm", DB_PREFIX
    crm_times, crm_idle = install_runs(
        env, path, crm_db, "crm", repeat, label="crm alone"
    )
    gdpr_times, gdpr_idle = install_runs(
        env,
        path,
        main_db,
        dev.MODULE,
        repeat,
        template=crm_db,
        label=f"{dev.MODULE} over crm",
    )
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
    """Run the measure ``part`` in its own Odoo process on ``db``."""
    out = dev.BUILD / "bench" / f"part-{part}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.unlink(missing_ok=True)
    dev.say(f"measuring: {part}")
    log = dev.BUILD / f"bench-{part}.log"
    own_copy = getattr(module(part), "OWN_COPY", False)
    if own_copy:
        copy = f"{db}_{part}"
        dev.drop_db(env, copy)
        subprocess.run(["createdb", "-T", db, copy], env=env, check=True)
        db = copy
    try:
        with log.open("w") as handle:
            proc = subprocess.run(
                [
                    sys.executable,
                    str(BENCH / "crm_gdpr_bench.py"),
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
    finally:
        if own_copy:
            dev.drop_db(env, db)
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


def cmd_run(args, parts):
    """Install, run ``parts`` (measure names), print and write the table.

    Exits with status 1 when a measure failed or says the bench must fail.
    """
    started = time.perf_counter()
    exit_on_sigterm()
    version, odoo_addons = dev.odoo_info()
    env = dev.ensure_postgres()
    path = dev.addons_path(odoo_addons)
    sizes = all_sizes()
    if args.small:
        sizes = {key: max(value // args.small, 20) for key, value in sizes.items()}
    # (dev) sizes set one by one, e.g. BENCH_SIZES='{"scale_consents": 10000}'
    sizes.update(json.loads(os.environ.get("BENCH_SIZES") or "{}"))
    results = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "odoo": version,
        "machine": machine(),
        "sizes": sizes,
        "parts": list(parts),
    }
    if args.reuse and dev.db_exists(env, DB_PREFIX):
        results["install"] = json.loads((RESULTS / "latest.json").read_text())[
            "install"
        ]
        results["install"]["reused"] = True
    elif set(DEFAULT) <= set(parts):
        results["install"] = measure_installs(env, path, args.repeat)
    else:
        # Some measures only: crm_gdpr installed over the crm template
        # database of tools/dev.py (kept between runs), the install not timed.
        dev.fresh_db(env, path, version, DB_PREFIX, demo=False)
    # OCA's privacy_consent is the comparison of the grant only.
    oca = "grant" in parts and install_oca(env)
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
    try:
        for part in parts:
            results[part] = run_part(env, path, work, part, sizes)
    finally:
        dev.drop_db(env, work)
        if not args.keep:
            dev.drop_db(env, DB_PREFIX)
    if "grant" in results and not oca:
        results["grant"]["oca"] = {
            "error": "OCA privacy_consent could not be installed"
        }
    results["duration_s"] = time.perf_counter() - started
    results["load_avg_at_end"] = os.getloadavg()[0]
    # A full run is latest.json; a partial one does not overwrite it.
    stem = "latest" if tuple(parts) == DEFAULT else "_".join(parts) + "_latest"
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{stem}.json").write_text(json.dumps(results, indent=2) + "\n")
    table = format_table(results)
    (RESULTS / f"{stem}.md").write_text(table + "\n")
    print(table)
    dev.say(f"wrote {(RESULTS / stem).relative_to(ROOT)}.json and .md")
    failed = [
        part
        for part in parts
        if "error" in results[part]
        or getattr(module(part), "failed", lambda _r: False)(results[part])
    ]
    if failed:
        dev.die(f"bench FAILED: {', '.join(failed)} (see the table above)", code=1)


# ---------------------------------------------------------------------------
# Table
# ---------------------------------------------------------------------------
def ok(flag):
    return "met" if flag else "NOT MET"


def install_rows(res, row):
    inst = res.get("install")
    if not inst:
        return
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
        ok(inst["added_pct"] < 25),
    )


def format_table(res):
    """The table of every measure in ``res``, then their plans and notes."""
    rows = []

    def row(what, figure, target="", status=""):
        rows.append((what, figure, target, status))

    notes = []
    for name in MEASURES:
        if name == "pdf":  # the install rows come before the PDFs, as always
            install_rows(res, row)
        if name not in res:
            continue
        if "error" in res[name]:
            row(name, res[name]["error"], "", "FAILED")
            continue
        mod = module(name)
        mod.rows(res, row, ok)
        if hasattr(mod, "notes"):
            notes += mod.notes(res)
    mach = res["machine"]
    end_load = res.get("load_avg_at_end")
    head = (
        f"crm_gdpr benchmark, {res['date']}, Odoo {res['odoo']}, "
        f"{mach['cpu']} ({mach['cores']} cores), {mach['memory_gb']} GB, "
        f"PostgreSQL {mach['postgresql']}, Python {mach['python']}, "
        f"load {mach['load_avg_at_start']:.1f} at start"
        + (f", {end_load:.1f} at the end" if end_load is not None else "")
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
    lines += notes
    lines += ["", f"Whole run: {res.get('duration_s', 0):.0f} s"]
    return "\n".join(lines)


# ---------------------------------------------------------------------------
# Inside Odoo (the measure process)
# ---------------------------------------------------------------------------
def exit_on_sigterm():
    """SIGTERM (``kill``, ``timeout``) exits through the ``finally`` blocks:
    databases dropped, the load scenario's server stopped."""
    signal.signal(signal.SIGTERM, lambda _signum, _frame: sys.exit(143))


def cmd_measure(args):
    import odoo  # noqa: PLC0415  (the driver runs without importing Odoo)
    from odoo.service import server  # noqa: PLC0415

    exit_on_sigterm()

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
    result = module(args.part).measure(registry, sizes)
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
