#!/usr/bin/env python3
"""Developer entry points of crm_gdpr: ``make demo``, ``make test``, ``make i18n``.

Only the standard library is imported here, so that a missing Odoo or
PostgreSQL is reported with a clear message instead of a traceback. Odoo
itself is a prerequisite (an importable Odoo 18.0 Community); nothing here
installs it.
"""

import argparse
import ast
import functools
import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / ".build"
ADDONS = BUILD / "addons"
MODULE = "crm_gdpr"
BASE_MODULES = "crm,privacy_lookup"


def say(message):
    print(f"[crm_gdpr] {message}", flush=True)


def die(message, code=2):
    print(f"[crm_gdpr] ERROR: {message}", file=sys.stderr, flush=True)
    sys.exit(code)


# ---------------------------------------------------------------------------
# Prerequisites
# ---------------------------------------------------------------------------
def odoo_info():
    """Return (version, addons path of Odoo's own addons) or die clearly."""
    probe = (
        "import os, odoo, odoo.release as r; "
        "print(r.version_info[0]); print(r.version); "
        "print(os.path.join(os.path.dirname(odoo.__file__), 'addons'))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        die(
            "Odoo is not importable by this Python "
            f"({sys.executable}). crm_gdpr needs an installed Odoo 18.0 "
            "Community: make `python3 -c 'import odoo'` work first (see README.md)."
        )
    major, version, addons = proc.stdout.split()
    if major != "18":
        die(f"crm_gdpr needs Odoo 18.0, this Python imports Odoo {version}.")
    return version, addons


@functools.cache
def filestore():
    """Where Odoo keeps the attachments of a database: ``<data_dir>/filestore``.

    ``data_dir`` as Odoo itself reads it (its configuration file, else its
    default), since the commands run here pass no other.
    """
    probe = (
        "from odoo.tools import config; config.parse_config([]); "
        "print(config['data_dir'])"
    )
    proc = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=False
    )
    if proc.returncode != 0 or not proc.stdout.strip():
        die(f"cannot read Odoo's data_dir: {proc.stderr.strip()[-500:]}")
    return Path(proc.stdout.strip().splitlines()[-1]) / "filestore"


def addons_path(odoo_addons):
    """A folder named ``crm_gdpr`` linking to the checkout, whatever its name."""
    ADDONS.mkdir(parents=True, exist_ok=True)
    link = ADDONS / MODULE
    if link.is_symlink() or link.exists():
        if link.resolve() != ROOT:
            link.unlink()
    if not link.exists():
        link.symlink_to(ROOT, target_is_directory=True)
    return f"{odoo_addons},{ADDONS}"


