"""Benchmark: the portal's pages at national scale, with data from ``generate_scale``.

(a) Queries per page, tiny vs national: one tiny municipality (a handful of objects) and
    a national installation (BENCH_NATIONAL_ORGS organisations × BENCH_NATIONAL_USAGES
    system usages, 20 × 1,000 by default; 1,500 takes minutes longer). Every HTML page a
    logged-in member can open without arguments (found in the URLconf: lists, dashboards,
    gap overview, processing activities, search, landscape, governance) plus a detail page
    of each kind of object is fetched as a reader of the tiny municipality and of one
    national one; the number of queries must stay at most 12 and flat (the national
    count at most the tiny one + FLAT_SLACK).
(b) One municipality with 40,000 contracts (BENCH_LARGE_CONTRACTS) against one with
    200, both with the same 200 system usages: each main page (dashboard, gap overview,
    contract list, search) timed in both, interleaved medians of 3; each page at most
    2× its 200-contract time, its HTML bounded (at most 2× the size). The full Excel
    export of the contracts is a download whose work grows with its rows: its cost per
    row is compared instead (once each: it takes long).

Figures, not assertions. PostgreSQL (kitos_bench_pages). BENCH_PAGES_PARTS=a or =b runs
one part only.

    .venv/bin/python benchmarks/bench_pages.py
"""

from __future__ import annotations

import datetime
import os
import time

from _database import fresh_database, use_database  # first: the project on the path, the settings
from _timing import interleaved, result

use_database("pages")

NATIONAL_ORGS = int(os.environ.get("BENCH_NATIONAL_ORGS", "20"))
NATIONAL_USAGES = int(os.environ.get("BENCH_NATIONAL_USAGES", "1000"))
NATIONAL_CONTRACTS = int(os.environ.get("BENCH_NATIONAL_CONTRACTS", "300"))
LARGE_CONTRACTS = int(os.environ.get("BENCH_LARGE_CONTRACTS", "40000"))
SMALL_CONTRACTS = 200
MAX_QUERIES = 12
FLAT_SLACK = 0
TODAY = datetime.date(2026, 11, 21)
# Paths that are not pages a member reads: sign-in and -out, the admin, the API, files,
# health checks, feeds.
SKIP_PREFIXES = ("/admin", "/api", "/log-", "/login", "/logout", "/konto", "/static",
                 "/healthz", "/health", "/saml", "/sso", "/i18n", "/jsi18n", "/__")


def generate(prefix: str, *, organisations: int, usages: int, contracts: int) -> str:
    from demo.scale import ScaleGenerator, Sizes

    started = time.perf_counter()
    report = ScaleGenerator(sizes=Sizes(usages=usages, contracts=contracts),
                            organisations=organisations, seed=1, today=TODAY,
                            prefix=prefix, logins=True).run()
    made = ", ".join(f"{count:,} {key}" for key, count in report.counts.items()
                     if key in ("organisationer", "systemanvendelser", "kontrakter"))
    print(f"  {prefix}: {made} in {time.perf_counter() - started:.1f} s", flush=True)
    return report.organisations[0]


def client_for(slug: str):
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username=f"{slug}-laeser"))
    return client


def page_paths(slug: str) -> list[str]:
    """The URLconf's pages without arguments (or with only the organisation's slug),
    and a detail page of one object of each kind in `slug`'s organisation."""
    from django.urls import URLPattern, URLResolver, get_resolver

    from contracts.models import Contract
    from gdpr.models import ProcessingActivity
    from kitos.links import object_url
    from portfolio.models import Integration, SystemUsage
    from roles.models import OrganisationUnit, Person

    paths = []

    def walk(patterns, prefix=""):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern):
                route = route.replace("<slug:slug>", slug)
                if "<" in route or "^" in route or "(" in route:
                    continue
                path = "/" + route.lstrip("/")
                if not path.startswith(SKIP_PREFIXES):
                    paths.append(path)

    walk(get_resolver().url_patterns)
    for model in (SystemUsage, Contract, Integration, ProcessingActivity, Person,
                  OrganisationUnit):
        obj = model.objects.filter(organisation__slug=slug).order_by("pk").first()
        url = object_url(obj) if obj else None
        if url:
            paths.append(url)
    usage = SystemUsage.objects.filter(organisation__slug=slug).select_related(
        "system", "system__rights_holder").first()
    for obj in (usage.system, usage.system.rights_holder):
        if obj is not None and object_url(obj):
            paths.append(object_url(obj))
    paths.append("/soeg/?q=licens")
    return sorted(set(paths))


