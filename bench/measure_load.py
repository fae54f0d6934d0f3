"""Bench part "load": many users at once on a production-like server (issue 19).

Odoo is started as in production, ``--workers=2 --max-cron-threads=1``, on
this measure's own copy of the bench database, bound to 127.0.0.1 on a free
port. 8 JSON-RPC clients then work at once for ``BENCH_LOAD_SECONDS``
seconds (default 60), each logged in as a real user:

- 5 salespeople register a consent on one of their own leads, then withdraw
  it (``gdpr.consent`` ``create`` and ``action_withdraw``), in turn;
- 1 data protection officer prints the register of processing activities
  (the PDF download of ``/report/pdf/...``, rendered by wkhtmltopdf);
- 2 salespeople read the partner list with the "Active Consent" filter
  (``web_search_read`` with its domain, 80 rows and the count, as the list
  view asks); 5 s of this mix first warm the workers up (not timed, their
  errors count).

Then the same 8 clients, as 8 salespeople, write their own leads
(``crm.lead`` ``write``) for as long: the anchor of the ratios. Printed:
operations per second, p50/p95 latency per operation and errors (none
allowed: the bench fails), then ``verify_chain()`` of the evidence log that
the concurrent writers appended to (must be intact). The server is stopped
(SIGTERM to its process group, SIGKILL after 30 s) whatever happens.

Run alone: ``make bench ONLY=load`` (``BENCH_LOAD_SECONDS=10`` for a quick
check).
"""

import itertools
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import harness

OWN_COPY = True
SIZES = {"load_leads": 40, "load_activities": 20, "load_filter_partners": 2_000}
SALESPEOPLE = 8
CLIENTS = 8
PASSWORD = "crm_gdpr_bench_load"  # noqa: S105  (a throw-away bench database)


# ---------------------------------------------------------------------------
# Data, in the bench database (before the server starts)
# ---------------------------------------------------------------------------
def setup(registry, sizes, port):
    """Users, their leads, a register and consented partners; committed."""
    from odoo import Command  # noqa: PLC0415

    with harness.committed(registry) as env:
        base_url = f"http://127.0.0.1:{port}"
        params = env["ir.config_parameter"]
        params.set_param("web.base.url", base_url)
        params.set_param("web.base.url.freeze", "True")
        params.set_param("report.url", base_url)
        Users = env["res.users"].with_context(no_reset_password=True)
        salesman = env.ref("sales_team.group_sale_salesman")
        sales = Users.create(
            [
                {
                    "name": f"Bench Salesperson {index}",
                    "login": f"bench_sales_{index}",
                    "password": PASSWORD,
                    "groups_id": [Command.set(salesman.ids)],
                }
                for index in range(SALESPEOPLE)
            ]
        )
        dpo = Users.create(
            {
                "name": "Bench DPO",
                "login": "bench_dpo",
                "password": PASSWORD,
                "groups_id": [Command.set(env.ref("crm_gdpr.group_gdpr_officer").ids)],
            }
        )
        leads = {}
        for user in sales:
            partners = env["res.partner"].create(
                [
                    {
                        "name": f"{user.name} customer {index}",
                        "email": f"s{user.id}c{index}@example.com",
                    }
                    for index in range(sizes["load_leads"])
                ]
            )
            leads[user.login] = (
                env["crm.lead"]
                .create(
                    [
                        {
                            "name": f"Lead of {partner.name}",
                            "partner_id": partner.id,
                            "user_id": user.id,
                        }
                        for partner in partners
                    ]
                )
                .ids
            )
        register = env["gdpr.processing.register"].create(
            {"title": "Load register", "use_company_data": True}
        )
        env["gdpr.processing.activity"].create(
            [
                {
                    "register_id": register.id,
                    "name": f"Processing activity {index}",
                    "legal_basis": "a" if index % 2 else "b",
                    "purpose": "Lorem ipsum dolor sit amet. " * 8,
                }
                for index in range(sizes["load_activities"])
            ]
        )
        # Partners for the list, half with a marketing consent (through the
        # ORM: their evidence events are in the chain verified at the end).
        text = env.ref("crm_gdpr.gdpr_consent_text_marketing")
        partner_ids = harness.insert_partners(
            env, sizes["load_filter_partners"], "Load Contact"
        )
        env["gdpr.consent"].create(
            [
                {
                    "partner_id": pid,
                    "category_id": text.category_id.id,
                    "text_id": text.id,
                }
                for pid in partner_ids[::2]
            ]
        )
        return {
            "sales": sales.mapped("login"),
            "dpo": dpo.login,
            "leads": leads,
            "register_id": register.id,
            "text_id": text.id,
            "category_id": text.category_id.id,
        }


