"""Shared fixtures: two organisations with a member of each kind, and guards that make
CI fail when it is not running against the services it claims to test."""

from __future__ import annotations

import os

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from kitos.models import Organisation
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory


@pytest.fixture(autouse=True, scope="session")
def _require_ci_services(django_db_setup, django_db_blocker):
    """`.ci/run` sets KITOS_REQUIRE_POSTGRES: never silently test on SQLite there."""
    if os.environ.get("KITOS_REQUIRE_POSTGRES") == "1":
        assert connection.vendor == "postgresql", (
            f"KITOS_REQUIRE_POSTGRES=1 but the suite runs on {connection.vendor}"
        )


@pytest.fixture
def org(db):
    return OrganisationFactory(name="Demo Testkommune", slug="demo-test")


@pytest.fixture
def other_org(db):
    return OrganisationFactory(name="Nabo Testkommune", slug="nabo-test")


def _member(organisation, role, username):
    return MembershipFactory(
        organisation=organisation, role=role, user=UserFactory(username=username)
    ).user


@pytest.fixture
def reader(org):
    return _member(org, "reader", "reader")


@pytest.fixture
def editor(org):
    return _member(org, "editor", "editor")


@pytest.fixture
def admin_user(org):
    return _member(org, "admin", "org-admin")


@pytest.fixture
def outsider(other_org):
    """An editor of the other organisation: must see nothing of `org`."""
    return _member(other_org, "editor", "outsider")


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True)


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the portal's default language: a request with another
    Accept-Language leaves its language active in the thread, and a later test reading
    messages outside a request would otherwise depend on which test ran before it."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fresh_login_counters():
    """Failed API authentications and password reset requests are counted per client in
    the cache (kitos.login.throttles), and every test client is 127.0.0.1: without a
    fresh cache, one test's deliberate failures would throttle the next test. (Lockout
    counts live in the database and roll back with each test.)"""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _fresh_option_caches():
    """The option lists are cached per process (kitos.options); a test's changes roll
    back, the caches would not."""
    from kitos import options

    options.forget_standard_choices()
    yield
    options.forget_standard_choices()


def _restore_reference_data() -> None:
    """What the data migrations created (standard role types, disciplines, data
    categories, option lists); idempotent."""
    from django.apps import apps

    from gdpr.reference import ensure_data_categories
    from kitos.options import ensure_options, kinds
    from roles.reference import ensure_disciplines_and_role_types

    ensure_disciplines_and_role_types(apps)
    ensure_data_categories(apps)
    ensure_options(apps, kinds())


def _flushes_the_database(item) -> bool:
    """Transactional tests (live server, real worker) empty every table afterwards."""
    marker = item.get_closest_marker("django_db")
    if marker and marker.kwargs.get("transaction"):
        return True
    return bool({"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ())))


@pytest.fixture(autouse=True)
def _reference_data_in_transactional_tests(request):
    """Transactional tests flush the database afterwards, which also removes the
    reference data of the data migrations; a transactional test may come after another
    one on the same worker, so put it back for it too."""
    marker = request.node.get_closest_marker("django_db")
    if not (marker and marker.kwargs.get("transaction")):
        return
    request.getfixturevalue("transactional_db")
    _restore_reference_data()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After a transactional test's flush, put the reference data back (committed): with
    pytest-xdist, each worker runs whole modules in turn, so an ordinary test may come
    after a transactional one and expects what the migrations created."""
    yield
    # The last test of a process has no next test, and the test database is gone by
    # now (its session teardown ran): nothing to restore, and nowhere to.
    if nextitem is not None and _flushes_the_database(item):
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            _restore_reference_data()


@pytest.fixture(scope="session")
def demo(django_db_setup, django_db_blocker):
    """The demo organisation (seed_demo). Seeding takes a minute, so it happens once per
    test process, in a transaction the end of the session rolls back. The tests that use
    it run last (pytest_collection_modifyitems below), so no other test ever sees the
    demo; each of them runs in its own savepoint inside it, rolled back as usual."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", verbosity=0)
        yield Organisation.objects.get(slug="demo")
        transaction.set_rollback(True)


def _uses_the_session_demo(item) -> bool:
    """Whether the test's `demo` is the session's seeded demo above (some modules and
    folders define a function-scoped `demo` of their own, built with factories)."""
    info = getattr(item, "_fixtureinfo", None)
    definitions = info.name2fixturedefs.get("demo") if info else None
    return bool(definitions) and definitions[-1].scope == "session"


def pytest_itemcollected(item):
    """`make test` runs pytest-xdist with --dist loadgroup --no-loadscope-reorder: the
    demo tests form one group, run by one worker, which seeds the demo once; every other
    test goes with its module, so a module's own expensive fixtures run once. Groups are
    handed out in collection order, so the demo group comes last."""
    group = "demo" if _uses_the_session_demo(item) else item.nodeid.split("::")[0]
    item.add_marker(pytest.mark.xdist_group(group))


@pytest.hookimpl(trylast=True)  # after pytest-django's own ordering (db tests first)
def pytest_collection_modifyitems(config, items):
    """The tests on the seeded demo go last, in their usual order: from the first of them
    to the end of the session the database holds the demo (see `demo`). pytest-xdist's
    loadgroup, without reordering, hands out the groups in this order, so the worker that
    takes the demo group has nothing else to run after it."""
    # Marked at collection (pytest_itemcollected); a stable sort keeps each one's order.
    items.sort(key=lambda item: any(
        mark.args == ("demo",) for mark in item.iter_markers("xdist_group")))
