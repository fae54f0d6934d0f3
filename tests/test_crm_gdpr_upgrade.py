import shutil
import subprocess
import sys
import textwrap
from datetime import date, datetime

from odoo.sql_db import db_connect
from odoo.tests import BaseCase, tagged
from odoo.tests.common import get_db_name
from odoo.tools import SQL, config

# Data beyond the demo: every kind of record, withdrawn and erased consents.
POPULATE = """
giver = env["res.partner"].create({"name": "Upgrade Giver", "email": "up@example.com"})
text = env.ref("crm_gdpr.gdpr_consent_text_marketing")
Consent = env["gdpr.consent"]
vals = {
    "partner_id": giver.id,
    "category_id": text.category_id.id,
    "text_id": text.id,
    "date_given": "2026-01-02",
}
Consent.create(vals)
Consent.create(vals).action_withdraw()
Consent.create(vals)._gdpr_anonymize()
register = env["gdpr.processing.register"].create(
    {"title": "Upgrade", "dpo_id": giver.id}
)
activity = env["gdpr.processing.activity"].create(
    {"register_id": register.id, "name": "Upgrade activity", "purpose": "Test"}
)
env["gdpr.transfer"].create({
    "activity_id": activity.id,
    "country_id": env.ref("base.us").id,
    "basis_id": env["gdpr.transfer.basis"].search([], limit=1).id,
})
env["gdpr.joint.controller"].create(
    {"register_id": register.id, "partner_id": giver.id}
)
env["gdpr.breach"].create({
    "dpo_id": giver.id,
    "date_breach": "2026-01-05",
    "date_discovered": "2026-01-05 10:00:00",
    "nature": "Upgrade breach",
})
env["gdpr.breach"].create({
    "dpo_id": giver.id,
    "date_breach": "2026-01-05",
    "date_discovered": "2026-01-05 10:00:00",
    "nature": "Reported breach of the first version",
    "risk_level": "risk",
    "is_reported": True,
    "date_reported": "2026-01-06",
})
env.cr.commit()
"""
# A database of the first version: no report time, only the report date
# (the manifest's version is 18.0.1.1.0 or later: migrations/18.0.1.1.0 runs).
AS_FIRST_VERSION = """
UPDATE ir_module_module SET latest_version = '18.0.1.0.0' WHERE name = 'crm_gdpr';
ALTER TABLE gdpr_breach DROP COLUMN reported_at;
"""
UNINSTALL = """
env["ir.module.module"].search([("name", "=", "crm_gdpr")]).button_immediate_uninstall()
env.cr.commit()
"""
# What the addon leaves nowhere once uninstalled (query, what it counts).
ORPHAN_QUERIES = {
    "models": "SELECT count(*) FROM ir_model WHERE model LIKE 'gdpr.%%'",
    "fields": "SELECT count(*) FROM ir_model_fields WHERE name LIKE 'gdpr\\_%%' "
    "OR model LIKE 'gdpr.%%'",
    "xml ids": "SELECT count(*) FROM ir_model_data WHERE module = 'crm_gdpr'",
    "tables": "SELECT count(*) FROM pg_tables WHERE tablename LIKE 'gdpr\\_%%'",
    "menus": "SELECT count(*) FROM ir_ui_menu m LEFT JOIN ir_act_window a "
    "ON m.action = 'ir.actions.act_window,' || a.id "
    "WHERE m.action LIKE 'ir.actions.act_window,%%' AND a.id IS NULL",
    "menus named GDPR": "SELECT count(*) FROM ir_ui_menu "
    "WHERE name->>'en_US' IN ('GDPR', 'Consents', 'Breaches')",
    "actions": "SELECT count(*) FROM ir_act_window WHERE res_model LIKE 'gdpr.%%'",
    "reports": "SELECT count(*) FROM ir_act_report_xml "
    "WHERE report_name LIKE 'crm_gdpr.%%'",
    "views": "SELECT count(*) FROM ir_ui_view WHERE model LIKE 'gdpr.%%' "
    "OR arch_db::text LIKE '%%gdpr\\_consent%%'",
    "server actions": "SELECT count(*) FROM ir_act_server "
    "WHERE model_name LIKE 'gdpr.%%'",
    "rules": "SELECT count(*) FROM ir_rule WHERE name LIKE 'GDPR%%'",
    "groups": "SELECT count(*) FROM res_groups g JOIN ir_module_category c "
    "ON g.category_id = c.id WHERE c.name->>'en_US' = 'GDPR'",
    "sequences": "SELECT count(*) FROM ir_sequence WHERE code LIKE 'gdpr.%%'",
    "messages": "SELECT count(*) FROM mail_message WHERE model LIKE 'gdpr.%%'",
    "followers": "SELECT count(*) FROM mail_followers WHERE res_model LIKE 'gdpr.%%'",
    "activities": "SELECT count(*) FROM mail_activity WHERE res_model LIKE 'gdpr.%%'",
    "activity types": "SELECT count(*) FROM mail_activity_type "
    "WHERE res_model LIKE 'gdpr.%%'",
    "attachments": "SELECT count(*) FROM ir_attachment WHERE res_model LIKE 'gdpr.%%'",
}