# ---------------------------------------------------------------------------
# The server
# ---------------------------------------------------------------------------
def start_server(registry, port):
    import odoo  # noqa: PLC0415

    log = harness.dev.BUILD / "bench-load-server.log"
    # odoo-bin, not ``python -m odoo``: the master starts its gevent process
    # again with ``sys.argv[0]``, which must be a script.
    odoo_bin = Path(odoo.__file__).resolve().parent.parent / "odoo-bin"
    cmd = harness.dev.odoo_cmd(
        odoo.tools.config["addons_path"],
        registry.db_name,
        "--workers=2",
        "--max-cron-threads=1",
        "--http-interface=127.0.0.1",
        f"--http-port={port}",
        f"--gevent-port={harness.free_port()}",
        "--log-level=warn",
        "--without-demo=all",
    )
    cmd[1:3] = [str(odoo_bin)]
    handle = log.open("w")
    # Its own process group: the master and its workers are stopped together.
    proc = subprocess.Popen(
        cmd, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True
    )
    proc.log_handle = handle
    proc.log_path = log
    return proc


def stop_server(proc):
    """SIGTERM to the server's process group (the master stops its workers
    gracefully), SIGKILL after 30 s."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)
    proc.log_handle.close()


def wait_ready(proc, base_url, timeout=180):
    import requests  # noqa: PLC0415

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server stopped, see {proc.log_path}")
        try:
            if requests.get(f"{base_url}/web/login", timeout=10).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(1)
    raise RuntimeError(f"the server did not answer in {timeout} s")


# ---------------------------------------------------------------------------
# The clients
# ---------------------------------------------------------------------------
class Client:
    """One user's JSON-RPC session; records each operation's latency."""

    def __init__(self, base_url, db, login):
        import requests  # noqa: PLC0415

        self.base_url = base_url
        self.session = requests.Session()
        self.timings = []  # (operation, seconds)
        self.errors = []  # (operation, message)
        self.call(
            "login",
            "/web/session/authenticate",
            {"db": db, "login": login, "password": PASSWORD},
        )

    def call(self, operation, path, params):
        start = time.perf_counter()
        try:
            response = self.session.post(
                self.base_url + path,
                json={"jsonrpc": "2.0", "method": "call", "id": 1, "params": params},
                timeout=300,
            )
            body = response.json()
        except Exception as error:  # noqa: BLE001  (counted, the bench fails)
            self.errors.append((operation, repr(error)))
            return None
        seconds = time.perf_counter() - start
        if "error" in body:
            data = body["error"].get("data") or {}
            self.errors.append((operation, data.get("message") or str(body["error"])))
            return None
        self.timings.append((operation, seconds))
        return body["result"]

    def call_kw(self, operation, model, method, args, kwargs=None):
        return self.call(
            operation,
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
        )

    def download(self, operation, path):
        start = time.perf_counter()
        try:
            response = self.session.get(self.base_url + path, timeout=300)
        except Exception as error:  # noqa: BLE001  (counted, the bench fails)
            self.errors.append((operation, repr(error)))
            return
        seconds = time.perf_counter() - start
        if response.status_code != 200 or not response.content.startswith(b"%PDF"):
            self.errors.append(
                (operation, f"HTTP {response.status_code}: {response.text[:200]}")
            )
            return
        self.timings.append((operation, seconds))


def salesperson(client, data, login, stop):
    """Register a consent on one of the user's leads, then withdraw it."""
    leads = itertools.cycle(data["leads"][login])
    while not stop.is_set():
        consent_id = client.call_kw(
            "consent: register on a lead",
            "gdpr.consent",
            "create",
            [
                {
                    "lead_id": next(leads),
                    "category_id": data["category_id"],
                    "text_id": data["text_id"],
                }
            ],
        )
        if consent_id and not stop.is_set():
            if isinstance(consent_id, list):
                consent_id = consent_id[0]
            client.call_kw(
                "consent: withdraw", "gdpr.consent", "action_withdraw", [[consent_id]]
            )


