import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
from datetime import date, datetime
from pathlib import Path

import odoo
from odoo.modules.module import get_manifest, get_module_path
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
# The first version of the evidence log: the upgrade opens the chains.
EVIDENCE_VERSION = "18.0.1.1.0"
VERIFY = """
import json
results = env["gdpr.evidence.event"].verify_chain(env["res.company"].search([]))
print("VERIFY" + json.dumps([[r["company"].id, r["count"], r["ok"], r["mismatch"]]
                             for r in results]))
"""
# The breach's daily job, run as the scheduler would.
RUN_BREACH_JOB = """
env.ref("crm_gdpr.ir_cron_gdpr_breach_flag_overdue").method_direct_trigger()
env.cr.commit()
"""
# Models added since version 1 (their seeded records are new on upgrade).
NEW_MODELS = "('gdpr.data.category')"
# Entries seeded in existing dictionaries since (issue 15: the self-service
# sources), new on upgrade: {table: xml ids}.
NEW_SEEDS = {
    "gdpr_consent_source": (
        "gdpr_consent_source_email_confirmation",
        "gdpr_consent_source_preference_page",
    ),
    "gdpr_withdrawal_source": ("gdpr_withdrawal_source_preference_page",),
}
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


class CrmGdprUpgradeCommon(BaseCase):
    """``-u crm_gdpr`` and uninstall in a database of their own.

    Runs under any Odoo test runner (``odoo-bin --test-tags /crm_gdpr``,
    pytest-odoo, ``make test``): Odoo runs in subprocesses as an administrator
    would run it, on a database named after the test database plus
    ``_upgrade``, without demo data, as a production database is. It is a copy
    of the ``crm_gdpr_tmpl_nodemo_*`` template ``tools/dev.py`` keeps (crm
    installed) when there is one, else created by the first installation.
    The earlier versions come from the checkout's git history: without it,
    the tests are skipped.
    """

    def setUp(self):
        super().setUp()
        with db_connect("postgres").cursor() as cr:
            cr.execute(
                "SELECT datname FROM pg_database "
                "WHERE datname LIKE 'crm_gdpr_tmpl_nodemo_%%' ORDER BY datname LIMIT 1"
            )
            row = cr.fetchone()
        self.template = row[0] if row else None
        # Named after the test database: runs of other checkouts do not clash.
        self.dbname = f"{get_db_name()}_upgrade"
        self._drop()
        self.addCleanup(self._drop)

    def _postgres(self, query):
        """``query`` on the server, outside a transaction (CREATE/DROP DATABASE)."""
        with db_connect("postgres").cursor() as cr:
            cr._cnx.autocommit = True
            cr.execute(query)

    def _drop(self):
        self._postgres(
            SQL("DROP DATABASE IF EXISTS %s WITH (FORCE)", SQL.identifier(self.dbname))
        )
        shutil.rmtree(config.filestore(self.dbname), ignore_errors=True)

    def _install(self, addons_path):
        """crm_gdpr of ``addons_path`` in a new database without demo data."""
        if self.template:
            self._postgres(
                SQL(
                    "CREATE DATABASE %s TEMPLATE %s",
                    SQL.identifier(self.dbname),
                    SQL.identifier(self.template),
                )
            )
        # Without a template, Odoo creates the database and installs base.
        self._odoo(
            "server",
            "-i",
            "crm_gdpr",
            "--without-demo=all",
            "--stop-after-init",
            addons_path=addons_path,
        )

    def _addons_at(self, commit):
        """An addons path with crm_gdpr as it was at ``commit`` (git archive)."""
        root = Path(get_module_path("crm_gdpr")).resolve()
        folder = Path(tempfile.mkdtemp(prefix="crm_gdpr_old_"))
        self.addCleanup(shutil.rmtree, folder, ignore_errors=True)
        (folder / "crm_gdpr").mkdir()
        archive = subprocess.run(
            ["git", "-C", str(root), "archive", commit],
            capture_output=True,
            check=True,
        ).stdout
        subprocess.run(
            ["tar", "-x", "-C", str(folder / "crm_gdpr")], input=archive, check=True
        )
        odoo_addons = [
            path
            for path in config["addons_path"].split(",")
            if not (Path(path) / "crm_gdpr").exists()
        ]
        return ",".join([*odoo_addons, str(folder)])

    def _odoo(self, *args, stdin=None, tolerated=None, addons_path=None):
        # The Odoo of this runner, even when run as odoo-bin from its source.
        odoo_root = os.path.dirname(os.path.dirname(odoo.__file__))
        env = dict(
            os.environ,
            PYTHONPATH=os.pathsep.join(
                filter(None, [odoo_root, os.environ.get("PYTHONPATH")])
            ),
        )
        cmd = [sys.executable, "-m", "odoo", *args[:1]]
        cmd += [
            "--addons-path",
            addons_path or config["addons_path"],
            "-d",
            self.dbname,
        ]
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
            env=env,
        )
        self.assertEqual(proc.returncode, 0, proc.stderr[-3000:])
        errors = [
            line
            for line in (proc.stdout + proc.stderr).splitlines()
            if (" ERROR " in line or " CRITICAL " in line or "Traceback" in line)
            and not (tolerated and tolerated in line)
        ]
        self.assertFalse(errors, "\n".join(errors[:20]))
        return proc.stdout

    def _new_seed_ids(self):
        """``{table: ids}`` of the :data:`NEW_SEEDS` entries (none before)."""
        result = {}
        with db_connect(self.dbname).cursor() as cr:
            for table, names in NEW_SEEDS.items():
                cr.execute(
                    SQL(
                        "SELECT res_id FROM ir_model_data "
                        "WHERE module = 'crm_gdpr' AND name IN %s",
                        names,
                    )
                )
                result[table] = [row[0] for row in cr.fetchall()] or [0]
        return result

    def _query(self, query):
        with db_connect(self.dbname).cursor() as cr:
            cr.execute(SQL(query))
            return cr.fetchall()

    def _columns(self):
        """``{table: [columns]}`` of the crm_gdpr tables."""
        columns = {}
        for table, column in self._query(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_name LIKE 'gdpr\\_%%' AND table_schema = 'public' "
            "ORDER BY table_name, column_name"
        ):
            columns.setdefault(table, []).append(column)
        return columns

    def _snapshot(self, columns):
        """Every row of the crm_gdpr tables (``columns``), their messages and files.

        Only the given columns: an upgrade may add columns, it changes none.
        """
        self.assertGreaterEqual(len(columns), 14)
        snapshot = {}
        new_seeds = self._new_seed_ids()
        for table, names in columns.items():
            with db_connect(self.dbname).cursor() as cr:
                row = SQL("ROW(%s)", SQL(", ").join(map(SQL.identifier, names)))
                cr.execute(
                    SQL(
                        "SELECT count(*), "
                        "md5(string_agg(%s::text, '|' ORDER BY %s::text)) FROM %s %s",
                        row,
                        row,
                        SQL.identifier(table),
                        SQL("WHERE NOT (id = ANY(%s))", new_seeds[table])
                        if table in new_seeds
                        else SQL(),
                    )
                )
                snapshot[table] = cr.fetchone()
        seeded_messages = SQL(" OR ").join(
            SQL("(model = %s AND res_id = ANY(%s))", table.replace("_", "."), ids)
            for table, ids in new_seeds.items()
        ) or SQL("FALSE")
        # The messages of the records of version 1: the upgrade seeds new
        # dictionaries (personal data categories), whose entries get their
        # own creation note.
        with db_connect(self.dbname).cursor() as cr:
            cr.execute(
                SQL(
                    "SELECT count(*), md5(string_agg(id || model || res_id || "
                    "body::text, '|' ORDER BY id)) FROM mail_message "
                    "WHERE model LIKE %s AND model NOT IN %s AND NOT (%s)",
                    "gdpr.%",
                    tuple(NEW_MODELS.strip("()").replace("'", "").split(",")),
                    seeded_messages,
                )
            )
            snapshot["messages"] = cr.fetchall()
        for name, query in {
            "tracking": "SELECT count(*) FROM mail_tracking_value v "
            "JOIN mail_message m ON m.id = v.mail_message_id "
            f"WHERE m.model LIKE 'gdpr.%%' AND m.model NOT IN {NEW_MODELS}",
            "attachments": "SELECT count(*) FROM ir_attachment "
            "WHERE res_model LIKE 'gdpr.%%'",
            "blacklist": "SELECT count(*) FROM mail_blacklist",
            "privacy log": "SELECT count(*) FROM privacy_log",
            "partners": "SELECT count(*) FROM res_partner",
        }.items():
            snapshot[name] = self._query(query)
        return snapshot

    def _manifest_version(self):
        """The version of the checkout's manifest (the one upgraded to)."""
        return get_manifest("crm_gdpr")["version"]


