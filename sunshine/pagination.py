"""Pagination that never counts a whole province: at most ``BOUND`` + 1 rows from the start of the page asked for.

An exact count of a province's visits (millions) costs more than the page itself (issue 17). The paginators here
count the rows from the page's first one, stopping after ``BOUND`` + 1: up to that the count is exact; past it the
list has "more than" start + ``BOUND`` rows (``count_exact`` false), which is all a reader needs to narrow a search.
Pages past the bound still open: each counts from its own start.
"""

import contextlib

from django.core.paginator import EmptyPage, Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

BOUND = 10_000


class BoundedPaginator(Paginator):
    """A ``Paginator`` whose ``count`` is exact up to ``bound`` rows past the page's start (a page at least), else
    that bound plus one: "more than"."""

    bound = BOUND
    start = 0  # the first row of the page asked for (set by ``page`` before anything counts)
    farthest = 2**40  # no list has this many rows; past it a row number would overflow the database's OFFSET

    def __init__(self, *args, bound: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if bound is not None:  # (else the class's: what a test sets on the class holds for every list)
            self.bound = bound

    def page(self, number):
        with contextlib.suppress(TypeError, ValueError):  # not a number: validate_number refuses it
            start = (max(int(number), 1) - 1) * self.per_page
            if start > self.farthest:
                raise EmptyPage(self.error_messages["no_results"])
            if start != self.start:
                # counted before (``num_pages`` for "last"): count again from this page's first row
                self.start = start
                for counted in ("count", "num_pages"):
                    self.__dict__.pop(counted, None)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if self.count_exact and top + self.orphans >= self.count:
            top = self.count
        return self._get_page(self.object_list[bottom:top], number, self)

    @property
    def window(self) -> int:
        return max(self.bound, self.per_page)

    @cached_property
    def count(self) -> int:
        rows = self.object_list
        if isinstance(rows, QuerySet):
            rows = rows.order_by().values("pk")  # which rows fall in the window does not change how many do
        window = rows[self.start : self.start + self.window + 1]
        seen = window.count() if isinstance(window, QuerySet) else len(window)
        return self.start + seen

    @property
    def count_exact(self) -> bool:
        """False when the list goes on past the rows counted: there are more than ``shown_count``."""
        return self.count <= self.start + self.window

    @property
    def shown_count(self) -> int:
        """The count to show: exact, or the number the list goes past ("10,000+")."""
        return self.count if self.count_exact else self.count - 1


class BoundedPageNumberPagination(PageNumberPagination):
    """The API's pages (DESIGN: ``count``, ``next``, ``previous``, ``results``) with ``count_exact``: false when
    ``count`` is a bound the list goes past, not the number of rows."""

    django_paginator_class = BoundedPaginator

    def get_paginated_response(self, data):
        paginator = self.page.paginator
        return Response(
            {
                "count": paginator.shown_count,
                "count_exact": paginator.count_exact,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        schema = super().get_paginated_response_schema(schema)
        schema["properties"]["count_exact"] = {
            "type": "boolean",
            "description": f"false when the list goes on past `count` (counted to {BOUND:,} rows past the page)",
        }
        schema["required"] = [*schema.get("required", []), "count_exact"]
        return schema
