"""Self-service measures of ``make bench`` (SPEC section 10, issue 15).

- "Ask for consent by e-mail" for 1,000 and 10,000 partners: the requests
  and their mails are queued in batches; the SQL queries per 1,000 requests
  do not grow with the number of partners (no query per partner beyond
  what the batched ``mail.mail`` creation costs);
- the blacklist sync: one import of 1,000 and of 10,000 addresses into
  ``mail.blacklist``, each bound to an active consent: the queries do not
  grow with the number of consents withdrawn;
- the import of unsubscribed addresses: the preview of a 50,000-line CSV
  (target: under 10 s).

Run alone: ``make bench ONLY=selfservice``.
"""

import base64
import time

import harness


def _ask(env, partner_ids, text):
    Request = env["gdpr.consent.request"]
    partners = env["res.partner"].browse(partner_ids)
    return Request._gdpr_ask(partners, env["crm.lead"], text)


def measure(registry, sizes):

    asked = sizes["ask_partners"]
    blacklisted = sizes["blacklist_addresses"]
    lines = sizes["import_lines"]
    with harness.committed(registry) as env:
        ask_ids = harness.insert_partners(env, asked, "Asked Person")
        bl_ids = harness.insert_partners(env, blacklisted, "Unsubscribed Person")
        text = env.ref("crm_gdpr.gdpr_consent_text_marketing")
        # Consents through the ORM (the evidence log needs their events).
        for start in range(0, len(bl_ids), 5000):
            env["gdpr.consent"].create(
                [
                    {
                        "partner_id": pid,
                        "category_id": text.category_id.id,
                        "text_id": text.id,
                    }
                    for pid in bl_ids[start : start + 5000]
                ]
            )
            env.flush_all()
            env.invalidate_all()
    result = {}
    text_id = text.id
    # 1. Ask by e-mail: a warm-up, then the small and the full batch.
    ask = {}
    for label, ids in (
        ("warm", ask_ids[:20]),
        ("small", ask_ids[: max(asked // 10, 20)]),
        ("large", ask_ids),
    ):
        with harness.rolled_back(registry) as env:
            text = env["gdpr.consent.text"].browse(text_id)
            (requests, _skipped), seconds, queries = harness.counted(
                env, _ask, env, ids, text
            )
            mails = env["mail.mail"].search_count(
                [("model", "=", "gdpr.consent.request")]
            )
            ask[label] = {
                "partners": len(ids),
                "requests": len(requests),
                "mails": mails,
                "seconds": seconds,
                "queries": queries,
                "queries_per_1000": queries * 1000 / len(ids),
            }
    ask.pop("warm")
    ask["sublinear"] = (
        ask["large"]["queries_per_1000"] <= ask["small"]["queries_per_1000"]
    )
    result["ask"] = ask
    # 2. Blacklist sync: one import of addresses bound to active consents.
    sync = {}
    for label, count in (
        ("warm", 20),
        ("small", max(blacklisted // 10, 20)),
        ("large", blacklisted),
    ):
        with harness.rolled_back(registry) as env:
            emails = (
                env["res.partner"].browse(bl_ids[:count]).mapped("email_normalized")
            )
            env.invalidate_all()
            _r, seconds, queries = harness.counted(
                env,
                env["mail.blacklist"].create,
                [{"email": email} for email in emails],
            )
            withdrawn = (
                env["gdpr.consent"]
                .with_context(active_test=False)
                .search_count(
                    [
                        ("partner_id", "in", bl_ids[:count]),
                        ("state", "=", "withdrawn"),
                    ]
                )
            )
            sync[label] = {
                "addresses": count,
                "withdrawn": withdrawn,
                "seconds": seconds,
                "queries": queries,
            }
    sync.pop("warm")
    # What the blacklist itself costs: as many addresses bound to no consent.
    with harness.rolled_back(registry) as env:
        count = sync["large"]["addresses"]
        env["mail.blacklist"].create([{"email": "warm@example.net"}])
        env.flush_all()
        env.invalidate_all()
        _r, seconds, queries = harness.counted(
            env,
            env["mail.blacklist"].create,
            [{"email": f"nobody.{index}@example.net"} for index in range(count)],
        )
        sync["core"] = {"addresses": count, "seconds": seconds, "queries": queries}
    result["blacklist"] = sync
    # 3. The preview of a 50,000-line CSV export (half matching consents).
    with harness.rolled_back(registry) as env:
        matching = env["res.partner"].browse(bl_ids).mapped("email_normalized")
        rows = ["Email Address;First Name;Unsubscribed"]
        for index in range(lines):
            email = (
                matching[index]
                if index < len(matching) and index % 2 == 0
                else f"outside.{index}@example.org"
            )
            rows.append(f"{email};Person {index};2026-01-01")
        data = base64.b64encode("\n".join(rows).encode())
        wizard = env["gdpr.consent.withdraw.import"].create(
            {"file": data, "filename": "unsubscribed.csv"}
        )
        env.flush_all()
        start = time.perf_counter()
        wizard.action_preview()
        env.flush_all()
        result["import"] = {
            "lines": lines,
            "seconds": time.perf_counter() - start,
            "addresses": wizard.address_count,
            "matched": wizard.matched_count,
            "consents": wizard.consent_count,
        }
    return result


def rows(res, row, ok):
    """The rows of the self-service measures in the bench table."""
    data = res.get("selfservice")
    if not data:
        return
    if "error" in data:
        row("10. Self-service", data["error"])
        return
    ask = data["ask"]
    small, large = ask["small"], ask["large"]
    row(
        f"10. Ask for consent by e-mail, {large['partners']:,} partners",
        f"{large['seconds']:.2f} s, {large['mails']:,} mails queued",
    )
    row(
        "10. SQL queries per 1,000 requests",
        f"{small['queries_per_1000']:.0f} at {small['partners']:,}; "
        f"{large['queries_per_1000']:.0f} at {large['partners']:,} "
        f"({small['queries']:,} → {large['queries']:,} queries)",
        "no query per partner",
        "met" if ask["sublinear"] else "NOT met",
    )
    bl = data["blacklist"]
    row(
        f"10. Blacklist import of {bl['large']['addresses']:,} addresses "
        "(consents withdrawn)",
        f"{bl['large']['seconds']:.2f} s, {bl['large']['withdrawn']:,} withdrawn",
    )
    row(
        f"10. The same import bound to no consent (the blacklist alone, "
        f"{bl['core']['addresses']:,} addresses)",
        f"{bl['core']['seconds']:.2f} s, {bl['core']['queries']:,} queries",
    )
    added = bl["large"]["queries"] - bl["core"]["queries"]
    per_consent = added / max(bl["large"]["withdrawn"], 1)
    row(
        "10. Queries the consent sync adds to the blacklist import "
        f"({bl['small']['addresses']:,} / {bl['large']['addresses']:,} addresses: "
        f"{bl['small']['queries']:,} / {bl['large']['queries']:,} in all)",
        f"{added:,} for {bl['large']['withdrawn']:,} consents, "
        f"{per_consent:.3f} per consent (batched statements of 100 rows)",
        "< 0.1 per consent",
        "met" if per_consent < 0.1 else "NOT met",
    )
    imp = data["import"]
    row(
        f"10. Preview of a {imp['lines']:,}-line CSV of unsubscribed addresses",
        f"{imp['seconds']:.2f} s ({imp['matched']:,} matched, "
        f"{imp['consents']:,} consents)",
        "< 10 s",
        "met" if imp["seconds"] < 10 else "NOT met",
    )
