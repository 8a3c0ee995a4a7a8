"""Benchmark: one 250-row API page beside a raw `values()` + JsonResponse of the same rows.

The gap is what the API's serializers, scoping and references cost per page. Figures,
not assertions.

    .venv/bin/python benchmarks/bench_api_page.py      (also run by `make bench`)
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kitos.settings.local")
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/kitos-bench-api.sqlite3")
os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")

from _database import fresh_database  # noqa: E402 - after the environment is set

ROWS = 250
REPEAT = int(os.environ.get("BENCH_REPEAT", "20"))


def main():
    fresh_database()
    from django.conf import settings
    from django.db import connection

    settings.ALLOWED_HOSTS = ["*"]
    settings.REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] = []

    from django.contrib.auth import get_user_model
    from django.http import JsonResponse
    from django.test import Client, RequestFactory
    from django.test.utils import CaptureQueriesContext

    from contracts.models import Contract, ContractCoverage
    from kitos.models import Membership, Organisation
    from portfolio.models import ItSystem, Supplier, SystemUsage

    organisation = Organisation.objects.create(name="Bench Kommune", slug="bench")
    user = get_user_model().objects.create_user("bench", password="x")
    Membership.objects.create(user=user, organisation=organisation, role="editor")
    supplier = Supplier.objects.create(name="Leverandør A/S", cvr="12345678")
    for n in range(ROWS):
        contract = Contract.objects.create(
            organisation=organisation, name=f"Kontrakt {n}", contract_number=f"K{n}",
            supplier=supplier, notice_months=3,
        )
        system = ItSystem.objects.create(name=f"System {n}")
        usage = SystemUsage.objects.create(organisation=organisation, system=system)
        ContractCoverage.objects.create(contract=contract, usage=usage, is_main=True)

    client = Client()
    client.force_login(user)

    def raw_view(request):
        rows = list(
            Contract.objects.filter(organisation=organisation).order_by("name", "pk").values(
                "uuid", "name", "contract_number", "supplier__uuid", "status",
                "notice_deadline", "next_end", "retender_start", "yearly_cost", "updated_at",
            )[:ROWS]
        )
        return JsonResponse({"results": rows}, json_dumps_params={"default": str})

    request_factory = RequestFactory()

    def time_it(function):
        timings = []
        for _ in range(REPEAT):
            started = time.perf_counter()
            function()
            timings.append(time.perf_counter() - started)
        return statistics.median(timings)

    def api_page():
        response = client.get("/api/v1/contracts/", {"page_size": ROWS})
        assert response.status_code == 200 and len(response.json()["results"]) == ROWS

    def raw_page():
        response = raw_view(request_factory.get("/raw/"))
        assert response.status_code == 200

    api_page()  # warm up
    with CaptureQueriesContext(connection) as api_queries:
        api_page()
    with CaptureQueriesContext(connection) as raw_queries:
        raw_page()
    api_time, raw_time = time_it(api_page), time_it(raw_page)
    print(f"{ROWS}-row page, median of {REPEAT} ({connection.vendor})")
    print(f"{'view':<34} {'ms':>8} {'queries':>8} {'ratio':>7}")
    print(f"{'raw values() + JsonResponse':<34} {raw_time * 1000:>8.1f} "
          f"{len(raw_queries.captured_queries):>8} {1:>7.2f}")
    print(f"{'GET /api/v1/contracts/':<34} {api_time * 1000:>8.1f} "
          f"{len(api_queries.captured_queries):>8} {api_time / raw_time:>7.2f}")


if __name__ == "__main__":
    main()
