"""The delete confirmation's summary (kitos.deletion) says what Django's deletion
collector would: the same kinds and counts that go with the object, the same objects
that hold it, in one counting statement plus one per blocking kind."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kitos.deletion import _collected_summary, deletion_summary
from tests.test_portal_crawl import build_world

pytestmark = pytest.mark.django_db


def test_the_summary_is_the_collectors_for_every_object_of_the_world(org, other_org,
                                                                      admin_user, outsider):
    world = build_world(org, admin_user)
    build_world(other_org, outsider)
    compared = 0
    for obj in world.objects.values():
        if not hasattr(obj, "pk") or obj.pk is None:
            continue
        removed, protected = deletion_summary(obj, admin_user)
        collected_removed, collected_protected = _collected_summary(obj, admin_user)
        assert protected == collected_protected, obj
        # The page lists what goes with the object only when nothing holds it (the
        # collector stops following a branch where it meets a protected object).
        if not protected:
            assert removed == collected_removed, obj
        compared += 1
    assert compared > 10


def test_the_summary_costs_one_query_and_one_per_blocking_kind(org, admin_user):
    world = build_world(org, admin_user)
    usage = world.objects["usage"]
    with CaptureQueriesContext(connection) as queries:
        removed, protected = deletion_summary(usage, admin_user)
    blocking_kinds = {item.split(":")[0] for item in protected}
    assert removed or protected
    assert len(queries) == 1 + len(blocking_kinds)