@tagged("post_install", "-at_install")
class TestCrmGdprUpgrade(CrmGdprUpgradeCommon):
    """From the version before the evidence log to this one, and uninstall."""

    def _previous_version(self):
        """An addons path with crm_gdpr as it was before the evidence log.

        Taken from the checkout's git history (the parent of the commit that
        set the version to ``EVIDENCE_VERSION``); ``None`` without git.
        """
        root = Path(get_module_path("crm_gdpr")).resolve()
        proc = subprocess.run(
            [
                "git",
                "-C",
                str(root),
                "log",
                "--format=%H",
                "--reverse",
                "-S",
                EVIDENCE_VERSION,
                "--",
                "__manifest__.py",
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        commit = proc.stdout.split("\n")[0].strip() if proc.returncode == 0 else ""
        return self._addons_at(f"{commit}^") if commit else None

    def test_upgrade_keeps_everything_and_uninstall_leaves_nothing(self):
        """From the version before the evidence log, populated, to this one."""
        previous = self._previous_version()
        if not previous:
            self.skipTest("no git history to install the previous version from")
        self._install(previous)
        self._odoo("shell", stdin=POPULATE, addons_path=previous)
        self.assertFalse(
            self._query(
                "SELECT 1 FROM pg_tables WHERE tablename = 'gdpr_evidence_event'"
            ),
            "installed without the evidence log",
        )
        columns = self._columns()
        # The company-blind consent status of version 1: dropped (SPEC 8).
        columns.pop("gdpr_partner_active_category_rel", None)
        # The article of a transfer basis became translatable: same text,
        # stored as a translation (compared below).
        columns["gdpr_transfer_basis"].remove("legal_reference")
        references = self._query(
            "SELECT id, legal_reference FROM gdpr_transfer_basis ORDER BY id"
        )
        before = self._snapshot(columns)
        self.assertGreaterEqual(before["gdpr_consent"][0], 3)
        self.assertGreaterEqual(before["gdpr_breach"][0], 1)

        self._odoo("server", "-u", "crm_gdpr", "--stop-after-init")
        after = self._snapshot(columns)
        self.assertEqual(
            self._query(
                "SELECT id, legal_reference->>'en_US' FROM gdpr_transfer_basis "
                "ORDER BY id"
            ),
            references,
        )
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
        self.assertEqual(
            self._query(
                "SELECT latest_version FROM ir_module_module WHERE name = 'crm_gdpr'"
            ),
            [(self._manifest_version(),)],
        )
        # The officers' rule on background jobs, in a noupdate block, is
        # rewritten by the migration as the security file declares it.
        self.assertEqual(
            self._query(
                "SELECT r.domain_force FROM ir_rule r JOIN ir_model_data d "
                "ON d.model = 'ir.rule' AND d.res_id = r.id "
                "WHERE d.module = 'crm_gdpr' AND d.name = 'gdpr_bulk_job_rule_officer'"
            ),
            [
                (
                    "[('allowed_company_ids', 'not any', "
                    "[('id', 'not in', company_ids)])]",
                )
            ],
        )
        # One "recorded at upgrade" event per consent and breach, and the
        # chains verify.
        for table, model in (
            ("gdpr_consent", "gdpr.consent"),
            ("gdpr_breach", "gdpr.breach"),
        ):
            with self.subTest(evidence=model):
                rows = self._query(
                    f"SELECT count(*), count(e.id), count(DISTINCT e.res_id) "  # noqa: S608
                    f"FROM {table} r LEFT JOIN gdpr_evidence_event e "
                    f"ON e.res_model = '{model}' AND e.res_id = r.id "
                    "AND e.event_type = 'recorded_at_upgrade'"
                )
                total, events, distinct = rows[0]
                self.assertEqual((events, distinct), (total, total))
        salts = self._query(
            "SELECT count(*), count(DISTINCT evidence_salt) FROM gdpr_consent"
        )
        self.assertEqual(salts[0][0], salts[0][1], "one key per consent")
        out = self._odoo("shell", stdin=VERIFY)
        results = json.loads(out.split("VERIFY", 1)[1].splitlines()[0])
        self.assertTrue(results)
        for company_id, _count, ok, mismatch in results:
            with self.subTest(company=company_id):
                self.assertTrue(ok, mismatch)
        # A second upgrade records nothing again.
        count = self._query("SELECT count(*) FROM gdpr_evidence_event")
        self._odoo("server", "-u", "crm_gdpr", "--stop-after-init")
        self.assertEqual(self._query("SELECT count(*) FROM gdpr_evidence_event"), count)

        # The breach's daily job kept its code of version 1 (noupdate): it is
        # pointed at the shared job of gdpr.deadline.mixin, and runs.
        self.assertEqual(
            self._query(
                "SELECT s.code FROM ir_act_server s "
                "JOIN ir_cron c ON c.ir_actions_server_id = s.id "
                "JOIN ir_model_data d ON d.model = 'ir.cron' AND d.res_id = c.id "
                "WHERE d.module = 'crm_gdpr' "
                "AND d.name = 'ir_cron_gdpr_breach_flag_overdue'"
            ),
            [("model._cron_post_overdue()",)],
        )
        self._odoo("shell", stdin=RUN_BREACH_JOB)
        self.assertEqual(
            self._query(
                "SELECT b.nature FROM gdpr_breach b JOIN mail_message m "
                "ON m.model = 'gdpr.breach' AND m.res_id = b.id "
                "WHERE m.body::text LIKE '%%the breach is not reported%%'"
            ),
            [("Upgrade breach",)],
            "one note on the overdue breach of version 1",
        )

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


# The last commit of version 1 (18.0.1.0.0): the consent status was stored,
# company-blind, in res_partner and gdpr_partner_active_category_rel.
V1_COMMIT = "e6c5fcf20e56aa1c602c048cdc04c4e20ce9ae85"
# A person known to two companies, with a consent in the second one only.
POPULATE_COMPANIES = """
company_2 = env["res.company"].create({"name": "Upgrade Second Company"})
env2 = env(context=dict(env.context, allowed_company_ids=company_2.ids))
person = env["res.partner"].create(
    {"name": "Upgrade Shared", "email": "us@example.com"}
)
text = env.ref("crm_gdpr.gdpr_consent_text_marketing")
env2["gdpr.consent"].create({
    "partner_id": person.id,
    "category_id": text.category_id.id,
    "text_id": text.id,
    "company_id": company_2.id,
    "date_given": "2026-01-02",
})
env.cr.commit()
"""
STATUS = """
import json
person = env["res.partner"].search([("name", "=", "Upgrade Shared")])
company_2 = env["res.company"].search([("name", "=", "Upgrade Second Company")])
marketing = env.ref("crm_gdpr.gdpr_consent_category_marketing")
out = {}
for label, company in (("1", env.ref("base.main_company")), ("2", company_2)):
    p = person.with_context(allowed_company_ids=company.ids)
    out[label] = [
        p.gdpr_consent_state,
        p.gdpr_active_category_ids.ids,
        bool(p.search([("id", "=", p.id),
                       ("gdpr_active_category_ids", "in", marketing.ids)])),
    ]
print("STATUS=" + json.dumps(out))
"""


@tagged("post_install", "-at_install")
class TestCrmGdprUpgradeFromV1(CrmGdprUpgradeCommon):
    """``-u crm_gdpr`` of a database populated by version 1 (from git)."""

    def test_upgrade_from_v1_keeps_records_and_status_is_per_company(self):
        root = Path(get_module_path("crm_gdpr")).resolve()
        if (
            not shutil.which("git")
            or subprocess.run(
                ["git", "-C", str(root), "cat-file", "-e", V1_COMMIT], check=False
            ).returncode
        ):
            self.skipTest("version 1 is not in this checkout's git history")
        v1_path = self._addons_at(V1_COMMIT)
        self._install(v1_path)
        self._odoo("shell", stdin=POPULATE, addons_path=v1_path)
        self._odoo("shell", stdin=POPULATE_COMPANIES, addons_path=v1_path)
        self.assertEqual(
            self._query(
                "SELECT count(*) FROM pg_tables "
                "WHERE tablename = 'gdpr_partner_active_category_rel'"
            ),
            [(1,)],
            "version 1 stored the status",
        )
        columns = self._columns()
        columns.pop("gdpr_partner_active_category_rel")
        before = self._snapshot(columns)

        self._odoo("server", "-u", "crm_gdpr", "--stop-after-init")
        after = self._snapshot(columns)
        for key in before:
            with self.subTest(what=key):
                # Every record is kept; the upgrade may add columns to tables
                # (later versions' fields), so tables compare by row count.
                if key.startswith("gdpr_"):
                    self.assertEqual(after[key][0], before[key][0], "rows kept")
                else:
                    self.assertEqual(after[key], before[key], "unchanged")
        self.assertEqual(
            self._query(
                "SELECT count(*) FROM pg_tables "
                "WHERE tablename = 'gdpr_partner_active_category_rel'"
            ),
            [(0,)],
            "dropped",
        )
        self.assertEqual(
            self._query(
                "SELECT count(*) FROM information_schema.columns WHERE "
                "table_name = 'res_partner' AND column_name = 'gdpr_consent_state'"
            ),
            [(0,)],
        )
        output = self._odoo("shell", stdin=STATUS)
        status = json.loads(output.split("STATUS=", 1)[1].splitlines()[0])
        self.assertEqual(status["1"], ["none", [], False])
        self.assertEqual(status["2"][0], "active")
        self.assertTrue(status["2"][2])
