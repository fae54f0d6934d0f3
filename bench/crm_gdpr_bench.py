#!/usr/bin/env python3
"""Performance benchmark of crm_gdpr at CRM scale: ``make bench``.

``python3 bench/crm_gdpr_bench.py run`` installs crm then crm_gdpr in its
own databases (timed), runs every measure of ``make bench`` (each in its own
Odoo process, see ``bench/harness.py``), prints a table and writes
``bench/results/latest.json``.

``run NAME [NAME ...]`` runs only those measures (``make bench
ONLY=evidence``); ``run --full`` adds the scale measure (``make bench
FULL=1``). The measures are the modules ``bench/measure_NAME.py``.
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import harness  # noqa: E402  (bench/harness.py)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    sub = parser.add_subparsers(dest="command")
    run = sub.add_parser("run", help="the whole benchmark (default)")
    run.add_argument(
        "names",
        nargs="*",
        metavar="NAME",
        help=f"only these measures, among: {', '.join(harness.MEASURES)}",
    )
    run.add_argument("--full", action="store_true", help="add the scale measure")
    run.add_argument("--keep", action="store_true", help="keep the bench database")
    run.add_argument("--repeat", type=int, default=2, help="install repetitions")
    run.add_argument(
        "--small", type=int, default=0, help="divide the sizes by this (quick check)"
    )
    run.add_argument("--reuse", action="store_true", help="(dev) reuse a kept db")
    run.add_argument("--parts", help="(dev) measures, comma-separated (as NAMEs)")
    measure = sub.add_parser("measure", help="one measure (internal)")
    measure.add_argument("part", choices=harness.MEASURES)
    measure.add_argument("--db", required=True)
    measure.add_argument("--addons-path", required=True)
    measure.add_argument("--out", required=True)
    measure.add_argument("--sizes", required=True)
    args = parser.parse_args()
    if args.command == "measure":
        harness.cmd_measure(args)
        return
    if args.command is None:
        args = run.parse_args([])
    parts = [n for arg in args.names or [args.parts or ""] for n in arg.split(",") if n]
    unknown = [name for name in parts if name not in harness.MEASURES]
    if unknown:
        parser.error(f"unknown measure {', '.join(unknown)}")
    if not parts:
        parts = list(harness.DEFAULT)
        if args.full:
            parts += harness.FULL
    elif args.full:
        parts += [name for name in harness.FULL if name not in parts]
    harness.cmd_run(args, parts)


if __name__ == "__main__":
    main()
