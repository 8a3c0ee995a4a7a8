"""Helper of .ci/upgrade-check: a database at the previous layout upgrades in place.

    upgrade_check.py prepare  --tree OLD --extras FILE               (run with the OLD code)
    upgrade_check.py snapshot --tree OLD --extras FILE --out FILE    (run with the OLD code)
    upgrade_check.py verify   --tree NEW --extras FILE --before FILE --out FILE
                                                                     (run with the NEW code)

``--tree`` is the source tree whose packages must be the ones imported (the venv has the
project installed in editable mode pointing at the repository, so this is checked for
every project app, not assumed). Everything that has to work across both layouts reads
the database with plain SQL (psycopg2 on DATABASE_URL) or looks models up by name,
trying the old and the new app label.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import traceback
from pathlib import Path

# Tables the upgrade may legitimately add rows to (every old row must still be there).
MAY_GROW = {
    "django_migrations": "new and squashed migrations recorded as applied",
    "django_content_type": "content types of new models",
    "auth_permission": "permissions of new models",
    "contracts_alertrule": "the escalation (alerts 0003), benefit (0004) and attestation "
                           "(0005) rules for organisations with rules",
    "roles_discipline": "the It-drift discipline (roles 0006, standard reference data)",
    "roles_roletype": "It drift and the role types of the new role targets (roles 0006)",
}
# Columns a data migration of the upgrade rewrites on purpose: (table, column) -> why.
MAY_CHANGE = {
    ("roles_roletype", "name"):
        "roles 0004 names the untouched standard 'Contract manager' role Kontraktansvarlig",
    # portfolio 0007/0008: the usage record in OS2KITOS's vocabularies (socially critical
    # Ja/Nej/Ved ikke, KITOS user bands, KITOS archive duties); tests/portfolio/
    # test_usage_record.py checks each old value's new one.
    ("portfolio_systemusage", "socially_critical"):
        "portfolio 0008: samfundskritisk true -> Ja, false (the old default) -> unanswered",
    ("portfolio_systemusage", "user_count"):
        "portfolio 0008: the user bands as OS2KITOS's (10-50 -> 10_49, ...)",
    ("portfolio_systemusage", "archive_duty"):
        "portfolio 0008: archive duty as OS2KITOS's (partial -> D+D, none -> K, "
        "undecided -> blank)",
}
DEMO_USER = "admin"  # kitos.demo.LOGINS: It-chef, admin of the demo organisation
DEMO_ORG = "demo"
SUPPLIER_NAME = "Opgraderingstest ApS"


def log(message: str = "") -> None:
    print(message, flush=True)


def die(message: str) -> None:
    print(f"FATAL: {message}", file=sys.stderr, flush=True)
    sys.exit(2)


# -- which code is this? ------------------------------------------------------------------


def setup_django(tree: str) -> None:
    """django.setup() with the packages of `tree`, and prove that they are the ones in use:
    every installed app that is not a third-party package must live inside `tree`."""
    root = Path(tree).resolve()
    if str(root) not in sys.path[:2]:
        sys.path.insert(0, str(root))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kitos.settings.local")
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        die("DATABASE_URL must point at the PostgreSQL database under test")
    import django
    from django.apps import apps

    django.setup()
    wrong = []
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        if "site-packages" in path.parts or path.is_relative_to(Path(sys.prefix).resolve()):
            continue
        if not path.is_relative_to(root):
            wrong.append(f"{config.label} from {path}")
    settings_file = Path(sys.modules[os.environ["DJANGO_SETTINGS_MODULE"]].__file__).resolve()
    if not settings_file.is_relative_to(root):
        wrong.append(f"settings from {settings_file}")
    if wrong:
        die(f"the code under test is not {root}: " + "; ".join(wrong))
    own = [c.label for c in apps.get_app_configs()
           if "site-packages" not in Path(c.path).resolve().parts]
    log(f"   code: {root} (apps: {', '.join(own)})")


def get_model(*labels: str):
    """The first of `labels` ("app.Model") that exists in this layout."""
    from django.apps import apps

    for label in labels:
        try:
            return apps.get_model(label)
        except LookupError:
            continue
    die(f"none of the models {', '.join(labels)} exists in this code")


def first_attr(name: str, *modules: str):
    """`name` from the first of `modules` that can be imported and has it."""
    import importlib

    for module in modules:
        try:
            found = importlib.import_module(module)
        except ImportError:
            continue
        if hasattr(found, name):
            return getattr(found, name)
    die(f"{name} not found in any of {', '.join(modules)}")


# -- prepare: extra data that exercises what moves ------------------------------------------


def cmd_prepare(args) -> None:
    setup_django(args.tree)
    from django.contrib.admin.models import CHANGE, LogEntry
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group, Permission
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command
    from django.utils import timezone

    Organisation = get_model("roles.Organisation", "kitos.Organisation")
    Person = get_model("roles.Person")
    RoleType = get_model("roles.RoleType")
    Contract = get_model("contracts.Contract")
    Supplier = get_model("contracts.Supplier", "portfolio.Supplier")
    AlertRule = get_model("contracts.AlertRule", "alerts.AlertRule")
    AlertDelivery = get_model("contracts.AlertDelivery", "alerts.AlertDelivery")
    Subscription = get_model("contracts.ContractSubscription", "alerts.ContractSubscription")
    ImportRun = get_model("kitos.ImportRun", "imports.ImportRun")
    ListPreference = get_model("kitos.ListPreference")

    create_object = first_attr("create_object", "kitos.services")
    update_object = first_attr("update_object", "kitos.services")
    role_assign = first_attr("role_assign", "roles.services")
    audit_context = first_attr("audit_context", "kitos.audit")
    api_token_create = first_attr("api_token_create", "kitos.api.tokens")
    api_token_revoke = first_attr("api_token_revoke", "kitos.api.tokens")
    import_start = first_attr("import_start", "kitos.excel.services", "imports.services")
    import_commit = first_attr("import_commit", "kitos.excel.services", "imports.services")
    export_entities = first_attr("export_entities", "kitos.excel.exporter", "imports.exporter")
    password = first_attr("DEMO_PASSWORD", "kitos.demo", "demo.seed", "demo")

    user = get_user_model().objects.get(username=DEMO_USER)
    org = Organisation.objects.get(slug=DEMO_ORG)
    person = Person.objects.get(organisation=org, user=user)
    done = []

    with audit_context(source="ui"):
        supplier = create_object(actor=user, instance=Supplier(
            name=SUPPLIER_NAME, owner_organisation=org, is_local=True))
        update_object(actor=user, instance=supplier, data={"website": "https://example.dk"})
        done.append(f"supplier {supplier.name!r} created and changed (audited)")

        contract = Contract.objects.filter(organisation=org).order_by("pk").first()
        update_object(actor=user, instance=contract, data={
            "name": f"{contract.name} (opgraderingstest)", "supplier": supplier})
        done.append(f"contract #{contract.pk} renamed and given the supplier (audited)")

        for code, applies_to, target in (("contract-manager", "contract", contract),
                                         ("dpo", "organisation", org)):
            role_type = RoleType.objects.get(organisation=None, code=code, applies_to=applies_to)
            role_assign(actor=user, person=person, role_type=role_type, target=target)
        done.append("role assignments on the contract and the organisation")

        create_object(actor=user, instance=Subscription(
            organisation=org, contract=contract, person=person))
        kind = AlertRule._meta.get_field("kind").choices[0][0]
        create_object(actor=user, instance=AlertRule(
            organisation=org, kind=kind, days_before=17))
        done.append(f"a contract subscription and an alert rule ({kind}, 17 days)")

    token, key = api_token_create(actor=user, name="upgrade-check")
    revoked, _key = api_token_create(actor=user, name="upgrade-check-revoked")
    api_token_revoke(actor=user, token=revoked)
    done.append("two API tokens (one revoked)")

    ListPreference.objects.update_or_create(
        user=user, list_key="contract_list",
        defaults={"columns": ["name", "supplier", "status", "next_end"]})
    done.append("a list preference (contract_list)")

    content = export_entities(user=user, organisation=org, entities={"suppliers": None})
    preview = import_start(actor=user, organisation=org, filename="upgrade-check.xlsx",
                           content=content)
    preview.refresh_from_db()
    runs = [f"preview {preview.status}"]
    if preview.status == "valid":
        commit = import_commit(actor=user, run=preview)
        commit.refresh_from_db()
        runs.append(f"commit {commit.status}")
    done.append(f"import runs: {', '.join(runs)} ({ImportRun.objects.count()} in all)")

    for obj in (supplier, org, contract):
        LogEntry.objects.create(
            user=user, content_type=ContentType.objects.get_for_model(obj),
            object_id=str(obj.pk), object_repr=str(obj)[:200], action_flag=CHANGE,
            change_message="upgrade-check")
    group = Group.objects.create(name="upgrade-check")
    group.permissions.set(Permission.objects.filter(content_type__in=[
        ContentType.objects.get_for_model(m)
        for m in (Organisation, Supplier, AlertRule, AlertDelivery, ImportRun)]))
    get_user_model().objects.get(username="laeser").groups.add(group)
    done.append("admin log entries, a group with permissions on the moving models")

    log("   " + "\n   ".join(done))
    log("== Old code: send_contract_alerts (the old management command)")
    call_command("send_contract_alerts")
    delivery = AlertDelivery.objects.filter(user__isnull=False).order_by("pk").first()
    if delivery is not None:
        delivery.read_at = timezone.now()
        delivery.save(update_fields=["read_at"])
    log(f"   {AlertDelivery.objects.count()} alert deliveries"
        + (", one marked read" if delivery else " (none to a login user)"))

    def ref(obj):
        return {"ct_id": ContentType.objects.get_for_model(obj).pk, "pk": obj.pk,
                "uuid": str(obj.uuid), "label": obj._meta.label}

    extras = {
        "organisation": org.slug,
        "username": user.username,
        "password": password,
        "api_key": key,
        "api_token_name": token.name,
        "supplier_name": SUPPLIER_NAME,
        "objects": {"contract": ref(contract), "supplier": ref(supplier),
                    "organisation": ref(org), "import_run": ref(preview)},
    }
    Path(args.extras).write_text(json.dumps(extras, indent=1))


# -- snapshot: the database as plain SQL sees it ---------------------------------------------


def raw_connection():
    import psycopg2

    return psycopg2.connect(os.environ["DATABASE_URL"])


def take_snapshot(extras: dict) -> dict:
    from django.contrib.contenttypes.models import ContentType
    from psycopg2 import sql

    conn = raw_connection()
    conn.set_session(readonly=True, autocommit=True)
    cur = conn.cursor()

    def q(query, *params):
        cur.execute(query, params or None)
        return cur.fetchall()

    tables = [r[0] for r in q(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY 1")]
    counts, checksums = {}, {}
    for table in tables:
        columns = [r[0] for r in q(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = "
            "'public' AND table_name = %s ORDER BY ordinal_position", table)]
        # Per column: md5 over the sorted md5s of its values, so neither row order nor
        # column order matters, and a column moved to another table compares equal.
        parts = [sql.SQL("count(*)")] + [
            sql.SQL("md5(string_agg(coalesce(md5({c}::text), '-'), ',' "
                    "ORDER BY coalesce(md5({c}::text), '-')))").format(c=sql.Identifier(c))
            for c in columns]
        cur.execute(sql.SQL("SELECT {} FROM {}").format(
            sql.SQL(", ").join(parts), sql.Identifier(table)))
        row = cur.fetchone()
        counts[table] = row[0]
        checksums[table] = dict(zip(columns, row[1:], strict=True))

    content_types = {str(i): [app, model] for i, app, model in q(
        "SELECT id, app_label, model FROM django_content_type ORDER BY id")}

    # What each content type is in this code: its model's table and its m2m tables.
    models = {}
    for ct_id in content_types:
        model = ContentType.objects.get_for_id(int(ct_id)).model_class()
        if model is None or model._meta.proxy or not model._meta.managed:
            continue
        models[ct_id] = {
            "label": model._meta.label,
            "table": model._meta.db_table,
            "pk": model._meta.pk.column,
            "m2m": {f.name: f.remote_field.through._meta.db_table
                    for f in model._meta.local_many_to_many
                    if f.remote_field.through._meta.auto_created},
        }

    # Every column that points at django_content_type, and its rows per content type.
    ct_columns = q(
        "SELECT c.conrelid::regclass::text, a.attname FROM pg_constraint c "
        "JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey) "
        "WHERE c.contype = 'f' AND c.confrelid = 'django_content_type'::regclass ORDER BY 1, 2")
    ct_usage, dangling, object_tables = {}, {}, []
    for table, column in ct_columns:
        rows = q(sql.SQL("SELECT {c}, count(*) FROM {t} GROUP BY 1 ORDER BY 1").format(
            c=sql.Identifier(column), t=sql.Identifier(table)).as_string(conn))
        ct_usage[f"{table}.{column}"] = {str(ct): n for ct, n in rows}
        has_object_id = q("SELECT 1 FROM information_schema.columns WHERE table_schema = "
                          "'public' AND table_name = %s AND column_name = 'object_id'", table)
        if column != "content_type_id" or not has_object_id:
            continue
        object_tables.append(table)
        # Rows whose object is not in its model's table (history of deleted objects is
        # legitimate; the number must not grow with the upgrade).
        for ct, _n in rows:
            target = models.get(str(ct))
            if target is None:
                continue
            missing = q(sql.SQL(
                "SELECT count(*) FROM {t} x WHERE x.content_type_id = %s AND NOT EXISTS "
                "(SELECT 1 FROM {m} o WHERE o.{pk}::text = x.object_id::text)").format(
                t=sql.Identifier(table), m=sql.Identifier(target["table"]),
                pk=sql.Identifier(target["pk"])).as_string(conn), ct)[0][0]
            dangling[f"{table}|{ct}"] = missing

    sequences = {}
    for table in tables:
        if "id" not in checksums[table]:
            continue
        seq = q("SELECT pg_get_serial_sequence(%s, 'id')", sql.Identifier(table).as_string(conn))
        if not seq or not seq[0][0]:
            continue
        last_value, is_called = q(f"SELECT last_value, is_called FROM {seq[0][0]}")[0]
        max_id = q(sql.SQL("SELECT max(id) FROM {}").format(
            sql.Identifier(table)).as_string(conn))[0][0]
        sequences[table] = {"sequence": seq[0][0], "next": last_value + 1 if is_called
                            else last_value, "max_id": max_id}

    constraints = {}
    for table, kind, n in q(
            "SELECT c.conrelid::regclass::text, CASE WHEN c.contype = 'f' AND "
            "array_length(c.conkey, 1) > 1 THEN 'f(composite)' ELSE c.contype::text END, "
            "count(*) FROM pg_constraint c JOIN pg_class r ON r.oid = c.conrelid "
            "JOIN pg_namespace n ON n.oid = r.relnamespace WHERE n.nspname = 'public' "
            "GROUP BY 1, 2 ORDER BY 1, 2"):
        constraints.setdefault(table, {})[kind] = n
    # Uniqueness counted by unique index, not by UNIQUE constraint: a rule that becomes
    # conditional (a unit's name unique among open units, roles 0008) is enforced by a
    # partial unique index, which PostgreSQL does not list as a constraint.
    for table, n in q(
            "SELECT i.indrelid::regclass::text, count(*) FROM pg_index i "
            "JOIN pg_class r ON r.oid = i.indrelid "
            "JOIN pg_namespace n ON n.oid = r.relnamespace WHERE n.nspname = 'public' "
            "AND i.indisunique AND NOT i.indisprimary GROUP BY 1 ORDER BY 1"):
        constraints.setdefault(table, {})["u"] = n
    for kinds in constraints.values():
        kinds.setdefault("u", 0)

    kept_rows = {
        "auth_permission": sorted(map(list, q(
            "SELECT id, content_type_id, codename FROM auth_permission ORDER BY id"))),
        "django_migrations": sorted(map(list, q("SELECT app, name FROM django_migrations"))),
        "contracts_alertrule": sorted(map(list, q(
            "SELECT id, organisation_id, kind, days_before, is_active FROM contracts_alertrule"
        ))),
    }

    history = {}
    audit = next((m for m in models.values() if m["label"].endswith(".AuditEntry")), None)
    if audit and extras:
        for name, obj in extras["objects"].items():
            history[name] = q(sql.SQL(
                "SELECT count(*) FROM {} WHERE content_type_id = %s AND object_id = %s").format(
                sql.Identifier(audit["table"])).as_string(conn), obj["ct_id"], obj["pk"])[0][0]

    conn.close()
    return {
        "counts": counts, "checksums": checksums, "content_types": content_types,
        "models": models, "ct_usage": ct_usage, "dangling": dangling,
        "object_tables": object_tables,
        "sequences": sequences, "constraints": constraints, "kept_rows": kept_rows,
        "history": history,
    }


def cmd_snapshot(args) -> None:
    setup_django(args.tree)
    extras = json.loads(Path(args.extras).read_text()) if args.extras else {}
    snap = take_snapshot(extras)
    Path(args.out).write_text(json.dumps(snap, indent=1, sort_keys=True))
    log(f"   {len(snap['counts'])} tables, {sum(snap['counts'].values())} rows, "
        f"{len(snap['content_types'])} content types")


# -- verify: compare, resolve, render --------------------------------------------------------


class Checks:
    def __init__(self):
        self.failures: list[str] = []
        self.notes: list[str] = []

    def fail(self, message: str) -> None:
        self.failures.append(message)

    def note(self, message: str) -> None:
        self.notes.append(message)


def table_renames(before: dict, after: dict) -> dict[str, str]:
    """Old table -> new table, for every model (and auto-created m2m table) that the
    upgrade moved to another table, matched by the content type id that names it."""
    renames = {}
    for ct_id, old in before["models"].items():
        new = after["models"].get(ct_id)
        if new is None:
            continue
        renames[old["table"]] = new["table"]
        for field, table in old["m2m"].items():
            if field in new["m2m"]:
                renames[table] = new["m2m"][field]
    return {old: new for old, new in renames.items() if old != new}


def compare_tables(before, after, renames, checks: Checks) -> None:
    log("== Row counts (before = old code after seeding, after = new code after migrate)")
    width = max(len(t) + (len(renames[t]) + 4 if t in renames else 0)
                for t in list(before["counts"]) + list(after["counts"])) + 2
    log(f"   {'table':<{width}} {'before':>8} {'after':>8}  status")
    log(f"   {'-' * width} {'-' * 8} {'-' * 8}  {'-' * 30}")
    seen_after = set()
    for table, n_before in sorted(before["counts"].items()):
        new = renames.get(table, table)
        seen_after.add(new)
        n_after = after["counts"].get(new)
        shown = table if new == table else f"{table} -> {new}"
        if n_after is None:
            status = "FAIL: table is gone"
            checks.fail(f"table {table} does not exist after the upgrade"
                        + (f" (expected as {new})" if new != table else ""))
        elif n_after == n_before:
            status = "ok" + (" (renamed)" if new != table else "")
        elif table in MAY_GROW and n_after > n_before:
            status = f"grew by {n_after - n_before} (allowed: {MAY_GROW[table]})"
            checks.note(f"{table}: {n_before} -> {n_after} rows ({MAY_GROW[table]})")
        else:
            status = f"FAIL: {n_after - n_before:+d} rows"
            checks.fail(f"{table}: {n_before} rows before, {n_after} after")
        log(f"   {shown:<{width}} {n_before:>8} {'-' if n_after is None else n_after:>8}  {status}")
    for table in sorted(set(after["counts"]) - seen_after):
        log(f"   {table:<{width}} {'-':>8} {after['counts'][table]:>8}  new table")
        checks.note(f"new table {table} ({after['counts'][table]} rows)")
    total_before = sum(before["counts"].values())
    total_after = sum(after["counts"].values())
    log(f"   {'total':<{width}} {total_before:>8} {total_after:>8}")

    # The values themselves, column by column: a count can hide a rewritten column.
    changed = []
    for table, columns in sorted(before["checksums"].items()):
        new = renames.get(table, table)
        if table in MAY_GROW or new not in after["checksums"]:
            continue
        gone = [c for c in columns if c not in after["checksums"][new]]
        differ = [c for c, digest in columns.items()
                  if c not in gone and after["checksums"][new][c] != digest]
        if gone:
            changed.append(f"{new}: column(s) gone: {', '.join(gone)}")
        for column in [c for c in differ if (new, c) in MAY_CHANGE]:
            differ.remove(column)
            checks.note(f"{new}.{column} rewritten: {MAY_CHANGE[(new, column)]}")
        if differ:
            changed.append(f"{new}: values differ in {len(differ)} of {len(columns)} "
                           f"column(s): {', '.join(differ)}")
    for table in before["kept_rows"]:
        old_rows = {tuple(r) for r in before["kept_rows"][table]}
        new_rows = {tuple(r) for r in after["kept_rows"][table]}
        lost = sorted(old_rows - new_rows)
        if lost:
            changed.append(f"{table}: {len(lost)} rows gone or changed, e.g. {list(lost[0])}")
    log("== Column values (per-column checksums of every table, old rows of the growing ones)")
    if changed:
        for line in changed:
            log(f"   FAIL: {line}")
            checks.fail(line)
    else:
        log(f"   ok: every column of {len(before['checksums']) - len(MAY_GROW)} tables holds "
            f"the same values; every old row of {', '.join(sorted(MAY_GROW))} is kept")


def compare_content_types(before, after, checks: Checks) -> None:
    from django.contrib.contenttypes.models import ContentType

    log("== Content types (ids kept, still resolving to a model with the new code)")
    ContentType.objects.clear_cache()
    moved, bad = [], []
    by_model = {}
    for ct_id, (app, model) in after["content_types"].items():
        by_model.setdefault(model, []).append((ct_id, app))
    for ct_id, (app, model) in sorted(before["content_types"].items(), key=lambda i: int(i[0])):
        now = after["content_types"].get(ct_id)
        if now is None:
            bad.append(f"content type {ct_id} ({app}.{model}) is gone")
            continue
        if now[1] != model:
            bad.append(f"content type {ct_id} was {app}.{model}, is now {now[0]}.{now[1]}")
            continue
        if now[0] != app:
            moved.append(f"{ct_id}: {app}.{model} -> {now[0]}.{model}")
        if ct_id in before["models"]:
            resolved = ContentType.objects.get_for_id(int(ct_id)).model_class()
            if resolved is None:
                others = [f"{i} ({a}.{model})" for i, a in by_model.get(model, []) if i != ct_id]
                bad.append(
                    f"content type {ct_id} ({now[0]}.{model}) no longer resolves to a model"
                    + (f"; the upgrade made another one instead: {', '.join(others)} - the rows "
                       f"pointing at {ct_id} (audit, roles, permissions) are orphaned"
                       if others else ""))
    for line in moved:
        log(f"   moved: {line}")
    new_cts = sorted(set(after["content_types"]) - set(before["content_types"]), key=int)
    for ct_id in new_cts:
        app, model = after["content_types"][ct_id]
        log(f"   new: {ct_id}: {app}.{model}")
        checks.note(f"new content type {ct_id} ({app}.{model})")
    for line in bad:
        log(f"   FAIL: {line}")
        checks.fail(line)
    if not bad:
        log(f"   ok: all {len(before['content_types'])} content type ids kept, "
            f"{len(moved)} moved to another app, every model still resolves")


def compare_references(before, after, renames, checks: Checks) -> None:
    """Audit entries, role assignments, alerts, permissions, admin log: every content
    type they use resolves with the new code, per content type the same number of rows,
    and no more rows than before point at an object that is not there."""
    from django.contrib.contenttypes.models import ContentType

    log("== Rows pointing at a content type (audit entries, role assignments, alerts, ...)")
    # Shown per content type: the audit log and the role assignments, wherever they live.
    detailed = {m["table"] for m in before["models"].values()
                if m["label"].endswith((".AuditEntry", ".RoleAssignment"))}
    for key, old_usage in sorted(before["ct_usage"].items()):
        table, column = key.rsplit(".", 1)
        new_key = f"{renames.get(table, table)}.{column}"
        new_usage = after["ct_usage"].get(new_key)
        if new_usage is None:
            checks.fail(f"{new_key} (content type reference) is gone")
            log(f"   FAIL: {new_key} is gone")
            continue
        problems = []
        for ct_id in sorted(set(old_usage) | set(new_usage), key=int):
            n_old, n_new = old_usage.get(ct_id, 0), new_usage.get(ct_id, 0)
            app_model = ".".join(after["content_types"].get(ct_id) or ["?", "?"])
            model = None
            if n_new:
                try:
                    model = ContentType.objects.get_for_id(int(ct_id)).model_class()
                except ContentType.DoesNotExist:
                    model = None
                if model is None:
                    problems.append(f"{n_new} rows use content type {ct_id} ({app_model}), "
                                    f"which resolves to no model")
            if n_old != n_new and not (table in MAY_GROW and n_new > n_old):
                problems.append(f"content type {ct_id} ({app_model}): {n_old} rows before, "
                                f"{n_new} after")
            old_dangling = before["dangling"].get(f"{table}|{ct_id}", 0)
            new_dangling = after["dangling"].get(f"{renames.get(table, table)}|{ct_id}")
            if (table in before["object_tables"] and n_new and model is not None
                    and new_dangling is None):
                problems.append(f"content type {ct_id} ({app_model}): objects not checkable")
            elif new_dangling is not None and new_dangling > old_dangling:
                problems.append(f"content type {ct_id} ({app_model}): {new_dangling} rows "
                                f"point at a missing object (before: {old_dangling})")
        total = sum(new_usage.values())
        if problems:
            for line in problems:
                log(f"   FAIL: {new_key}: {line}")
                checks.fail(f"{new_key}: {line}")
        else:
            log(f"   ok: {new_key}: {total} rows over {len(new_usage)} content types, all resolve")
        if column == "content_type_id" and table in detailed:
            names = {}
            for ct_id in sorted(set(old_usage) | set(new_usage), key=int):
                was = ".".join(before["content_types"].get(ct_id) or ["?", "?"])
                now = ".".join(after["content_types"].get(ct_id) or ["?", "?"])
                names[ct_id] = f"{ct_id} {was}" + ("" if was == now else f" -> {now}")
            width = max(len(name) for name in names.values()) + 2
            log(f"      {'content type':<{width}} {'before':>7} {'after':>7}")
            for ct_id, name in names.items():
                log(f"      {name:<{width}} {old_usage.get(ct_id, 0):>7} "
                    f"{new_usage.get(ct_id, 0):>7}")


def compare_schema(before, after, renames, checks: Checks) -> None:
    log("== Sequences and constraints")
    bad = []
    for table, seq in sorted(after["sequences"].items()):
        if seq["max_id"] is not None and seq["next"] <= seq["max_id"]:
            bad.append(f"{table}: the id sequence {seq['sequence']} would hand out "
                       f"{seq['next']}, but max(id) is {seq['max_id']}")
    for table, kinds in sorted(before["constraints"].items()):
        new = renames.get(table, table)
        now = after["constraints"].get(new, {})
        for kind, n in sorted(kinds.items()):
            if now.get(kind, 0) < n:
                name = {"p": "primary key", "f": "foreign key", "u": "unique (index)",
                        "c": "check",
                        "f(composite)": "composite (same-organisation) foreign key",
                        "x": "exclusion"}.get(kind, kind)
                bad.append(f"{new}: {name} constraints {n} -> {now.get(kind, 0)}")
    for line in bad:
        log(f"   FAIL: {line}")
        checks.fail(line)
    if not bad:
        n_constraints = sum(sum(k.values()) for k in after["constraints"].values())
        log(f"   ok: {len(after['sequences'])} id sequences ahead of their max(id); no table "
            f"lost a constraint ({n_constraints} in all)")


def check_pages(before, extras, checks: Checks) -> None:
    from django.conf import settings
    from django.test import Client
    from django.urls import reverse

    log("== Pages after the upgrade (Django test client, new code)")
    host = next((h.lstrip(".") for h in settings.ALLOWED_HOSTS if h not in ("*", "")), "localhost")
    client = Client(HTTP_HOST=host)
    # Through the login form, as a person logs in: the lockout backend needs the request
    # (Client.login calls authenticate() without one).
    response = client.post(
        reverse("login"), {"username": extras["username"], "password": extras["password"]}
    )
    if response.status_code != 302 or "_auth_user_id" not in client.session:
        checks.fail(f"cannot log in as {extras['username']} with the demo password")
        log(f"   FAIL: login as {extras['username']} ({response.status_code})")
        return
    log(f"   logged in as {extras['username']} (host {host})")
    objects = extras["objects"]
    try:
        from kitos.detail import HISTORY_PAGE_SIZE as page_size
    except ImportError:
        page_size = None

    def get(what, url_name, *, args=(), kwargs=None, query="", texts=(), history=None,
            api_key=None):
        try:
            url = reverse(url_name, args=args, kwargs=kwargs) + query
        except Exception as exc:  # NoReverseMatch and the like
            checks.fail(f"{what}: cannot reverse {url_name!r}: {exc}")
            log(f"   FAIL: {what}: reverse({url_name!r}): {exc}")
            return
        try:
            if api_key:
                response = Client(HTTP_HOST=host).get(
                    url, HTTP_AUTHORIZATION=f"Bearer {api_key}")
            else:
                response = client.get(url)
        except Exception:
            checks.fail(f"{what}: GET {url} raised")
            log(f"   FAIL: {what}: GET {url} raised\n" + traceback.format_exc())
            return
        problems = []
        if response.status_code != 200:
            problems.append(f"status {response.status_code}")
        body = response.content.decode(errors="replace")
        problems += [f"{text!r} missing" for text in texts if text not in body]
        detail = ""
        if history is not None and response.status_code == 200:
            match = re.search(r'<ol class="history">(.*?)</ol>', body, re.S)
            shown = len(re.findall(r"<li[\s>]", match.group(1))) if match else 0
            expected = min(history, page_size) if page_size else None
            detail = f", {shown} history entries (audit rows before the upgrade: {history})"
            if shown == 0:
                problems.append("the history shows no entry")
            elif expected is not None and shown != expected:
                problems.append(f"the history shows {shown} entries, expected {expected}")
        if api_key and response.status_code == 200:
            data = response.json()
            if isinstance(data, dict):
                n = data.get("count", len(data.get("results", [])))
            else:
                n = len(data)
            detail = f", {n} objects"
            if not n:
                problems.append("no objects in the API response")
        if problems:
            checks.fail(f"{what} ({url}): {'; '.join(problems)}")
            log(f"   FAIL: {what} {url}: {'; '.join(problems)}")
        else:
            log(f"   ok: {what} {url} (200{detail})")

    slug = extras["organisation"]
    contract, supplier = objects["contract"], objects["supplier"]
    get("dashboard", "dashboard", args=[slug])
    get("contract history", "contract_detail", kwargs={"uuid": contract["uuid"]},
        query="?tab=historik", texts=("Oprettet", "Ændret", extras["supplier_name"]),
        history=before["history"].get("contract"))
    get("contract overview", "contract_detail", kwargs={"uuid": contract["uuid"]},
        texts=(extras["supplier_name"],))
    get("supplier history", "supplier_detail", kwargs={"uuid": supplier["uuid"]},
        query="?tab=historik", texts=("Oprettet", "Ændret"))
    get("contract list", "contract_list")
    get("notifications", "notification_list")
    get("alert rules", "alert_rule_list", args=[slug])
    get("import run", "import_run_detail", kwargs={"uuid": objects["import_run"]["uuid"]})
    get("API tokens", "api_token_list", texts=(extras["api_token_name"],))
    get("API contracts (token)", "contract-list", api_key=extras["api_key"])
    get("API suppliers (token)", "supplier-list", api_key=extras["api_key"])


def cmd_verify(args) -> None:
    setup_django(args.tree)
    before = json.loads(Path(args.before).read_text())
    extras = json.loads(Path(args.extras).read_text())
    after = take_snapshot(extras)
    Path(args.out).write_text(json.dumps(after, indent=1, sort_keys=True))

    checks = Checks()
    renames = table_renames(before, after)
    if renames:
        log("== Tables the upgrade renamed (matched by content type)")
        for old, new in sorted(renames.items()):
            log(f"   {old} -> {new}")
    compare_tables(before, after, renames, checks)
    compare_content_types(before, after, checks)
    compare_references(before, after, renames, checks)
    compare_schema(before, after, renames, checks)
    check_pages(before, extras, checks)

    if checks.notes:
        log("== Allowed differences")
        for line in checks.notes:
            log(f"   {line}")
    if checks.failures:
        log(f"== FAILED: {len(checks.failures)} problems")
        for line in checks.failures:
            log(f"   - {line}")
        sys.exit(1)
    log("== Verified: no row, column value, content type or reference lost")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    prepare = sub.add_parser("prepare")
    prepare.add_argument("--tree", required=True)
    prepare.add_argument("--extras", required=True)
    snapshot = sub.add_parser("snapshot")
    snapshot.add_argument("--tree", required=True)
    snapshot.add_argument("--extras")
    snapshot.add_argument("--out", required=True)
    verify = sub.add_parser("verify")
    verify.add_argument("--tree", required=True)
    verify.add_argument("--extras", required=True)
    verify.add_argument("--before", required=True)
    verify.add_argument("--out", required=True)
    args = parser.parse_args()
    {"prepare": cmd_prepare, "snapshot": cmd_snapshot, "verify": cmd_verify}[args.command](args)


if __name__ == "__main__":
    main()
