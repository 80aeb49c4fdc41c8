"""Keeping the stored work list (``cases.models.work``) equal to the live one.

- ``work_list_rebuild(day)``: the whole province's list of ``day``, computed in one statement and written in place of
  the stored rows (``cases.tasks.rebuild_work_list`` every quarter of an hour, ``seed_demo``, a changed rule).
- A write to a model a work source reads (``cases.selectors.register_work_source``) marks its person; once the
  transaction commits, that person's rows are computed again (``work_list_refresh``), as of the stored day. Writes
  that bypass ``save()`` (the roster import's bulk load) mark their persons with ``work_list_changed``.
- A refresh that fails drops the stored day: pages compute the list live until the next rebuild. (A process killed
  between a commit and its refresh loses its marks: those persons' rows stay stale until the next rebuild, within
  a quarter of an hour.)

On PostgreSQL a rebuild holds an exclusive advisory lock and a refresh a shared one and a lock per person (in id
order), each taken before the statement that reads, so that two writers never store an older computation over a
newer one. SQLite writes one transaction at a time.
"""

import contextlib
import datetime as dt
import logging
import threading
from collections.abc import Iterable

from django.db import DatabaseError, connection, transaction
from django.db.models.signals import post_delete, post_migrate, post_save
from django.dispatch import receiver

from sunshine.access import SYSTEM

from ..models import ScheduleRule, WorkDue, WorkListDay
from ..selectors import live_work_rows

log = logging.getLogger(__name__)
WORK_LOCK = 2011_109  # the advisory locks' first key (the snapshots' is 2011_108); the second: 0 or a person
COLUMNS = "due_on, name, person_id, kind"  # in the order of ``cases.selectors.WORK_ROW``


def work_list_rebuild(day: dt.date) -> int:
    """Store the work list of ``day`` for the whole province; returns the number of items."""
    with transaction.atomic():
        _lock(0, shared=False)
        WorkDue.objects.all().delete()
        stored = _insert(live_work_rows(user=SYSTEM, today=day).order_by())  # (a table's rows have no order)
        WorkListDay.objects.all().delete()
        WorkListDay.objects.create(day=day)
    return stored


REFRESH_CHUNK = 500  # persons a transaction refreshes (and holds a lock each for: PostgreSQL's lock table is finite)


def work_list_refresh(person_ids: Iterable[int]) -> None:
    """Compute the stored items of these persons again, as of the stored day (nothing while none is stored), a few
    hundred persons a transaction."""
    ids = sorted(set(person_ids))
    for start in range(0, len(ids), REFRESH_CHUNK):
        chunk = ids[start : start + REFRESH_CHUNK]
        with transaction.atomic():
            _lock(0, shared=True)
            day = WorkListDay.objects.values_list("day", flat=True).first()
            if day is None:
                return
            _lock_persons(chunk)
            WorkDue.objects.filter(person_id__in=chunk).delete()
            _insert(live_work_rows(user=SYSTEM, today=day, persons=chunk).order_by())


def work_list_changed(person_ids: Iterable[int]) -> None:
    """These persons' items may have changed: refresh them once the current transaction commits (at once outside
    one). A transaction's marks are refreshed together, after its commit."""
    _pending.ids.update(person_ids)
    transaction.on_commit(_flush, robust=True)  # (robust: a failure never stops the commit's other callbacks)


@contextlib.contextmanager
def work_list_batched():
    """The persons marked by the commits within the block are refreshed together at its end, not after each commit:
    a sync batch of 500 records, each saved in its own transaction, refreshes its persons in one go."""
    _pending.batches += 1
    try:
        yield
    finally:
        _pending.batches -= 1
        if not _pending.batches and not connection.in_atomic_block:  # (else at the enclosing commit)
            _flush()


def work_list_drop() -> None:
    """Forget the stored day: pages compute the list live until the next rebuild."""
    WorkListDay.objects.all().delete()


class _Pending(threading.local):
    ids: set
    batches: int  # ``work_list_batched`` blocks open

    def __init__(self):
        self.ids = set()
        self.batches = 0


_pending = _Pending()


def _flush() -> None:
    if _pending.batches:
        return  # at the batch's end
    ids, _pending.ids = _pending.ids, set()  # (marks of a transaction rolled back stay, and are refreshed too)
    if not ids:
        return  # an earlier callback of the same commit refreshed them
    try:
        work_list_refresh(ids)
    except Exception:  # the write itself is committed: never fail it, never leave its person's rows stale
        log.exception("work list refresh failed for %d persons: the list is computed live until rebuilt", len(ids))
        try:
            work_list_drop()
        except Exception:  # the database itself is gone: its rows stay until a rebuild (logged, for the operator)
            log.exception("the work list's day could not be dropped either: stale rows may show until rebuilt")


@receiver((post_save, post_delete), sender=ScheduleRule, dispatch_uid="work-list-schedule")
def _schedule_changed(**kwargs) -> None:
    """A schedule rule moves every measure's due dates: the list is computed live until it is rebuilt (after the
    commit: at once when Celery is eager, else by a worker)."""
    from ..tasks import rebuild_work_list

    work_list_drop()
    transaction.on_commit(rebuild_work_list.delay, robust=True)


@receiver(post_migrate, dispatch_uid="work-list-migrated")
def _migrated(**kwargs) -> None:
    """New code may compute other items (a changed rule, a new source): after ``migrate``, pages compute the list
    live until the next rebuild (``cases.tasks.rebuild_work_list``, within a quarter of an hour)."""
    if kwargs.get("app_config") is not None and kwargs["app_config"].label == "cases":
        with contextlib.suppress(DatabaseError):  # (the table not there yet: nothing stored to drop)
            WorkListDay.objects.using(kwargs.get("using", "default")).all().delete()


def _insert(rows) -> int:
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {WorkDue._meta.db_table} ({COLUMNS}) {sql}", params)
        return cursor.rowcount


def _lock_persons(ids: list[int]) -> None:
    """Each person's lock, in the (sorted) order given: one statement."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, id) FROM unnest(%s::int[]) AS id", [WORK_LOCK, ids])


def _lock(key: int, *, shared: bool) -> None:
    if connection.vendor == "postgresql":
        function = "pg_advisory_xact_lock_shared" if shared else "pg_advisory_xact_lock"
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {function}(%s, %s)", [WORK_LOCK, key])
