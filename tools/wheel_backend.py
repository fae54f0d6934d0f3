"""PEP 517 build backend: whool, with only what Odoo loads in the wheel.

The repository root is the addon (``__manifest__.py`` at the root), so the
developer tooling (``bench/``, ``tools/``, ``.ci/``, ``docs/``, the Makefile,
the lint configuration) sits beside the files Odoo loads, and whool packs every
file git tracks. This backend lets whool build the wheel, then rewrites it with
the addon's own entries only (``ADDON_ENTRIES``) and a RECORD to match.
Everything else (sdist, editable install, metadata) is whool's.
"""

import os
import zipfile
from pathlib import Path

from whool.buildapi import (  # noqa: F401 (re-exported PEP 517 hooks)
    build_editable,
    build_sdist,
    prepare_metadata_for_build_editable,
    prepare_metadata_for_build_wheel,
)
from whool.buildapi import build_wheel as _whool_build_wheel

# Top-level entries of the addon that Odoo loads (or that describe it in the
# Apps menu: readme/ and static/description/).
ADDON_ENTRIES = {
    "__init__.py",
    "__manifest__.py",
    "controllers",
    "data",
    "demo",
    "i18n",
    "migrations",
    "models",
    "readme",
    "report",
    "security",
    "static",
    "tests",
    "utils.py",
    "views",
    "wizards",
}


def _kept(name):
    """Whether the wheel entry ``name`` stays: dist-info, or an addon entry."""
    parts = name.split("/")
    if parts[0] != "odoo":
        return True
    # odoo/addons/<addon>/<entry>/...
    return len(parts) > 3 and parts[3] in ADDON_ENTRIES


def strip_wheel(path):
    """Rewrite the wheel at ``path`` without the entries that are not kept."""
    path = Path(path)
    tmp = path.with_suffix(".tmp")
    with (
        zipfile.ZipFile(path) as src,
        zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            if not _kept(info.filename):
                continue
            data = src.read(info)
            if info.filename.endswith(".dist-info/RECORD"):
                lines = data.decode().splitlines()
                data = "".join(
                    f"{line}\n" for line in lines if _kept(line.rsplit(",", 2)[0])
                ).encode()
            dst.writestr(info, data)
    os.replace(tmp, path)


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    name = _whool_build_wheel(wheel_directory, config_settings, metadata_directory)
    strip_wheel(Path(wheel_directory) / name)
    return name
