from datetime import timedelta

from freezegun import freeze_time

from odoo import SUPERUSER_ID, api, fields
from odoo.exceptions import UserError, ValidationError
from odoo.service.model import retrying
from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL, mute_logger


@tagged("post_install", "-at_install")
class TestCrmGdprConcurrency(TransactionCase):
    """Two real transactions racing on the same consent or activity.

    The data live in committed transactions of their own (the test's
    transaction cannot be seen by other cursors) and are removed at the end.
    Each request runs in ``retrying`` as Odoo's RPC layer runs it.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.uid_admin = cls.env.ref("base.user_admin").id

    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            self.partner_id = (
                env["res.partner"]
                .create({"name": "Concurrent Giver", "email": "race@example.com"})
                .id
            )
            self.consent_id = (
                env["gdpr.consent"]
                .create(
                    {
                        "partner_id": self.partner_id,
                        "category_id": env.ref(
                            "crm_gdpr.gdpr_consent_category_marketing"
                        ).id,
                        "text_id": env.ref("crm_gdpr.gdpr_consent_text_marketing").id,
                        "date_given": "2026-01-02",
                    }
                )
                .id
            )
            register = env["gdpr.processing.register"].create({"title": "Race"})
            self.register_id = register.id
            self.activity_id = (
                env["gdpr.processing.activity"]
                .create({"register_id": register.id, "name": "Race"})
                .id
            )
        self.consent_ids = [self.consent_id]
        self.partner_ids = [self.partner_id]
        self.addCleanup(self._remove_committed_data)

    def _remove_committed_data(self):
        with self.registry.cursor() as cr:
            # Consents and their evidence events cannot be deleted through
            # the ORM: remove them, then put the chains' heads back on the
            # last remaining event, as they were before the test.
            ids = tuple(self.consent_ids)
            cr.execute(
                SQL(
                    "DELETE FROM mail_message WHERE model = %s AND res_id IN %s",
                    "gdpr.consent",
                    ids,
                )
            )
            cr.execute(
                SQL(
                    "DELETE FROM gdpr_evidence_event WHERE res_model = %s "
                    "AND res_id IN %s",
                    "gdpr.consent",
                    ids,
                )
            )
            cr.execute(
                SQL(
                    "UPDATE gdpr_evidence_chain c SET last_sequence = "
                    "coalesce(e.sequence, 0), last_hash = coalesce(e.hash, '') "
                    "FROM gdpr_evidence_chain c2 LEFT JOIN LATERAL (SELECT sequence, "
                    "hash FROM gdpr_evidence_event WHERE company_id = c2.company_id "
                    "ORDER BY sequence DESC LIMIT 1) e ON TRUE WHERE c.id = c2.id"
                )
            )
            cr.execute(SQL("DELETE FROM gdpr_consent WHERE id IN %s", ids))
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["mail.blacklist"].with_context(active_test=False).search(
                [("email", "in", ["race@example.com", "race2@example.com"])]
            ).unlink()
            env["gdpr.processing.register"].browse(self.register_id).unlink()
            env["res.partner"].browse(self.partner_ids).unlink()

    def _env(self, cr):
        return api.Environment(cr, self.uid_admin, {})

    def _committed(self, query):
        with self.registry.cursor() as cr:
            cr.execute(query)
            return cr.fetchall()

    def test_two_withdrawals_of_one_consent(self):
        cr_b = self.registry.cursor()
        self.addCleanup(cr_b.close)
        env_b = self._env(cr_b)
        consent_b = env_b["gdpr.consent"].browse(self.consent_id)
        self.assertEqual(consent_b.state, "active", "B sees the consent active")

        # A withdraws and commits while B has the form open.
        with self.registry.cursor() as cr_a:
            env_a = self._env(cr_a)
            env_a["gdpr.consent"].browse(self.consent_id).write(
                {
                    "active": False,
                    "date_withdrawn": "2026-01-10",
                    "withdrawal_reason_id": env_a.ref(
                        "crm_gdpr.gdpr_withdrawal_reason_request"
                    ).id,
                }
            )

        reason_mistake = env_b.ref("crm_gdpr.gdpr_withdrawal_reason_mistake").id
        with (
            self.assertRaisesRegex(UserError, "already withdrawn"),
            mute_logger("odoo.service.model"),
        ):
            retrying(
                lambda: consent_b.write(
                    {
                        "active": False,
                        "date_withdrawn": "2026-01-12",
                        "withdrawal_reason_id": reason_mistake,
                    }
                ),
                env_b,
            )
        cr_b.rollback()

        rows = self._committed(
            SQL(
                "SELECT c.active, c.state, c.date_withdrawn::text, d.name "
                "FROM gdpr_consent c JOIN ir_model_data d "
                "ON d.model = 'gdpr.withdrawal.reason' "
                "AND d.res_id = c.withdrawal_reason_id WHERE c.id = %s",
                self.consent_id,
            )
        )
        self.assertEqual(
            rows,
            [(False, "withdrawn", "2026-01-10", "gdpr_withdrawal_reason_request")],
            "the first withdrawal is kept as it was recorded",
        )
        count = self._committed(
            SQL(
                "SELECT count(*) FROM gdpr_consent WHERE partner_id = %s",
                self.partner_id,
            )
        )
        self.assertEqual(count, [(1,)], "no duplicate consent")

    def test_two_transactions_append_to_one_chain(self):
        def vals(env):
            return {
                "partner_id": self.partner_id,
                "category_id": env.ref("crm_gdpr.gdpr_consent_category_marketing").id,
                "text_id": env.ref("crm_gdpr.gdpr_consent_text_marketing").id,
            }

        cr_b = self.registry.cursor()
        self.addCleanup(cr_b.close)
        env_b = self._env(cr_b)
        # B's snapshot starts before A appends and commits.
        env_b["gdpr.evidence.chain"].search([]).mapped("last_sequence")
        with self.registry.cursor() as cr_a:
            env_a = self._env(cr_a)
            self.consent_ids.append(env_a["gdpr.consent"].create(vals(env_a)).id)
        with mute_logger("odoo.service.model"):
            consent_b = retrying(
                lambda: env_b["gdpr.consent"].create(vals(env_b)), env_b
            )
        self.consent_ids.append(consent_b.id)
        cr_b.commit()

        rows = self._committed(
            SQL(
                "SELECT e.sequence, e.res_id FROM gdpr_evidence_event e "
                "WHERE e.res_model = 'gdpr.consent' AND e.res_id IN %s "
                "ORDER BY e.sequence",
                tuple(self.consent_ids),
            )
        )
        sequences = [row[0] for row in rows]
        self.assertEqual(len(rows), 3, "one event per consent")
        self.assertEqual(sequences[1:], [sequences[1], sequences[1] + 1])
        with self.registry.cursor() as cr:
            (result,) = self._env(cr)["gdpr.evidence.event"].verify_chain(
                self._env(cr).company
            )
        self.assertTrue(result["ok"], result["mismatch"])

    def test_two_transfers_to_one_country(self):
        cr_b = self.registry.cursor()
        self.addCleanup(cr_b.close)
        env_b = self._env(cr_b)
        activity_b = env_b["gdpr.processing.activity"].browse(self.activity_id)
        self.assertFalse(activity_b.transfer_ids, "B starts from no transfer")
        basis_id = env_b["gdpr.transfer.basis"].search([], limit=1).id
        country_id = env_b.ref("base.us").id

        with self.registry.cursor() as cr_a:
            self._env(cr_a)["gdpr.transfer"].create(
                {
                    "activity_id": self.activity_id,
                    "country_id": country_id,
                    "basis_id": basis_id,
                }
            )

        with (
            self.assertRaisesRegex(ValidationError, "only once"),
            mute_logger("odoo.sql_db", "odoo.service.model"),
        ):
            retrying(
                lambda: env_b["gdpr.transfer"].create(
                    {
                        "activity_id": self.activity_id,
                        "country_id": country_id,
                        "basis_id": basis_id,
                    }
                ),
                env_b,
            )
        cr_b.rollback()
        count = self._committed(
            SQL(
                "SELECT count(*) FROM gdpr_transfer WHERE activity_id = %s",
                self.activity_id,
            )
        )
        self.assertEqual(count, [(1,)], "no duplicate country")

    def test_two_workers_never_run_one_job_at_once(self):
        """A job locked by a worker running its batch is skipped by another."""
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            jobs = env["gdpr.bulk.job"].create(
                [
                    {
                        "name": name,
                        "job_type": "consent_withdraw",
                        "items": [self.consent_id],
                        "item_count": 1,
                        "params": {},
                    }
                    for name in ("First", "Second")
                ]
            )
            job_ids = jobs.ids
        self.addCleanup(self._remove_jobs, job_ids)
        cr_a = self.registry.cursor()
        self.addCleanup(cr_a.close)
        cr_b = self.registry.cursor()
        self.addCleanup(cr_b.close)
        Job_a = api.Environment(cr_a, SUPERUSER_ID, {})["gdpr.bulk.job"]
        Job_b = api.Environment(cr_b, SUPERUSER_ID, {})["gdpr.bulk.job"]
        # Only these two jobs are ready: others of the database are not.
        self.assertEqual(Job_a._gdpr_lock_next_job().id, job_ids[0])
        self.assertEqual(
            Job_b._gdpr_lock_next_job().id,
            job_ids[1],
            "the second worker takes the next job, not the locked one",
        )
        cr_a.rollback()
        cr_b.rollback()

    def _withdrawal_job(self, env, consent_id):
        return env["gdpr.bulk.job"].create(
            {
                "name": "Withdrawal",
                "job_type": "consent_withdraw",
                "user_id": self.uid_admin,
                "items": [consent_id],
                "item_count": 1,
                "params": {},
            }
        )

    def test_job_batch_and_request_append_to_one_chain(self):
        """A background job's batch and a user's request race on one chain.

        Whichever transaction appends second was started before the first
        committed: the request is retried by the RPC layer, the batch is
        rolled back, noted and retried by the job; the chain stays intact and
        each consent is withdrawn once.
        """
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            # Another person's: the first job's withdrawal blacklists
            # race@example.com, which withdraws that address's other
            # synchronized consents (red team 15, F18).
            other = env["res.partner"].create(
                {"name": "Concurrent Giver 2", "email": "race2@example.com"}
            )
            self.partner_ids.append(other.id)
            second = env["gdpr.consent"].create(
                {
                    "partner_id": other.id,
                    "category_id": env.ref(
                        "crm_gdpr.gdpr_consent_category_newsletter"
                    ).id,
                    "text_id": env.ref("crm_gdpr.gdpr_consent_text_newsletter").id,
                }
            )
            self.consent_ids.append(second.id)
            job_ids = self._withdrawal_job(env, self.consent_id).ids
        self.addCleanup(self._remove_jobs, job_ids)

        def new_consent(env):
            return env["gdpr.consent"].create(
                {
                    "partner_id": self.partner_id,
                    "category_id": env.ref(
                        "crm_gdpr.gdpr_consent_category_profiling"
                    ).id,
                    "text_id": env.ref("crm_gdpr.gdpr_consent_text_profiling").id,
                }
            )

        # 1. The request started before the first batch committed.
        cr_request = self.registry.cursor()
        self.addCleanup(cr_request.close)
        env_request = self._env(cr_request)
        env_request["gdpr.evidence.chain"].search([]).mapped("last_sequence")
        with self.registry.cursor() as cr_job:
            api.Environment(cr_job, SUPERUSER_ID, {})[
                "gdpr.bulk.job"
            ]._cron_gdpr_process_jobs()
        with mute_logger("odoo.service.model"):
            consent = retrying(lambda: new_consent(env_request), env_request)
        self.consent_ids.append(consent.id)
        cr_request.commit()

        # 2. The batch started before the request committed. (Its job is
        # queued now: a call that finishes a job goes on with the next one.)
        with self.registry.cursor() as cr:
            job_ids += self._withdrawal_job(
                api.Environment(cr, SUPERUSER_ID, {}), second.id
            ).ids
        cr_job = self.registry.cursor()
        self.addCleanup(cr_job.close)
        Job = api.Environment(cr_job, SUPERUSER_ID, {})["gdpr.bulk.job"]
        Job.env["gdpr.evidence.chain"].search([]).mapped("last_sequence")
        with self.registry.cursor() as cr:
            self.consent_ids.append(new_consent(self._env(cr)).id)
        with mute_logger("odoo.addons.crm_gdpr.models.gdpr_bulk_job", "odoo.sql_db"):
            Job._cron_gdpr_process_jobs()
        job = Job.browse(job_ids[1])
        self.assertEqual((job.cursor, job.batch_failures), (0, 1))
        self.assertIn("serialize", job.error)
        cr_job.commit()
        with (
            freeze_time(fields.Datetime.now() + timedelta(minutes=5)),
            self.registry.cursor() as cr,
        ):
            api.Environment(cr, SUPERUSER_ID, {})[
                "gdpr.bulk.job"
            ]._cron_gdpr_process_jobs()

        rows = self._committed(
            SQL(
                "SELECT res_id, event_type FROM gdpr_evidence_event "
                "WHERE res_model = 'gdpr.consent' AND res_id IN %s "
                "AND event_type = 'consent_withdrawn' ORDER BY res_id",
                tuple(self.consent_ids),
            )
        )
        self.assertEqual(
            rows,
            [(self.consent_id, "consent_withdrawn"), (second.id, "consent_withdrawn")],
            "each consent withdrawn once",
        )
        states = self._committed(
            SQL("SELECT state FROM gdpr_bulk_job WHERE id IN %s", tuple(job_ids))
        )
        self.assertEqual(states, [("done",), ("done",)])
        with self.registry.cursor() as cr:
            (result,) = self._env(cr)["gdpr.evidence.event"].verify_chain(
                self._env(cr).company
            )
        self.assertTrue(result["ok"], result["mismatch"])

    def _remove_jobs(self, job_ids):
        ids = tuple(job_ids)
        with self.registry.cursor() as cr:
            for table, field in (
                ("mail_message", "model"),
                ("mail_followers", "res_model"),
            ):
                cr.execute(
                    SQL(
                        "DELETE FROM %s WHERE %s = 'gdpr.bulk.job' AND res_id IN %s",
                        SQL.identifier(table),
                        SQL.identifier(field),
                        ids,
                    )
                )
            cr.execute(SQL("DELETE FROM gdpr_bulk_job WHERE id IN %s", ids))