def dpo(client, data, stop):
    report = "crm_gdpr.report_gdpr_processing_register"
    while not stop.is_set():
        client.download(
            "DPO: register PDF", f"/report/pdf/{report}/{data['register_id']}"
        )


def partner_list(client, stop):
    spec = {"display_name": {}, "email": {}, "gdpr_consent_state": {}}
    offsets = itertools.cycle(range(0, 800, 80))
    while not stop.is_set():
        client.call_kw(
            "partners: list with the consent filter",
            "res.partner",
            "web_search_read",
            [],
            {
                "domain": [("gdpr_consent_state", "=", "active")],
                "specification": spec,
                "offset": next(offsets),
                "limit": 80,
                "count_limit": 10001,
            },
        )


def lead_writer(client, data, login, stop):
    leads = itertools.cycle(data["leads"][login])
    count = itertools.count()
    while not stop.is_set():
        client.call_kw(
            "anchor: crm.lead write",
            "crm.lead",
            "write",
            [[next(leads)], {"description": f"<p>Call back {next(count)}</p>"}],
        )


def run_phase(base_url, db, data, seconds, anchor):
    """8 clients at once for ``seconds``; (timings, errors, wall seconds)."""
    sales = data["sales"]
    if anchor:
        plan = [(login, lead_writer, (data, login)) for login in sales[:CLIENTS]]
    else:
        plan = [(login, salesperson, (data, login)) for login in sales[:5]]
        plan.append((data["dpo"], dpo, (data,)))
        plan += [(login, partner_list, ()) for login in sales[5:7]]
    clients = [Client(base_url, db, login) for login, _f, _a in plan]
    stop = threading.Event()
    threads = [
        threading.Thread(target=func, args=(client, *args, stop), daemon=True)
        for client, (_login, func, args) in zip(clients, plan, strict=True)
    ]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    stop.wait(seconds)
    stop.set()
    for thread in threads:
        thread.join(600)
    wall = time.perf_counter() - start
    timings = [t for client in clients for t in client.timings if t[0] != "login"]
    errors = [e for client in clients for e in client.errors]
    return timings, errors, wall


def summary(timings, wall):
    by_op = {}
    for operation, seconds in timings:
        by_op.setdefault(operation, []).append(seconds)
    result = {}
    for operation, values in sorted(by_op.items()):
        cuts = statistics.quantiles(values, n=20) if len(values) > 1 else values * 19
        result[operation] = {
            "count": len(values),
            "per_s": len(values) / wall,
            "p50_ms": 1000 * statistics.median(values),
            "p95_ms": 1000 * cuts[18],
        }
    return result