def count_queries(client, path) -> tuple[int | None, int]:
    """(queries, HTML bytes) of one GET, or (None, 0) when it is not an HTML page."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        response = client.get(path)
    if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
        return None, 0
    if response.streaming:
        return None, 0
    return len(context.captured_queries), len(response.content)


def queries_per_page() -> None:
    print("(a) queries per page, tiny vs national scale", flush=True)
    tiny = generate("tiny", organisations=1, usages=8, contracts=10)
    national = generate("land", organisations=NATIONAL_ORGS, usages=NATIONAL_USAGES,
                        contracts=NATIONAL_CONTRACTS)
    tiny_client, national_client = client_for(tiny), client_for(national)
    rows = []
    for tiny_path in page_paths(tiny):
        tiny_client.get(tiny_path)  # warm up: templates, content types, caches
        tiny_count, _ = count_queries(tiny_client, tiny_path)
        if tiny_count is None:
            continue
        rows.append((tiny_path, tiny_count))
    national_paths = {p.replace(tiny, national): p for p in page_paths(national)}
    # Detail pages are other objects' in the national organisation: pair them by kind
    # (the path without its uuid).
    by_shape = {}
    for path in national_paths:
        by_shape.setdefault(_shape(path), path)
    table = []
    for tiny_path, tiny_count in rows:
        national_path = by_shape.get(_shape(tiny_path.replace(tiny, national)))
        if national_path is None:
            continue
        national_client.get(national_path)
        national_count, size = count_queries(national_client, national_path)
        if national_count is None:
            continue
        table.append((_shape(tiny_path.replace(tiny, "<slug>")), tiny_count, national_count))
    print(f"  {'page':<58} {'tiny':>5} {'national':>9}")
    for path, tiny_count, national_count in table:
        mark = "" if national_count <= MAX_QUERIES and national_count <= tiny_count + FLAT_SLACK \
            else "  <--"
        print(f"  {path:<58} {tiny_count:>5} {national_count:>9}{mark}")
    good = [row for row in table if row[2] <= MAX_QUERIES and row[2] <= row[1] + FLAT_SLACK]
    worst = sorted(table, key=lambda row: (row[2], row[2] - row[1]), reverse=True)[:3]
    result("queries per page, tiny vs national scale", max(row[2] for row in table),
           f"every page ≤ {MAX_QUERIES}, flat", holds=len(good) == len(table),
           detail=f"{len(good)} of {len(table)} pages ≤ {MAX_QUERIES} and flat; worst: "
           + ", ".join(f"{p} {t}→{n}" for p, t, n in worst), unit=" queries")


def _shape(path: str) -> str:
    import re

    return re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<uuid>",
                  path)


def large_municipality() -> None:
    print(f"(b) one municipality with {LARGE_CONTRACTS:,} contracts vs {SMALL_CONTRACTS}",
          flush=True)
    small = generate("lille", organisations=1, usages=200, contracts=SMALL_CONTRACTS)
    large = generate("stor", organisations=1, usages=200, contracts=LARGE_CONTRACTS)
    clients = {small: client_for(small), large: client_for(large)}
    pages = {
        "dashboard": "/organisationer/{slug}/oversigt/",
        "gap overview": "/organisationer/{slug}/mangler/",
        "contract list": "/kontrakter/",
        "search": "/soeg/?q=licens",
    }
    sizes: dict[tuple[str, str], int] = {}

    def fetch(slug, name):
        response = clients[slug].get(pages[name].format(slug=slug))
        assert response.status_code == 200, (name, response.status_code)
        sizes[(name, slug)] = len(response.content)

    for slug in clients:  # warm up
        for name in pages:
            fetch(slug, name)
    ratios = {}
    html_bounded = True
    print(f"  {'page':<16} {'200':>9} {f'{LARGE_CONTRACTS:,}':>9} {'ratio':>7} "
          f"{'HTML 200':>10} {'HTML large':>11}")
    for name in pages:
        timings = interleaved({slug: (lambda slug=slug, name=name: fetch(slug, name))
                               for slug in clients},
                              3)
        ratio = timings[large] / timings[small]
        ratios[name] = ratio
        small_size, large_size = sizes[(name, small)], sizes[(name, large)]
        html_bounded &= large_size <= 2 * small_size
        print(f"  {name:<16} {timings[small]:8.3f}s {timings[large]:8.3f}s {ratio:6.2f}× "
              f"{small_size / 1e3:9.0f}k {large_size / 1e3:10.0f}k", flush=True)

    def export(slug):
        response = clients[slug].get("/kontrakter/", {"format": "xlsx"})
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert response.status_code == 200
        return len(body)

    seconds = {}
    for slug, rows in ((small, SMALL_CONTRACTS), (large, LARGE_CONTRACTS)):
        started = time.perf_counter()
        size = export(slug)
        seconds[slug] = time.perf_counter() - started
        print(f"  Excel export {rows:>6,} contracts: {seconds[slug]:7.2f} s "
              f"{rows / seconds[slug]:8,.0f} rows/s {size / 1e6:6.1f} MB", flush=True)
    per_row = (seconds[large] / LARGE_CONTRACTS) / (seconds[small] / SMALL_CONTRACTS)
    print(f"  Excel export cost per row, large vs small: {per_row:.2f}×")
    worst = max(ratios, key=ratios.get)
    result(f"one municipality with {LARGE_CONTRACTS:,} contracts vs {SMALL_CONTRACTS}",
           ratios[worst], "every page ≤ 2× its 200-contract time; HTML bounded",
           holds=ratios[worst] <= 2 and html_bounded,
           detail=f"worst: {worst}; " + ", ".join(f"{n} {r:.2f}×" for n, r in ratios.items())
           + f"; HTML {'bounded' if html_bounded else 'NOT bounded'}"
           + f"; Excel export per row {per_row:.2f}×")


def main():
    fresh_database()
    from django.conf import settings
    from django.db import connection

    settings.ALLOWED_HOSTS = ["*"]
    assert connection.vendor == "postgresql", "bench_pages measures PostgreSQL"
    started = time.perf_counter()
    parts = os.environ.get("BENCH_PAGES_PARTS", "ab")
    if "a" in parts:
        queries_per_page()
    if "b" in parts:
        large_municipality()
    print(f"bench_pages: {time.perf_counter() - started:.0f} s in all (measured on a "
          "shared, busy machine)", flush=True)


if __name__ == "__main__":
    main()