def _pg_ok(env):
    proc = subprocess.run(
        ["psql", "-X", "-q", "-d", "postgres", "-tAc", "SELECT 1"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    return proc.returncode == 0


def _pg_bindir():
    for candidate in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (candidate / "initdb").exists():
            return candidate
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def ensure_postgres():
    """Return an environment in which libpq reaches a usable PostgreSQL.

    A server reachable with the caller's settings (PGHOST, PGPORT, the local
    socket) is used as it is. Otherwise a project-local cluster is created in
    ``.build/pgdata`` and started on a socket in ``.build/pgsocket``.
    """
    env = dict(os.environ)
    if not shutil.which("psql"):
        die(
            "PostgreSQL client tools are missing: install Debian's "
            "`postgresql` package (apt-get install postgresql)."
        )
    if _pg_ok(env):
        return env
    bindir = _pg_bindir()
    if not bindir:
        die(
            "no PostgreSQL server is reachable and none is installed to start "
            "a local one: install Debian's `postgresql` package."
        )
    data, sock = BUILD / "pgdata", BUILD / "pgsocket"
    env.update(PGHOST=str(sock), PGPORT="5439")
    if _pg_ok(env):
        return env
    sock.mkdir(parents=True, exist_ok=True)
    as_root = os.geteuid() == 0
    run_as = ["runuser", "-u", "postgres", "--"] if as_root else []
    if as_root:
        # PostgreSQL refuses to run as root: the cluster belongs to `postgres`.
        shutil.chown(BUILD, "postgres")
        shutil.chown(sock, "postgres")
    if not (data / "PG_VERSION").exists():
        say(f"creating a project-local PostgreSQL cluster in {data}")
        subprocess.run(
            [
                *run_as,
                str(bindir / "initdb"),
                "-D",
                str(data),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    say(f"starting the project-local PostgreSQL on {sock}")
    subprocess.run(
        [
            *run_as,
            str(bindir / "pg_ctl"),
            "-D",
            str(data),
            "-l",
            str(BUILD / "postgresql.log"),
            "-w",
            "-o",
            f"-k {sock} -c listen_addresses='' -p 5439",
            "start",
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    role = os.environ.get("USER") or "root"
    subprocess.run(
        [
            "psql",
            "-X",
            "-q",
            "-U",
            "postgres",
            "-d",
            "postgres",
            "-c",
            f'CREATE ROLE "{role}" SUPERUSER LOGIN',
        ],
        env=env,
        capture_output=True,
        check=False,
    )
    if not _pg_ok(env):
        die("the project-local PostgreSQL did not start: see .build/postgresql.log")
    return env


# ---------------------------------------------------------------------------
# Databases
# ---------------------------------------------------------------------------
def db_exists(env, name):
    # psql interpolates :'n' only in commands read from its input.
    proc = subprocess.run(
        ["psql", "-X", "-d", "postgres", "-tA", "-v", f"n={name}"],
        input="SELECT 1 FROM pg_database WHERE datname = :'n';",
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    return proc.stdout.strip() == "1"


def drop_db(env, name):
    subprocess.run(
        ["dropdb", "--if-exists", "--force", name],
        env=env,
        check=True,
        stderr=subprocess.DEVNULL,
    )
    shutil.rmtree(filestore() / name, ignore_errors=True)


def odoo_cmd(path, db, *args):
    return [
        sys.executable,
        "-m",
        "odoo",
        "--addons-path",
        path,
        "-d",
        db,
        "--db-filter",
        f"^{re.escape(db)}$",
        *args,
    ]


def run_odoo(env, cmd, log_name):
    """Run an Odoo command; fail when it fails or logs an error."""
    log = BUILD / log_name
    with log.open("w") as handle:
        proc = subprocess.run(
            cmd, env=env, stdout=handle, stderr=subprocess.STDOUT, check=False
        )
    text = log.read_text(errors="replace")
    errors = [
        line for line in text.splitlines() if re.search(r" (ERROR|CRITICAL) ", line)
    ]
    if proc.returncode or errors:
        print("\n".join(errors[:40]) or text[-4000:], file=sys.stderr)
        die(f"`{' '.join(cmd[2:6])} ...` failed, full log in {log}", code=1)


def template(env, path, version, demo):
    """A database with crm installed, kept between runs to save time."""
    digest = hashlib.sha1(f"{version}{BASE_MODULES}".encode()).hexdigest()[:8]
    name = f"crm_gdpr_tmpl_{'demo' if demo else 'nodemo'}_{digest}"
    if not db_exists(env, name):
        say(f"creating the template database {name} ({BASE_MODULES})")
        drop_db(env, name + "_tmp")
        args = ["-i", BASE_MODULES, "--stop-after-init", "--log-level=warn"]
        if not demo:
            args.append("--without-demo=all")
        run_odoo(env, odoo_cmd(path, name + "_tmp", *args), "template.log")
        subprocess.run(
            [
                "psql",
                "-X",
                "-q",
                "-d",
                "postgres",
                "-c",
                f'ALTER DATABASE "{name}_tmp" RENAME TO "{name}"',
            ],
            env=env,
            check=True,
        )
        if (filestore() / f"{name}_tmp").exists():
            (filestore() / f"{name}_tmp").rename(filestore() / name)
    return name


def fresh_db(env, path, version, name, demo=True):
    tmpl = template(env, path, version, demo)
    drop_db(env, name)
    subprocess.run(["createdb", "-T", tmpl, name], env=env, check=True)
    # The attachments (logos, avatars) of the template go with its copy.
    if (filestore() / tmpl).exists():
        shutil.copytree(filestore() / tmpl, filestore() / name)
    say(f"installing {MODULE} in {name} ({'with' if demo else 'without'} demo data)")
    args = ["-i", MODULE, "--stop-after-init", "--log-level=warn"]
    if not demo:
        args.append("--without-demo=all")
    run_odoo(env, odoo_cmd(path, name, *args), f"install-{name}.log")


# ---------------------------------------------------------------------------
# Commands
# ---------------------------------------------------------------------------
def check_test_imports():
    """Odoo's own runner (``--test-tags``) runs only the test modules that
    tests/__init__.py imports: every tests/test_*.py must be there."""
    init = (ROOT / "tests" / "__init__.py").read_text()
    missing = [
        path.stem
        for path in sorted((ROOT / "tests").glob("test_*.py"))
        if f"from . import {path.stem}\n" not in init
    ]
    if missing:
        die("tests/__init__.py does not import: " + ", ".join(missing), code=1)


def cmd_lint(args):
    if not getattr(args, "pylint_only", False):
        say("lint: ruff")
        subprocess.run(
            [sys.executable, "-m", "ruff", "check", "."], cwd=ROOT, check=True
        )
        subprocess.run(
            [sys.executable, "-m", "ruff", "format", "--check", "."],
            cwd=ROOT,
            check=True,
        )
        check_test_imports()
    say("lint: pylint-odoo (options in .pylintrc)")
    addons_path(odoo_info()[1])
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pylint",
            "--rcfile",
            str(ROOT / ".pylintrc"),
            MODULE,
        ],
        cwd=ADDONS,
        check=True,
    )


def cmd_test(args):
    version, odoo_addons = odoo_info()
    if not args.no_lint:
        try:
            cmd_lint(args)
        except subprocess.CalledProcessError:
            die("lint failed", code=1)
    env = ensure_postgres()
    path = addons_path(odoo_addons)
    db = args.db
    if not args.keep_db or not db_exists(env, db):
        if not args.keep_db:
            fresh_db(env, path, version, f"{db}_nodemo", demo=False)
            drop_db(env, f"{db}_nodemo")
        fresh_db(env, path, version, db, demo=True)
    say(f"running the tests of {MODULE} in {db}")
    targets = args.targets or [f"{MODULE}/tests"]
    cmd = [
        sys.executable,
        "-m",
        "pytest",
        "-p",
        "no:cacheprovider",
        f"--odoo-database={db}",
        f"--odoo-addons-path={path}",
        "--odoo-http",
        "-o",
        "python_files=test_*.py",
        *args.pytest_args,
        *targets,
    ]
    proc = subprocess.run(cmd, env=env, cwd=ADDONS, check=False)
    sys.exit(proc.returncode)


def cmd_demo(args):
    version, odoo_addons = odoo_info()
    env = ensure_postgres()
    path = addons_path(odoo_addons)
    db = args.db
    if args.reset or not db_exists(env, db):
        fresh_db(env, path, version, db, demo=True)
    else:
        say(
            f"updating {MODULE} in the existing database {db} "
            "(make demo RESET=1 recreates it)"
        )
        run_odoo(
            env,
            odoo_cmd(path, db, "-u", MODULE, "--stop-after-init", "--log-level=warn"),
            "update-demo.log",
        )
    say(
        f"Odoo serves {db} at http://localhost:{args.port} "
        "— login: admin, password: admin"
    )
    say("stop it with Ctrl+C")
    proc = subprocess.Popen(
        odoo_cmd(
            path, db, "--http-port", str(args.port), "--http-interface", "127.0.0.1"
        ),
        env=env,
    )
    try:
        proc.wait()
    except KeyboardInterrupt:
        proc.send_signal(signal.SIGINT)
        proc.wait()


def staged_addons_path(odoo_addons):
    """An addons path with a copy of the project's own files only.

    Odoo's term export walks the whole module folder; the checkout's
    ``.build`` (databases, benchmark downloads, the link to itself) must not
    be part of it.
    """
    stage = BUILD / "stage"
    shutil.rmtree(stage, ignore_errors=True)
    files = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard", "-z"],
        cwd=ROOT,
        capture_output=True,
        check=True,
        text=True,
    ).stdout.split("\0")
    for name in filter(None, files):
        source = ROOT / name
        if source.is_file():
            target = stage / MODULE / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return f"{odoo_addons},{stage}"


def cmd_i18n(args):
    version, odoo_addons = odoo_info()
    env = ensure_postgres()
    path = staged_addons_path(odoo_addons)
    db = f"{args.db}_i18n"
    fresh_db(env, path, version, db, demo=False)
    pot = ROOT / "i18n" / f"{MODULE}.pot"
    run_odoo(
        env,
        odoo_cmd(
            path, db, "--i18n-export", str(pot), "--modules", MODULE, "--log-level=warn"
        ),
        "i18n-export.log",
    )
    # Odoo stamps the export time; keep the file stable between runs.
    text = re.sub(
        r'"(POT-Creation-Date|PO-Revision-Date): [^"]*\\n"\n', "", pot.read_text()
    )
    pot.write_text(text)
    pl = ROOT / "i18n" / "pl.po"
    if pl.exists():
        subprocess.run(
            [
                "msgmerge",
                "--quiet",
                "--update",
                "--no-fuzzy-matching",
                "--backup=none",
                "--no-wrap",
                str(pl),
                str(pot),
            ],
            check=True,
        )
    drop_db(env, db)
    say(f"wrote {pot.relative_to(ROOT)} and merged i18n/pl.po")


def cmd_wheel(_args):
    """Build the wheel from a copy named crm_gdpr, whatever the checkout's name.

    whool names the distribution after the addon's folder
    (``odoo-addon-<folder>``), as OCA repositories expect.
    """
    stage = BUILD / "dist" / MODULE
    shutil.rmtree(stage.parent, ignore_errors=True)
    stage.parent.mkdir(parents=True)
    # A clone: whool reads the committed files and the history (post-version).
    subprocess.run(["git", "clone", "-q", str(ROOT), str(stage)], check=True)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "-q",
            "-w",
            str(BUILD / "dist"),
            str(stage),
        ],
        check=True,
    )
    wheel = next((BUILD / "dist").glob("odoo_addon_crm_gdpr-*.whl"))
    check_wheel(wheel)
    say(f"{wheel.name} written to {BUILD / 'dist'}: only what Odoo loads")


# Developer tooling that must never reach the installed addon.
NOT_IN_WHEEL = (
    ".ci/",
    ".pre-commit-config.yaml",
    ".pylintrc",
    "Makefile",
    "README.md",
    "bench/",
    "docs/",
    "pyproject.toml",
    "requirements-test.txt",
    "tools/",
)


def check_wheel(wheel):
    """Fail unless ``wheel`` holds every file Odoo loads and no tooling."""
    prefix = f"odoo/addons/{MODULE}/"
    with zipfile.ZipFile(wheel) as archive:
        names = {
            name[len(prefix) :]
            for name in archive.namelist()
            if name.startswith(prefix)
        }
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    manifest = ast.literal_eval((ROOT / "__manifest__.py").read_text())
    needed = {"__init__.py", "__manifest__.py"}
    needed.update(manifest.get("data", []), manifest.get("demo", []))
    needed.update(
        name
        for name in tracked
        if name.endswith((".py", ".po", ".pot", ".js", ".xml", ".scss"))
        and not name.startswith(NOT_IN_WHEEL)
    )
    missing = sorted(needed - names)
    extra = sorted(name for name in names if name.startswith(NOT_IN_WHEEL))
    if missing or extra:
        die(f"wheel {wheel.name}: missing {missing}, tooling inside {extra}", code=1)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    test = sub.add_parser("test", help="lint and run the addon's tests")
    test.add_argument("--db", default="crm_gdpr_test")
    test.add_argument("--no-lint", action="store_true")
    test.add_argument(
        "--keep-db",
        action="store_true",
        help="reuse the test database if it exists (no reinstall)",
    )
    test.add_argument("targets", nargs="*")
    test.add_argument(
        "--pytest-args", nargs=argparse.REMAINDER, default=[], dest="pytest_args"
    )
    test.set_defaults(func=cmd_test)
    lint = sub.add_parser("lint", help="ruff and pylint-odoo")
    lint.add_argument(
        "--pylint-only",
        action="store_true",
        help="pylint-odoo alone (pre-commit runs ruff itself)",
    )
    lint.set_defaults(func=cmd_lint)
    demo = sub.add_parser("demo", help="serve a demo database")
    demo.add_argument("--db", default="crm_gdpr_demo")
    demo.add_argument("--port", type=int, default=8069)
    demo.add_argument("--reset", action="store_true")
    demo.set_defaults(func=cmd_demo)
    i18n = sub.add_parser("i18n", help="export the pot and merge pl.po")
    i18n.add_argument("--db", default="crm_gdpr")
    i18n.set_defaults(func=cmd_i18n)
    wheel = sub.add_parser("wheel", help="build the odoo-addon-crm_gdpr wheel")
    wheel.set_defaults(func=cmd_wheel)
    args = parser.parse_args()
    start = time.monotonic()
    args.func(args)
    say(f"done in {time.monotonic() - start:.0f} s")


if __name__ == "__main__":
    main()
