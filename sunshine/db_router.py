"""Reports read from a PostgreSQL streaming replica; writes, and a user's reads after their own writes, stay on
the primary.

With ``REPLICA_DATABASE_URL`` set, settings add the ``replica`` database. A view that declares
``reads_replica = True`` (the dashboard, drill-downs, the bulletin, the assessment report, relapse outcomes and
their exports) reads from it for the whole request, the rendering included, through ``ReplicaRouter``. Everything
else reads the primary: person files, lists and work pages are what a worker acts on, bounded and indexed, and
must show another user's change of a second ago.

Read your writes: every write request (any method but GET, HEAD, OPTIONS, TRACE), and the page of a finished
background job, leaves a cookie holding the primary's WAL position after it (``pg_current_wal_lsn()``). A report
page reads the replica only once the replica has replayed that far (``pg_last_wal_replay_lsn()``: one question to
the replica per report page, asked whatever the cookie, so an unreachable replica sends the page to the primary
rather than failing it); the cookie is dropped once it has. A lagging replica therefore never shows users a page
missing their own last change, however long the lag, and nobody waits for it. Within a request, the first write
sends the rest of its reads to the primary too.

The session, the account and its second factor are loaded on the primary before the view runs, so signing out,
a deactivation or a changed password takes effect at once; the rows a report reads (its scope's lawful-query
grants among them) are as of the replica's replay position, normally well under a second behind.
"""

import contextvars
import logging
import re

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

REPLICA = "replica"
PIN_COOKIE = "sunshine_primary_lsn"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}
_LSN = re.compile(r"[0-9A-F]{1,8}/[0-9A-F]{1,8}")

logger = logging.getLogger(__name__)
_reading_replica = contextvars.ContextVar("reading_replica", default=False)


def read_alias() -> str:
    """The database reads go to now: the replica inside a replica-reading request (until it writes), else the
    primary. Raw SQL of reports takes its cursor from ``connections[read_alias()]``."""
    return REPLICA if _reading_replica.get() else DEFAULT_DB_ALIAS


class ReplicaRouter:
    """Reads where ``read_alias`` says, writes on the primary; migrations only on the primary (the replica is a
    physical copy of it); relations between rows of either database are allowed (they are the same rows)."""

    def db_for_read(self, model, **hints):
        return read_alias()

    def db_for_write(self, model, **hints):
        _reading_replica.set(False)  # a request that writes reads its own writes: the primary from here on
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, **hints):
        return db == DEFAULT_DB_ALIAS


def pin_to_primary(request) -> None:
    """Let ``request``'s user read the primary until the replica has replayed what is committed now (a write the
    user caused outside a write request: a background job's result)."""
    request.pin_to_primary = True


def replica_has_replayed(pin: str | None) -> bool:
    """Whether the replica answers and has replayed the primary's WAL up to ``pin`` (a position from the cookie;
    any position when there is none). False for a server that is not a standby."""
    position = pin if pin and _LSN.fullmatch(pin) else "0/0"
    try:
        with connections[REPLICA].cursor() as cursor:
            cursor.execute("SELECT COALESCE(pg_last_wal_replay_lsn() >= %s::pg_lsn, false)", [position])
            return cursor.fetchone()[0]
    except DatabaseError:
        logger.warning("the replica does not answer; reading from the primary", exc_info=True)
        return False


def primary_position() -> str:
    """The primary's WAL position now: everything committed so far lies before it."""
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        return cursor.fetchone()[0]


class ReplicaReadsMiddleware:
    """Runs the views that declare ``reads_replica`` on the replica when it has replayed the user's last write,
    and marks write requests with the primary's WAL position (see the module's docstring). Not loaded without a
    replica."""

    def __init__(self, get_response):
        if REPLICA not in settings.DATABASES:
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request):
        request.replica_token = None
        try:
            response = self.get_response(request)
        finally:
            if request.replica_token is not None:
                _reading_replica.reset(request.replica_token)
        if request.method not in SAFE_METHODS or getattr(request, "pin_to_primary", False):
            response.set_cookie(
                PIN_COOKIE, primary_position(), httponly=True, samesite="Lax", secure=settings.SESSION_COOKIE_SECURE
            )
        elif request.replica_token is not None and PIN_COOKIE in request.COOKIES:
            response.delete_cookie(PIN_COOKIE, samesite="Lax")  # the replica has caught up with the user
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        view = getattr(view_func, "view_class", view_func)
        if request.method not in SAFE_METHODS or not getattr(view, "reads_replica", False):
            return None
        if request.user.is_authenticated and replica_has_replayed(request.COOKIES.get(PIN_COOKIE)):
            request.replica_token = _reading_replica.set(True)
        return None
