"""The scripted session of .ci/client-roundtrip: a sync client's day with the Python client
that openapi-python-client generated from /api/schema/ (package `kitos_client` on
PYTHONPATH). It uses the generated, typed functions and models throughout; where the
generated client cannot do a step without hand fixes, that step FAILS and names the
problem (the point of the round trip). Only so that the later checks still say something
does the session then continue with a plain JSON request, and says so.

    python .ci/client_session.py --base-url http://127.0.0.1:8140 --key kitos_... \
        [--schema schema.json]

Exit status 0 only when every check passed.
"""

from __future__ import annotations

import argparse
import base64
import datetime
import importlib
import json
import pkgutil
import re
import sys
import time
import traceback
import typing
import uuid
from urllib.parse import parse_qs, urlsplit

PACKAGE = "kitos_client"
DEMO_PASSWORD = "kitos-demo-2026"  # demo/seed.py
RESULTS: list[tuple[str, bool, str]] = []


class CheckFailed(Exception):
    pass


def check(name: str):
    """Decorator: run the step now, record PASS/FAIL with its message, return its value
    (None when it failed)."""

    def run(func):
        started = time.monotonic()
        try:
            value = func()
        except CheckFailed as exc:
            RESULTS.append((name, False, str(exc)))
            print(f"FAIL  {name}\n      {exc}", flush=True)
            return None
        except Exception as exc:  # an error of the generated client is a finding too
            tb = traceback.extract_tb(exc.__traceback__)
            where = next((f"{f.filename.split(PACKAGE + '/')[-1]}:{f.lineno}"
                          for f in reversed(tb) if f"/{PACKAGE}/" in f.filename), "")
            msg = f"{type(exc).__name__}: {exc}" + (f" (in generated {where})" if where else "")
            RESULTS.append((name, False, msg))
            print(f"FAIL  {name}\n      {msg}", flush=True)
            return None
        RESULTS.append((name, True, ""))
        print(f"ok    {name} ({time.monotonic() - started:.1f} s)", flush=True)
        return value if value is not None else True

    return run


def require(condition, message: str):
    if not condition:
        raise CheckFailed(message)


def content_of(response) -> str:
    text = response.content.decode("utf-8", "replace")
    return text if len(text) <= 600 else text[:600] + "…"


def expect_status(response, status: int, what: str):
    require(int(response.status_code) == status,
            f"{what}: expected {status}, got {int(response.status_code)}: {content_of(response)}")


def first_parent_id(client, module_name: str):
    """The id of the first object of the list an object-scoped list hangs under:
    `requests_duplicates_list` -> `requests_list`; None when there is none."""
    words = module_name.rsplit(".", 1)[-1].removesuffix("_list").split("_")
    package = module_name.rsplit(".", 1)[0]
    for cut in range(len(words) - 1, 0, -1):
        try:
            parent = importlib.import_module(f"{package}.{'_'.join(words[:cut])}_list")
        except ImportError:
            continue
        if "id" in typing.get_type_hints(parent.sync_detailed):
            continue
        parsed = parent.sync_detailed(client=client).parsed
        results = parsed if isinstance(parsed, list) else getattr(parsed, "results", None)
        return results[0].id if results else None
    return None


def next_param(next_url: str | None, name: str) -> str | None:
    if not next_url:
        return None
    values = parse_qs(urlsplit(next_url).query).get(name)
    return values[0] if values else None


