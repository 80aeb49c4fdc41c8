"""The work list as stored rows (issue 17): what ``cases.selectors.live_work_rows`` computes for the whole province,
kept by ``cases.services.work_list`` so that an office's page reads a page of rows instead of computing every
township's list.

The rows are the list of one day, ``WorkListDay``: rebuilt from 00:01 every quarter of an hour, and each changed
person's rows computed again after every write that concerns them. A page asked for on another day (no rebuild yet
that day, or a failed refresh having dropped the day) computes the list live. A process that dies between a write's
commit and its refresh (the marks are in its memory) leaves that person's rows stale until the next rebuild.
"""

from django.db import models

from sunshine.access import Scope, ScopedQuerySet


class WorkDue(models.Model):
    """One item of the stored work list: ``kind`` is due for ``person`` on ``due_on``. Derived data, not audited:
    every one of them is computed from audited records."""

    person = models.ForeignKey("cases.Person", models.CASCADE, related_name="+")
    kind = models.CharField(max_length=32)
    due_on = models.DateField()
    name = models.CharField(max_length=64)  # the person's, for the list's order (earliest due, then by name)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(path="person__township")  # read as the records it comes from; changed by no one

    class Meta:
        indexes = [models.Index(fields=["due_on", "name", "person", "kind"], name="work_due_order")]

    def __str__(self):
        return f"{self.person_id} {self.kind} {self.due_on}"


class WorkListDay(models.Model):
    """The day the stored rows are the work list of (one row, or none while no list is stored)."""

    day = models.DateField()

    def __str__(self):
        return str(self.day)

    @classmethod
    def holds(cls, day) -> bool:
        return cls.objects.filter(day=day).exists()
