"""Reading the API's lists from a PostgreSQL read replica.

Integrations page through whole lists (every usage, every contract) every night; on a
national installation that read load is most of the database's work. With
``DATABASE_REPLICA_URL`` set, the rows of the API's list endpoints (``GET
/api/v1/<resource>/``, the change feed included) are read from the replica and the
primary keeps the portal and every write. Nothing else is routed:

* writes, pages, object reads (``GET …/{id}/``, whose ETag a client sends back as
  If-Match) and everything outside a list request read from the primary;
* who the caller is and what they may see (users, sessions, API tokens, memberships,
  lockouts) is always read from the primary, so that a revoked token or a removed
  membership stops working at once rather than after the replica's lag.

A replica lags its primary by a moment; a sync client reading a list right after its own
write may miss that write for that moment. ``changed_since`` (with the small overlap the
README recommends) picks it up on the next run.
"""

from __future__ import annotations

import contextlib
import contextvars

from django.conf import settings

REPLICA = "replica"

_reading_lists = contextvars.ContextVar("kitos_reading_lists_from_replica", default=False)

# Identity and rights: read where they are written, never a moment old.
PRIMARY_ONLY_APPS = frozenset({
    "auth", "sessions", "axes", "otp_totp", "otp_static", "django_otp", "admin",
    "contenttypes",
})
PRIMARY_ONLY_MODELS = frozenset({("kitos", "membership"), ("kitos", "apitoken")})


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


@contextlib.contextmanager
def lists_from_replica():
    """Inside this block, reads of domain models go to the replica (when configured)."""
    token = _reading_lists.set(True)
    try:
        yield
    finally:
        _reading_lists.reset(token)


class ReadReplicaRouter:
    """Routes the reads of an API list request to the replica; everything else, and
    every migration, to the primary (``default``)."""

    def db_for_read(self, model, **hints):
        if not _reading_lists.get() or not replica_configured():
            return None
        meta = model._meta
        if meta.app_label in PRIMARY_ONLY_APPS or (
            (meta.app_label, meta.model_name) in PRIMARY_ONLY_MODELS
        ):
            return "default"
        return REPLICA

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        # The replica holds the same rows as the primary: objects read from either may
        # point at each other.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # The replica follows the primary by PostgreSQL replication, not by migrations.
        return db == "default"


class ReadReplicaMiddleware:
    """Marks a ``GET``/``HEAD`` of an API list endpoint as readable from the replica.

    Decided from the resolved URL (DRF's routers name list routes ``<basename>-list``),
    so resources need no code of their own and a new one is covered when it is
    registered.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            return self.get_response(request)
        finally:
            token = getattr(request, "_kitos_replica_token", None)
            if token is not None:
                _reading_lists.reset(token)

    def process_view(self, request, view_func, view_args, view_kwargs):
        # Set here and reset in __call__ (same thread, same context) rather than calling
        # the view from here: a view called from process_view would skip the other
        # middleware's process_exception (a cancelled query's 503 would become a 500).
        if not replica_configured() or request.method not in ("GET", "HEAD"):
            return None
        match = request.resolver_match
        if match is None or not request.path.startswith("/api/"):
            return None
        if (match.url_name or "").endswith("-list"):
            request._kitos_replica_token = _reading_lists.set(True)
        return None
