"""Bench part "status": the partners' consent status per company (SPEC 8).

200,000 partners with two consents each, one in each of two companies
(400,000 consents, a fifth withdrawn). Measured as a user working in the
first company: the "has active consent in category" filter as the partner
list runs it (median, with its plan: an index scan of
``gdpr_consent_active_status_index``), and the queries the consent columns
add to a list of 80 and of 2,000 partners (constant).
"""

from harness import (
    CATEGORY_PAIRS,
    COUNT_LIMIT,
    committed,
    counted,
    explain,
    index_names,
    insert_partners,
    list_spec,
    median_ms,
    rolled_back,
)

# Its 400,000 consents are written with SQL, without evidence events: on its
# own copy of the database, so that the evidence log the later measures verify
# (evidence, load) holds only what the application wrote.
OWN_COPY = True
STATUS_INDEX = "gdpr_consent_active_status_index"
TARGET_MS = 50


def insert_consents(env, partner_ids, companies):
    """Two consents per partner, the first in ``companies[0]``, the second in
    ``companies[1]``, in one statement, with the values the ORM stores."""
    from odoo.tools import SQL  # noqa: PLC0415

    texts = [
        env.ref(f"crm_gdpr.gdpr_consent_text_{name}")
        for name in ("marketing", "newsletter", "profiling", "partners")
    ]
    first = [texts[a].id for a, _b in CATEGORY_PAIRS]
    second = [texts[b].id for _a, b in CATEGORY_PAIRS]
    env.cr.execute(
        SQL(
            """
            INSERT INTO gdpr_consent (
                name, partner_id, company_id, category_id, text_id, text_body,
                date_given, source_id, active, state, date_withdrawn,
                withdrawal_reason_id, create_uid, write_uid, create_date,
                write_date)
            SELECT 'BENCH/' || p.id || '/' || k, p.id,
                   (%(companies)s::int[])[k + 1],
                   t.category_id, t.id, t.body->>'en_US', CURRENT_DATE,
                   %(source)s, w.withdrawn IS NOT TRUE,
                   CASE WHEN w.withdrawn THEN 'withdrawn' ELSE 'active' END,
                   CASE WHEN w.withdrawn THEN CURRENT_DATE END,
                   CASE WHEN w.withdrawn THEN %(reason)s END,
                   1, 1, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
              FROM unnest(%(partners)s::int[]) WITH ORDINALITY p(id, i)
             CROSS JOIN generate_series(0, 1) k
             CROSS JOIN LATERAL (SELECT mod(p.i * 2 + k, 5) = 0 AS withdrawn) w
              JOIN gdpr_consent_text t ON t.id = CASE WHEN k = 0
                   THEN (%(first)s::int[])[mod(p.i, 6) + 1]
                   ELSE (%(second)s::int[])[mod(p.i, 6) + 1] END
            """,
            companies=companies,
            source=env["gdpr.consent.source"]._get_default().id or None,
            reason=env["gdpr.withdrawal.reason"]._get_default().id or None,
            partners=partner_ids,
            first=first,
            second=second,
        )
    )
    return env.cr.rowcount


def sql_check(env, partner_ids, category):
    """The filter's result against a plain SQL count (first company)."""
    env.cr.execute(
        """
        SELECT count(DISTINCT partner_id) FROM gdpr_consent
         WHERE state = 'active' AND category_id = %s AND company_id = %s
           AND partner_id = ANY(%s)
        """,
        [category.id, env.company.id, partner_ids],
    )
    return env.cr.fetchone()[0]


