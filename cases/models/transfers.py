"""Change of the place of execution (执行地变更) from one township to another."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sunshine.access import Action, Scope, ScopedQuerySet
from sunshine.choices import Role
from sunshine.models import Region, prefix_index
from sunshine.regions import RegionCode

from ..choices import TransferStatus


def _holds(user, township_code: str) -> bool:
    """The township's worker, or the officer of its county: who speaks for one side of a transfer."""
    if user.role == Role.TOWNSHIP_WORKER:
        return user.region_id == township_code
    return user.role == Role.COUNTY_OFFICER and user.reaches(township_code)


def receiving(user, transfer: "Transfer") -> bool:
    return _holds(user, transfer.to_township_id)


def sending(user, transfer: "Transfer") -> bool:
    return _holds(user, transfer.from_township_id)


DECIDERS = frozenset({Role.TOWNSHIP_WORKER, Role.COUNTY_OFFICER})
OPEN = (TransferStatus.PENDING, TransferStatus.AWAITING_COUNTY)  # awaiting someone's decision
# the list's order: the open transfers before the decided ones, the newest first within each
OPEN_FIRST = (
    models.Case(models.When(status__in=OPEN, then=models.Value(0)), default=models.Value(1)),
    models.F("requested_on").desc(),
    models.F("id").desc(),
)


class TransferQuerySet(ScopedQuerySet):
    def open(self) -> "TransferQuerySet":
        return self.filter(status__in=OPEN)

    def open_first(self) -> "TransferQuerySet":
        return self.order_by(*OPEN_FIRST)


class Transfer(models.Model):
    """A transfer: started by the sending township, accepted by the receiving one, approved by the
    county office when the counties differ. Both sides see it while it is open; once accepted the
    person belongs to the receiving township and the sending side keeps only the transfer record.
    The measure's clock runs on; a new agreement is signed at the receiving township.
    """

    person = models.ForeignKey("cases.Person", models.PROTECT, related_name="transfers", verbose_name=_("person"))
    from_township = models.ForeignKey(
        Region, models.PROTECT, related_name="+", db_index=False, verbose_name=_("from township")
    )
    to_township = models.ForeignKey(
        Region, models.PROTECT, related_name="+", db_index=False, verbose_name=_("to township")
    )
    requested_on = models.DateField(_("requested on"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=TransferStatus.choices, default=TransferStatus.PENDING
    )
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    county_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    county_approved_on = models.DateField(_("county approved on"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    effective_on = models.DateField(_("effective on"), null=True, blank=True)
    decision_notes = models.CharField(_("decision notes"), max_length=200, blank=True)

    objects = TransferQuerySet.as_manager()
    scope = Scope(
        path="from_township",
        also=("to_township",),
        edit=DECIDERS,
        actions={
            "accept": Action(DECIDERS, rule=receiving),
            "approve": Action({Role.COUNTY_OFFICER}, rule=receiving),
            "reject": Action(
                DECIDERS, rule=lambda user, transfer: receiving(user, transfer) or sending(user, transfer)
            ),
        },
    )
    date_field = "requested_on"

    class Meta:
        ordering = ["-requested_on", "-id"]
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        indexes = [
            models.Index(fields=ordering, name="transfer_list_order"),  # the API's order (issue 17)
            models.Index(*OPEN_FIRST, name="transfer_open_first"),  # the list's
            prefix_index("from_township", "transfer_from_prefix"),
            prefix_index("to_township", "transfer_to_prefix"),
        ]

    def __str__(self):
        return f"{self.from_township} → {self.to_township}"

    @property
    def timeline_date(self):
        return self.effective_on or self.requested_on

    @property
    def crosses_counties(self) -> bool:
        return RegionCode(self.from_township_id).county != RegionCode(self.to_township_id).county

    @property
    def is_open(self) -> bool:
        return self.status in OPEN