@tagged("post_install", "-at_install")
class TestCrmGdprUpgrade(BaseCase):
    """``-u crm_gdpr`` and uninstall in a database of their own.

    The database is a copy of the runner's template (crm installed) where
    crm_gdpr is installed with its demo data and more records; Odoo runs in
    subprocesses as an administrator would run it.
    """

    def setUp(self):
        super().setUp()
        with db_connect("postgres").cursor() as cr:
            cr.execute(
                "SELECT datname FROM pg_database "
                "WHERE datname LIKE 'crm_gdpr_tmpl_demo_%%' ORDER BY datname LIMIT 1"
            )
            row = cr.fetchone()
        self.template = row[0] if row else None
        # Named after the test database: runs of other checkouts do not clash.
        self.dbname = f"{get_db_name()}_upgrade"
        self._drop()
        self.addCleanup(self._drop)

    def _drop(self):
        subprocess.run(["dropdb", "--if-exists", "--force", self.dbname], check=True)
        shutil.rmtree(config.filestore(self.dbname), ignore_errors=True)

    def _odoo(self, *args, stdin=None, tolerated=None):
        cmd = [sys.executable, "-m", "odoo", *args[:1]]
        cmd += ["--addons-path", config["addons_path"], "-d", self.dbname]
        cmd += ["--db-filter", f"^{self.dbname}$", "--no-http", "--log-level=warn"]
        for option in ("db_host", "db_port", "db_user", "db_password"):
            if config[option]:
                cmd.append(f"--{option.replace('_', '-')}={config[option]}")
        cmd += list(args[1:])
        proc = subprocess.run(
            cmd,
            input=textwrap.dedent(stdin) if stdin else None,
            capture_output=True,
            text=True,
            check=False,
            timeout=900,
        )
        self.assertEqual(proc.returncode, 0, proc.stderr[-3000:])
        errors = [
            line
            for line in (proc.stdout + proc.stderr).splitlines()
            if (" ERROR " in line or " CRITICAL " in line or "Traceback" in line)
            and not (tolerated and tolerated in line)
        ]
        self.assertFalse(errors, "\n".join(errors[:20]))

    def _query(self, query):
        with db_connect(self.dbname).cursor() as cr:
            cr.execute(SQL(query))
            return cr.fetchall()

    def _snapshot(self):
        """Every row of every crm_gdpr table, and their messages and files."""
        tables = [
            name
            for (name,) in self._query(
                "SELECT tablename FROM pg_tables WHERE tablename LIKE 'gdpr\\_%%' "
                "ORDER BY tablename"
            )
        ]
        self.assertGreaterEqual(len(tables), 14)
        snapshot = {}
        for table in tables:
            with db_connect(self.dbname).cursor() as cr:
                cr.execute(
                    SQL(
                        # jsonb: the same whatever the order of the columns;
                        # the report time is new (asserted on its own)
                        "SELECT count(*), md5(string_agg((to_jsonb(t) - "
                        "'reported_at')::text, '|' ORDER BY (to_jsonb(t) - "
                        "'reported_at')::text)) FROM %s t",
                        SQL.identifier(table),
                    )
                )
                snapshot[table] = cr.fetchone()
        for name, query in {
            "messages": "SELECT count(*), max(id) FROM mail_message "
            "WHERE model LIKE 'gdpr.%%'",
            "tracking": "SELECT count(*) FROM mail_tracking_value v "
            "JOIN mail_message m ON m.id = v.mail_message_id "
            "WHERE m.model LIKE 'gdpr.%%'",
            "attachments": "SELECT count(*) FROM ir_attachment "
            "WHERE res_model LIKE 'gdpr.%%'",
            "blacklist": "SELECT count(*) FROM mail_blacklist",
            "privacy log": "SELECT count(*) FROM privacy_log",
            "partners": "SELECT count(*) FROM res_partner",
        }.items():
            snapshot[name] = self._query(query)
        return snapshot

    def test_upgrade_keeps_everything_and_uninstall_leaves_nothing(self):
        self.assertTrue(self.template, "the runner's template database exists")
        subprocess.run(["createdb", "-T", self.template, self.dbname], check=True)
        self._odoo("server", "-i", "crm_gdpr", "--stop-after-init")
        self._odoo("shell", stdin=POPULATE)
        before = self._snapshot()
        self.assertGreaterEqual(before["gdpr_consent"][0], 3)
        self.assertGreaterEqual(before["gdpr_breach"][0], 1)

        # Back to the first version's schema: the time of the report is not
        # known, the upgrade derives it from the report date.
        with db_connect(self.dbname).cursor() as cr:
            cr.execute(AS_FIRST_VERSION)
        self._odoo("server", "-u", "crm_gdpr", "--stop-after-init")
        after = self._snapshot()
        ((reported_at, date_reported, late),) = self._query(
            "SELECT reported_at, date_reported, is_reported_late FROM gdpr_breach "
            "WHERE nature = 'Reported breach of the first version'"
        )
        # the first moment of 6 January in the breach's timezone: not late
        self.assertEqual(date_reported, date(2026, 1, 6))
        self.assertTrue(
            datetime(2026, 1, 5, 10, 0) < reported_at < datetime(2026, 1, 6, 14, 0)
        )
        self.assertFalse(late)
        self.assertEqual(
            self._query(
                "SELECT count(*) FROM gdpr_breach WHERE is_reported "
                "AND reported_at IS NULL"
            ),
            [(0,)],
        )
        for key in before:
            with self.subTest(what=key):
                self.assertEqual(after[key], before[key], "unchanged by the upgrade")

        # The orphan queries do find the addon while it is installed.
        for what, query in ORPHAN_QUERIES.items():
            if what not in ("menus", "activities", "attachments"):
                with self.subTest(installed=what):
                    self.assertGreater(self._query(query)[0][0], 0, what)
        # Odoo's uninstall tries to delete the seeded entries one by one before
        # it drops the tables: the database refuses those still in use by
        # consents and logs the refused query, then the tables go.
        self._odoo("shell", stdin=UNINSTALL, tolerated="odoo.sql_db: bad query")
        state = self._query(
            "SELECT state FROM ir_module_module WHERE name = 'crm_gdpr'"
        )
        self.assertEqual(state, [("uninstalled",)])
        for what, query in ORPHAN_QUERIES.items():
            with self.subTest(orphans=what):
                self.assertEqual(self._query(query), [(0,)], f"{what} left behind")