def param_class(func, name: str):
    """The class of a generated function's parameter `name` (``X | Unset`` or
    ``list[X] | Unset``): enum class names come from the schema, so look them up."""
    hint = typing.get_type_hints(func)[name]
    for arg in typing.get_args(hint) or (hint,):
        if getattr(arg, "__name__", "") == "Unset":
            continue
        inner = typing.get_args(arg)
        return inner[0] if inner else arg
    raise CheckFailed(f"{func.__module__}.{func.__name__} has no usable parameter {name!r}")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--schema", help="the schema.json the client was generated from")
    args = parser.parse_args()

    # ---------------------------------------------------------------- the package imports
    @check("the generated client imports whole (every module)")
    def imported():
        package = importlib.import_module(PACKAGE)
        broken, count = [], 0
        for info in pkgutil.walk_packages(package.__path__, PACKAGE + "."):
            count += 1
            try:
                importlib.import_module(info.name)
            except Exception as exc:
                short = info.name.removeprefix(PACKAGE + ".")
                broken.append(f"{short}: {type(exc).__name__}: {exc}")
        print(f"      {count} modules", flush=True)
        require(not broken, f"{len(broken)} of {count} generated modules do not import:\n        "
                + "\n        ".join(broken))

    # generated at CI time (.ci/client-roundtrip puts it on PYTHONPATH)
    from kitos_client import AuthenticatedClient
    from kitos_client.api.contracts import (
        contracts_destroy,
        contracts_list,
        contracts_partial_update,
        contracts_retrieve,
    )
    from kitos_client.api.deletions import deletions_list
    from kitos_client.api.usages import usages_list
    from kitos_client.models import Contract, PatchedContractRequest

    sent: list = []  # every request the generated client sends (method, URL, headers, body)

    def record(request):
        sent.append(request)

    client = AuthenticatedClient(
        base_url=args.base_url, token=args.key, raise_on_unexpected_status=True,
        httpx_args={"event_hooks": {"request": [record]}}, timeout=60,
    )

    def last_body() -> dict:
        request = sent[-1]
        ctype = request.headers.get("content-type", "")
        require(ctype.startswith("application/json"),
                f"the generated client sent {request.method} {request.url.path} as {ctype!r}, "
                "not application/json (the schema offers more than JSON for request bodies)")
        return json.loads(request.content)

    # --------------------------------------------------------------- the schema as such
    if args.schema:
        @check("one shared error schema (no per-response error models)")
        def shared_errors():
            models = importlib.import_module(PACKAGE + ".models")
            inline = sorted(n for n in dir(models) if re.search(r"Response\d{3}$", n))
            require(not inline, f"{len(inline)} error classes generated per operation and "
                    f"status (e.g. {', '.join(inline[:3])}): each error response is its own "
                    "inline schema instead of one problem-details component")

        @check("ETag declared on contract GET 200, POST 201 and PATCH 200")
        def etag_declared():
            with open(args.schema, encoding="utf-8") as f:
                paths = json.load(f)["paths"]
            missing = []
            for path, method, status in [("/api/v1/contracts/{id}/", "get", "200"),
                                         ("/api/v1/contracts/", "post", "201"),
                                         ("/api/v1/contracts/{id}/", "patch", "200")]:
                headers = paths[path][method]["responses"][status].get("headers", {})
                if "etag" not in {h.lower() for h in headers}:
                    missing.append(f"{method.upper()} {path} {status}")
            require(not missing, "no ETag header declared on " + ", ".join(missing))

        @check("component and enum names do not depend on Accept-Language")
        def stable_names():
            def names(schema: dict) -> set[str]:
                found = {f"component {n}" for n in schema["components"]["schemas"]}

                def walk(node):  # generators name inline enums after their title
                    if isinstance(node, dict):
                        if "enum" in node and "title" in node:
                            found.add(f"enum title {node['title']!r}")
                        for child in node.values():
                            walk(child)
                    elif isinstance(node, list):
                        for child in node:
                            walk(child)

                walk(schema)
                return found

            by_language = {}
            for language in ("da", "en"):
                response = client.get_httpx_client().get(
                    "/api/schema/", params={"format": "json"},
                    headers={"Accept-Language": language})
                require(response.status_code == 200, f"schema ({language}): {response.status_code}")
                by_language[language] = names(response.json())
            differ = sorted(by_language["da"] ^ by_language["en"])
            require(not differ, f"{len(differ)} generated names change with the language, e.g. "
                    + ", ".join(differ[:6]))

    # ------------------------------------------------------- every list, every page, typed
    @check("every list endpoint of the demo parses on every page (generated models)")
    def all_lists():
        api = importlib.import_module(PACKAGE + ".api")
        problems, pages, rows = [], 0, 0
        for info in pkgutil.walk_packages(api.__path__, PACKAGE + ".api."):
            if not info.name.endswith("_list"):
                continue
            try:
                module = importlib.import_module(info.name)
            except Exception as exc:
                problems.append(f"{info.name}: does not import: {exc}")
                continue
            func = module.sync_detailed
            hints = typing.get_type_hints(func)
            name = info.name.rsplit(".", 1)[-1]
            path_kwargs = {}
            if "id" in hints:
                # A list under one object (requests/{id}/duplicates/): walk it for the
                # first object of the parent list, found by dropping words off the name.
                parent_id = first_parent_id(client, info.name)
                if parent_id is None:
                    problems.append(f"{name}: no parent list with an object to list under")
                    continue
                path_kwargs["id"] = parent_id
            # page numbers, the cursor (the deletions feed), or one unpaged list (tokens)
            mode = "page" if "page" in hints else "cursor" if "cursor" in hints else None
            kwargs = {"page_size": 250} if "page_size" in hints else {}
            position: str | None = {"page": "1", "cursor": ""}.get(mode, "")
            while position is not None:
                if mode:
                    kwargs[mode] = int(position) if mode == "page" else position
                try:
                    response = func(client=client, **path_kwargs, **kwargs)
                except Exception as exc:
                    problems.append(f"{name} {mode}={position!r}: {type(exc).__name__}: {exc}")
                    break
                parsed = response.parsed
                results = parsed if isinstance(parsed, list) else getattr(parsed, "results", None)
                if int(response.status_code) != 200 or results is None:
                    problems.append(f"{name}: {int(response.status_code)} {content_of(response)}")
                    break
                pages += 1
                rows += len(results)
                position = next_param(parsed.next_ or None, mode) if mode else None
        print(f"      {pages} pages, {rows} rows", flush=True)
        require(not problems, f"{len(problems)} list endpoints fail in the generated client:\n"
                "        " + "\n        ".join(problems))

    # ------------------------------------------------- contracts: filters and both pagings
    def walk_pages(**filters) -> list:
        rows, page = [], 1
        while True:
            response = contracts_list.sync_detailed(client=client, page=page, page_size=7,
                                                    **filters)
            expect_status(response, 200, f"GET contracts page {page}")
            rows += response.parsed.results
            if not response.parsed.next_:
                require(len(rows) == response.parsed.count,
                        f"walked {len(rows)} rows, the pages say count={response.parsed.count}")
                return rows
            page = int(next_param(response.parsed.next_, "page"))

    @check("contracts: walk all pages (page numbers)")
    def paged():
        rows = walk_pages(ordering="name")
        ids = [c.id for c in rows]
        require(len(ids) == len(set(ids)), "a contract came twice in one walk")
        require(len(ids) > 7, f"only {len(ids)} contracts: the walk did not page")
        print(f"      {len(ids)} contracts", flush=True)
        return rows

    @check("contracts: walk all pages (cursor, by change time)")
    def cursored():
        rows, cursor, pages = [], "", 0
        while cursor is not None:
            response = contracts_list.sync_detailed(client=client, cursor=cursor, page_size=7)
            expect_status(response, 200, "GET contracts ?cursor=")
            pages += 1
            rows += response.parsed.results
            cursor = next_param(response.parsed.next_ or None, "cursor")
        ids = [c.id for c in rows]
        require(len(ids) == len(set(ids)), "a contract came twice in one cursor walk")
        if paged:
            require(set(ids) == {c.id for c in paged},
                    "the cursor walk and the page walk saw different contracts")
        stamps = [c.updated_at for c in rows]
        require(stamps == sorted(stamps), "cursor pages are not ordered by updated_at")
        print(f"      {len(ids)} contracts in {pages} cursor pages", flush=True)

    @check("contracts: filters (status, has_supplier, notice_deadline_after) narrow the list")
    def filtered():
        status_enum = param_class(contracts_list.sync_detailed, "status")
        active = walk_pages(status=[status_enum("active")], has_supplier=True)
        require(active, "no active contract with a supplier in the demo")
        require(all(str(c.status.value if hasattr(c.status, "value") else c.status) == "active"
                    for c in active), "?status=active returned other statuses")
        require(all(c.supplier for c in active), "?has_supplier=true returned one without")
        cut = datetime.date.today()
        late = walk_pages(notice_deadline_after=cut)
        require(all(c.notice_deadline and c.notice_deadline >= cut for c in late),
                "?notice_deadline_after returned an earlier deadline")
        if paged:
            require(len(active) < len(paged), "the filter did not narrow the list")
        print(f"      active with supplier: {len(active)}, notice deadline ahead: {len(late)}",
              flush=True)

    @check("a read key from POST /api/v1/tokens/ with Basic (tokens_create) reads, cannot write")
    def read_key():
        from kitos_client.api.tokens import tokens_create
        from kitos_client.models import ApiTokenRequest

        # The demo's editor "chef" has no two-factor login, so a password may mint a key.
        basic = base64.b64encode(f"chef:{DEMO_PASSWORD}".encode()).decode()
        with_password = AuthenticatedClient(base_url=args.base_url, token=basic,
                                            prefix="Basic", timeout=60)
        expires = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=1)
        body = ApiTokenRequest.from_dict({"name": "client round trip (read)", "scope": "read",
                                          "expires_at": expires.isoformat()})
        response = tokens_create.sync_detailed(client=with_password, body=body)
        expect_status(response, 201, "POST /api/v1/tokens/ with Basic")
        key = response.parsed.key
        require(isinstance(key, str) and key.startswith("kitos_"), f"no key in {response.parsed}")
        reader = AuthenticatedClient(base_url=args.base_url, token=key, timeout=60)
        listed = contracts_list.sync_detailed(client=reader, page_size=1)
        expect_status(listed, 200, "GET contracts with the read key")
        target = listed.parsed.results[0].id
        write = contracts_partial_update.sync_detailed(
            target, client=reader, body=PatchedContractRequest(notes="x"))
        expect_status(write, 403, "PATCH with a read key")

    # ------------------------------------------------------------------- create, nested
    started = datetime.datetime.now(datetime.UTC) - datetime.timedelta(seconds=2)
    state: dict = {}

    @check("a usage to cover (usages list)")
    def usage():
        response = usages_list.sync_detailed(client=client, page_size=5)
        expect_status(response, 200, "GET usages")
        require(response.parsed.results, "the demo has no usages")
        found = response.parsed.results[0]
        state["usage"], state["organisation"] = found.id, found.organisation

    number = f"RT-{uuid.uuid4().hex[:8]}"
    payload = {
        "organisation": str(state.get("organisation", "")),
        "name": f"Klient-rundtur {number}",
        "contract_number": number,
        "contract_type": "main",
        "supplier": None,
        "responsible_unit": None,
        "expiry_date": None,
        "start_date": "2026-01-01",
        "notice_months": 3,
        "acquisition_cost": None,
        "yearly_cost": "125000.50",
        "notes": "Oprettet af .ci/client-roundtrip",
        "external_reference": "roundtrip",
        "coverage": [{"usage": str(state.get("usage", "")), "is_main": True}],
    }

    def check_created(contract):
        require(contract.supplier is None, f"supplier came back as {contract.supplier!r}, "
                "not null (sent as the string 'None'?)")
        require(contract.expiry_date is None, f"expiry_date came back as {contract.expiry_date!r}")
        require(contract.contract_number == number, "contract_number was not stored")
        cov = [(str(c.usage), c.is_main) for c in contract.coverage]
        require(cov == [(payload["coverage"][0]["usage"], True)], f"coverage came back as {cov}")

    @check("create a contract with nested coverage and nulls (contracts_create)")
    def created():
        try:
            from kitos_client.api.contracts import contracts_create
            from kitos_client.models import ContractRequest
        except Exception as exc:
            raise CheckFailed(f"the generated contracts_create does not import "
                              f"({type(exc).__name__}: {exc}); cannot create") from exc
        body = ContractRequest.from_dict(payload)
        response = contracts_create.sync_detailed(client=client, body=body)
        sent_body = last_body()
        expect_status(response, 201, "POST contracts")
        require(isinstance(response.parsed, Contract), "201 not parsed as Contract")
        require(sent_body.get("supplier", "absent") is None,
                f"supplier was sent as {sent_body.get('supplier', 'absent')!r}, not null")
        check_created(response.parsed)
        state["id"] = response.parsed.id
        require(response.headers.get("etag"), "201 Created carries no ETag: create → update "
                "needs an extra GET")
        state["etag"] = response.headers["etag"]

    if "id" not in state and "organisation" in state:
        print("      (continuing with a plain JSON POST so the later checks can run; the "
              "create check above stays FAILED)", flush=True)
        raw = client.get_httpx_client().post("/api/v1/contracts/", json=payload)
        if raw.status_code != 201:
            print(f"FAIL  plain JSON POST: {raw.status_code} {raw.text[:600]}", flush=True)
            return summary()
        state["id"] = uuid.UUID(raw.json()["id"])

    if "id" not in state:
        return summary()
    cid = state["id"]

    @check("read it back (contracts_retrieve) with an ETag")
    def read():
        response = contracts_retrieve.sync_detailed(cid, client=client)
        expect_status(response, 200, "GET contract")
        require(isinstance(response.parsed, Contract), "200 not parsed as Contract")
        check_created(response.parsed)
        require(response.headers.get("etag"), "GET of a contract carries no ETag")
        state["etag"] = response.headers["etag"]
        state["before"] = response.parsed.to_dict()

    if "etag" not in state:
        return summary()

    # ------------------------------------------------------------------- PATCH one field
    @check("PATCH one field with If-Match sends only that field (contracts_partial_update)")
    def patched():
        body = PatchedContractRequest(notes="Genforhandles i 2027")
        response = contracts_partial_update.sync_detailed(cid, client=client, body=body,
                                                          if_match=state["etag"])
        sent_request = sent[-1]
        require(sent_request.headers.get("if-match") == state["etag"],
                "the generated client did not send If-Match")
        state["patch_status"] = int(response.status_code)
        sent_body = last_body()
        require(set(sent_body) == {"notes"}, "PATCH of notes also sent "
                f"{ {k: v for k, v in sent_body.items() if k != 'notes'} } (defaults in the "
                "Patched*Request schema become client defaults that overwrite data)")
        expect_status(response, 200, "PATCH contract")
        require(response.headers.get("etag") and response.headers["etag"] != state["etag"],
                "PATCH did not answer a new ETag")

    @check("after the PATCH every other field is unchanged")
    def unchanged():
        require(state.get("patch_status") == 200, "the PATCH did not succeed")
        response = contracts_retrieve.sync_detailed(cid, client=client)
        expect_status(response, 200, "GET contract")
        after = response.parsed.to_dict()
        before = state["before"]
        require(after["notes"] == "Genforhandles i 2027", "notes did not change")
        changed = {k: (before.get(k), after.get(k)) for k in set(before) | set(after)
                   if k not in {"notes", "updated_at"} and before.get(k) != after.get(k)}
        require(not changed, f"the PATCH of notes also changed {changed}")

    @check("a stale If-Match gets 412 (problem details)")
    def stale():
        body = PatchedContractRequest(notes="Forældet skrivning")
        response = contracts_partial_update.sync_detailed(cid, client=client, body=body,
                                                          if_match=state["etag"])
        expect_status(response, 412, "PATCH with a stale If-Match")
        problem = json.loads(response.content)
        missing = {"type", "title", "status", "detail"} - set(problem)
        require(not missing, f"412 is not problem details (missing {sorted(missing)}): {problem}")
        require(problem["status"] == 412, f"412 body says status {problem['status']}")
        state["error_class"] = type(response.parsed).__name__

    @check("a field error is 400 problem details with errors {field: [...]}")
    def field_error():
        body = PatchedContractRequest(name="")
        etag = contracts_retrieve.sync_detailed(cid, client=client).headers.get("etag", "")
        response = contracts_partial_update.sync_detailed(cid, client=client, body=body,
                                                          if_match=etag)
        expect_status(response, 400, "PATCH name=''")
        problem = json.loads(response.content)
        missing = {"type", "title", "status", "detail", "errors"} - set(problem)
        require(not missing, f"400 is not problem details (missing {sorted(missing)}): {problem}")
        require(isinstance(problem["errors"].get("name"), list),
                f"errors has no list for 'name': {problem['errors']}")
        if "error_class" in state:
            require(type(response.parsed).__name__ == state["error_class"],
                    f"400 parses as {type(response.parsed).__name__}, 412 as "
                    f"{state['error_class']}: not one shared error model")

    # ----------------------------------------------------------------------- the feeds
    @check("the change feed (changed_since) shows the contract")
    def change_feed():
        rows, cursor = [], ""
        while cursor is not None:
            response = contracts_list.sync_detailed(client=client, cursor=cursor,
                                                    changed_since=started)
            expect_status(response, 200, "GET contracts ?changed_since")
            rows += response.parsed.results
            cursor = next_param(response.parsed.next_ or None, "cursor")
        ids = [c.id for c in rows]
        require(cid in ids, "the new contract is not in ?changed_since")
        require(all(c.updated_at >= started for c in rows), "?changed_since returned older rows")
        mine = next(c for c in rows if c.id == cid)
        require(mine.notes == "Genforhandles i 2027" or state.get("patch_status") != 200,
                "the change feed has the contract's old notes")

    @check("delete it with If-Match (contracts_destroy); then 404")
    def deleted():
        etag = contracts_retrieve.sync_detailed(cid, client=client).headers.get("etag")
        require(etag, "no ETag to delete with")
        response = contracts_destroy.sync_detailed(cid, client=client, if_match=etag)
        expect_status(response, 204, "DELETE contract")
        response = contracts_retrieve.sync_detailed(cid, client=client)
        expect_status(response, 404, "GET deleted contract")

    @check("the deletions feed (/api/v1/deletions/?since=) lists it")
    def deletions():
        rows, cursor = [], ""
        while cursor is not None:
            response = deletions_list.sync_detailed(client=client, since=started, cursor=cursor)
            expect_status(response, 200, "GET deletions")
            rows += response.parsed.results
            cursor = next_param(response.parsed.next_ or None, "cursor")
        ours = [d for d in rows if d.id == cid]
        require(ours, f"the deleted contract is not among {len(rows)} deletions since the start")
        require(ours[0].type_ == "contracts.contract", f"deletion type is {ours[0].type_!r}")

    return summary()


def summary() -> int:
    failed = [(name, msg) for name, ok, msg in RESULTS if not ok]
    print(f"\n{len(RESULTS) - len(failed)} of {len(RESULTS)} checks passed", flush=True)
    if failed:
        print("FAILED:", flush=True)
        for name, msg in failed:
            print(f"  - {name}: {msg.splitlines()[0]}", flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
