"""The one vocabulary of regions: a statistical division code and what follows from it.

A code has 2 (province), 4 (prefecture), 6 (county) or 9 (township) digits, and a region contains another
when its code is a prefix of the other's. ``RegionCode`` is the only place that knows the lengths and slices
codes; ``Region`` (sunshine/models.py) answers the same questions by delegating here, ``within(path, region)``
is the one filter on a region's code, and ``ScopedQuerySet.within`` narrows scoped rows with it.
"""

from django.db.models import Q

from .choices import Level

LEVEL_OF_LENGTH = {2: Level.PROVINCE, 4: Level.PREFECTURE, 6: Level.COUNTY, 9: Level.TOWNSHIP}
LENGTH_OF_LEVEL = {level: length for length, level in LEVEL_OF_LENGTH.items()}


def code_of(region) -> str:
    """The code of ``region``: a ``Region`` (its ``code``) or a code as text, taken as it is."""
    return str(getattr(region, "code", region))


class RegionCode(str):
    """A statistical division code of 2, 4, 6 or 9 digits (``ValueError`` otherwise), with its place in the
    hierarchy: ``level``, the codes of the regions above it and ``contains``."""

    __slots__ = ()

    def __new__(cls, code):
        code = code_of(code)
        if len(code) not in LEVEL_OF_LENGTH or not code.isdigit():
            raise ValueError(f"{code!r} is not a region code of 2, 4, 6 or 9 digits")
        return super().__new__(cls, code)

    @property
    def level(self) -> Level:
        return LEVEL_OF_LENGTH[len(self)]

    @property
    def is_township(self) -> bool:
        return self.level == Level.TOWNSHIP

    def at(self, level: Level) -> "RegionCode | None":
        """The code of the region of ``level`` that contains this one: itself at its own level, None when this region
        lies above ``level`` (a prefecture has no county)."""
        length = LENGTH_OF_LEVEL[level]
        return RegionCode(self[:length]) if len(self) >= length else None

    @property
    def province(self) -> "RegionCode":
        return self.at(Level.PROVINCE)

    @property
    def prefecture(self) -> "RegionCode | None":
        """The prefecture's code (this code for a prefecture; None for the province)."""
        return self.at(Level.PREFECTURE)

    @property
    def county(self) -> "RegionCode | None":
        """The county's code (this code for a county; None for a prefecture or the province)."""
        return self.at(Level.COUNTY)

    @property
    def lineage(self) -> tuple["RegionCode", ...]:
        """This code and those of every region above it, the nearest first (township, county, prefecture,
        province)."""
        codes = (self.at(level) for level in reversed(LEVEL_OF_LENGTH.values()))
        return tuple(code for code in codes if code is not None)

    def contains(self, other) -> bool:
        """Whether the region ``other`` (a Region, a RegionCode or a code) lies within this one (itself included)."""
        return code_of(other).startswith(self)


def within(path: str, region) -> Q:
    """Rows whose region, reached along the relation ``path`` ("" for a Region itself), lies within ``region``
    (a Region or a code). Django trims the join: ``<path>_id LIKE '<code>%'``, served by a prefix index."""
    lookup = f"{path}__code__startswith" if path else "code__startswith"
    return Q(**{lookup: code_of(region)})