def measure(registry, sizes):
    from odoo.tools import SQL  # noqa: PLC0415

    count = sizes["filter_partners"]
    with committed(registry) as env:
        company_2 = env["res.company"].create({"name": "Bench Second Company"})
        companies = [env.company.id, company_2.id]
        partner_ids = insert_partners(env, count, "Bench Contact")
        consents = insert_consents(env, partner_ids, companies)
        uid = env.ref("base.user_admin").id
        company_1 = companies[0]
    # As autovacuum does after a bulk load: statistics and the visibility map
    # (the filter's index-only scan). VACUUM runs outside a transaction.
    with registry.cursor() as cr:
        cr._cnx.autocommit = True
        cr.execute("VACUUM ANALYZE res_partner, gdpr_consent")
    result = {}
    with rolled_back(registry, uid) as env:
        env = env(context={"allowed_company_ids": [company_1]})
        Partner = env["res.partner"]
        spec = list_spec(env)
        assert "gdpr_consent_state" in spec, "the consent column is not in the list"
        core_spec = {
            name: v for name, v in spec.items() if not name.startswith("gdpr_")
        }
        queries = {}
        for label, fields_spec in (("with", spec), ("without", core_spec)):
            for size in (sizes["list_small"], sizes["list_large"]):
                Partner.web_search_read([], fields_spec, limit=size)  # warm caches
                env.invalidate_all()
                _r, _s, queries[label, size] = counted(
                    env, Partner.web_search_read, [], fields_spec, 0, size
                )
        small, large = sizes["list_small"], sizes["list_large"]
        result["list"] = {
            "small": small,
            "large": large,
            "queries_small": queries["with", small],
            "queries_large": queries["with", large],
            "core_queries_small": queries["without", small],
            "core_queries_large": queries["without", large],
            "added_small": queries["with", small] - queries["without", small],
            "added_large": queries["with", large] - queries["without", large],
            "fields": sorted(spec),
        }
        category = env.ref("crm_gdpr.gdpr_consent_category_marketing")
        domain = [("gdpr_active_category_ids", "in", category.ids)]
        page_query = Partner._search(domain, limit=80, order=Partner._order)
        count_query = Partner._search(domain, limit=COUNT_LIMIT)
        page_plan = explain(env, page_query.select())
        count_plan = explain(
            env, SQL("SELECT COUNT(*) FROM (%s) t", count_query.select(""))
        )
        matches = Partner.search_count(domain + [("id", "in", partner_ids)])
        filt = {
            "partners": Partner.search_count([]),
            "consents": consents,
            "companies": 2,
            "matches": matches,
            "sql_check": sql_check(env, partner_ids, category) == matches,
            "ui_ms": median_ms(
                env,
                lambda: Partner.web_search_read(
                    domain, spec, limit=80, count_limit=COUNT_LIMIT + 1
                ),
            ),
            "page_ms": median_ms(env, lambda: Partner.search(domain, limit=80)),
            "count_ms": median_ms(
                env, lambda: Partner.search_count(domain, limit=COUNT_LIMIT + 1)
            ),
            "page_plan": page_plan,
            "count_plan": count_plan,
            "page_index": index_names(page_plan),
            "count_index": index_names(count_plan),
        }
        filt["page_uses_index"] = STATUS_INDEX in filt["page_index"]
        filt["count_uses_index"] = STATUS_INDEX in filt["count_index"]
        result["filter"] = filt
    return result


def rows(res, row, ok):
    """The table rows of the "status" part (``row(what, figure, target, status)``)."""
    status = res["status"]
    lst = status["list"]
    row(
        "2. Partner list web_search_read, SQL queries "
        f"({lst['small']:,} / {lst['large']:,} rows)",
        f"{lst['queries_small']} / {lst['queries_large']}; without the crm_gdpr "
        f"columns {lst['core_queries_small']} / {lst['core_queries_large']}",
    )
    row(
        "2. Queries the consent columns add "
        f"({lst['small']:,} / {lst['large']:,} rows)",
        f"{lst['added_small']} / {lst['added_large']}",
        "equal",
        ok(lst["added_small"] == lst["added_large"]),
    )
    flt = status["filter"]
    row(
        f"3. Filter data: {flt['partners']:,} partners, {flt['consents']:,} "
        f"consents over {flt['companies']} companies",
        f"{flt['matches']:,} partners match in the first company; same as SQL: "
        f"{flt['sql_check']}",
    )
    row(
        "3. Filter as the list view runs it (web_search_read 80 rows, count up "
        "to 10,000), median",
        f"{flt['ui_ms']:.1f} ms",
        f"< {TARGET_MS} ms",
        ok(flt["ui_ms"] < TARGET_MS),
    )
    row(
        "3. Filter: search, first 80, median",
        f"{flt['page_ms']:.1f} ms, index: {flt['page_index']}",
        f"index, < {TARGET_MS} ms",
        ok(flt["page_ms"] < TARGET_MS and flt["page_uses_index"]),
    )
    row(
        "3. Filter: search_count up to 10,000, median",
        f"{flt['count_ms']:.1f} ms, index: {flt['count_index']}",
        f"index, < {TARGET_MS} ms",
        ok(flt["count_ms"] < TARGET_MS and flt["count_uses_index"]),
    )


def notes(res):
    """The query plans of the filter, printed under the table."""
    plans = res["status"]["filter"]
    return [
        "",
        "Query plan, first page of the filter:",
        plans["page_plan"],
        "",
        "Query plan, count (up to 10,000):",
        plans["count_plan"],
    ]