def measure(registry, sizes):
    seconds = float(os.environ.get("BENCH_LOAD_SECONDS") or 60)
    port = harness.free_port()
    data = setup(registry, sizes, port)
    db = registry.db_name
    base_url = f"http://127.0.0.1:{port}"
    result = {"seconds": seconds, "clients": CLIENTS, "workers": 2}
    server = start_server(registry, port)
    try:
        wait_ready(server, base_url)
        # Warm-up (not timed, its errors count): each worker loads the
        # registry and compiles the report's templates on its first requests.
        _timings, errors, _wall = run_phase(base_url, db, data, 5, False)
        result["warmup_errors"] = len(errors)
        for operation, message in errors[:10]:
            print(f"load warm-up error: {operation}: {message}", file=sys.stderr)
        for phase, anchor in (("gdpr", False), ("anchor", True)):
            timings, errors, wall = run_phase(base_url, db, data, seconds, anchor)
            result[phase] = {
                "wall_s": wall,
                "operations": len(timings),
                "per_s": len(timings) / wall,
                "errors": len(errors),
                "error_samples": errors[:10],
                "by_operation": summary(timings, wall),
                "load_avg": os.getloadavg()[0],
            }
            for operation, message in errors[:10]:
                print(f"load error: {operation}: {message}", file=sys.stderr)
    finally:
        stop_server(server)
        result["server_stopped"] = server.returncode is not None
    with harness.rolled_back(registry) as env:
        Event = env["gdpr.evidence.event"]
        start = time.perf_counter()
        (check,) = Event.verify_chain(env.company)
        result["verify_s"] = time.perf_counter() - start
        result["verify_events"] = check["count"]
        result["verify_ok"] = check["ok"]
        result["verify_mismatch"] = check["mismatch"] or ""
        result["consents"] = (
            env["gdpr.consent"]
            .with_context(active_test=False)
            .search_count([("lead_id", "!=", False)])
        )
    gdpr, anchor = result["gdpr"]["by_operation"], result["anchor"]["by_operation"]
    write = anchor.get("anchor: crm.lead write", {})
    register = gdpr.get("consent: register on a lead", {})
    if write and register:
        result["register_vs_write_p50"] = register["p50_ms"] / write["p50_ms"]
        result["gdpr_vs_anchor_throughput"] = (
            result["gdpr"]["per_s"] / result["anchor"]["per_s"]
        )
    return result


def failed(result):
    """Any error or a broken chain fails the bench."""
    return bool(
        result["warmup_errors"]
        or result["gdpr"]["errors"]
        or result["anchor"]["errors"]
        or not result["verify_ok"]
        or not result["server_stopped"]
    )


def rows(res, row, ok):
    load = res["load"]
    head = (
        f"11. Load, {load['clients']} JSON-RPC clients, "
        f"--workers={load['workers']}, {load['seconds']:.0f} s"
    )
    for phase, label in (("gdpr", "GDPR mix"), ("anchor", "plain crm.lead writes")):
        part = load[phase]
        row(
            f"{head}: {label}",
            f"{part['operations']:,} operations, {part['per_s']:.1f} /s, "
            f"{part['errors']} errors (load {part['load_avg']:.1f})",
            "0 errors",
            ok(part["errors"] == 0),
        )
        for operation, fig in part["by_operation"].items():
            row(
                f"11. {operation}",
                f"{fig['count']:,} ({fig['per_s']:.1f} /s), p50 "
                f"{fig['p50_ms']:.0f} ms, p95 {fig['p95_ms']:.0f} ms",
            )
    if "register_vs_write_p50" in load:
        row(
            "11. Ratios: consent register p50 / lead write p50; GDPR mix / "
            "anchor operations per second",
            f"{load['register_vs_write_p50']:.2f}; "
            f"{load['gdpr_vs_anchor_throughput']:.2f}",
        )
    row(
        f"11. verify_chain() after the load, {load['verify_events']:,} events "
        f"({load['consents']:,} consents on leads)",
        f"{load['verify_s']:.2f} s, "
        + ("intact" if load["verify_ok"] else f"BROKEN: {load['verify_mismatch']}"),
        "intact",
        ok(load["verify_ok"]),
    )
