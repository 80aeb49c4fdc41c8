"""Sealed records (封存) and lawful queries (依法查询), DESIGN §3b.

The revised 《治安管理处罚法》 art. 136 (in force 2026-01-01) seals records of drug use: they are provided to no one
except state organs handling a case or units querying under state regulations. ``Person.sealed`` is the current
state, read by ``sunshine.access``; ``Sealing`` keeps its history and ``LawfulQuery`` the requests, decisions and
read-only grants that open one sealed file to one officer for at most seven days.
"""

import datetime as dt

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sunshine.access import Action, Scope, ScopedQuerySet
from sunshine.choices import OFFICES
from sunshine.models import Region, prefix_index

from ..choices import LegalBasis, QueryStatus, SealCause, UnsealCause

GRANT_DAYS = 7  # an approved lawful query opens the file for at most seven days


class Sealing(models.Model):
    """One period during which a person's file was sealed: when and why it began, and what ended it.

    A row without ``unsealed_on`` is the current seal. Rows are never deleted: the history is kept and audited.
    """

    person = models.ForeignKey("cases.Person", models.PROTECT, related_name="sealings", verbose_name=_("person"))
    sealed_on = models.DateField(_("sealed on"))
    cause = models.CharField(_("cause"), max_length=16, choices=SealCause.choices)
    reason = models.TextField(_("reason"), blank=True)
    sealed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+")
    unsealed_on = models.DateField(_("unsealed on"), null=True, blank=True)
    unseal_cause = models.CharField(_("unsealed by"), max_length=16, choices=UnsealCause.choices, blank=True)
    unseal_reason = models.TextField(_("unseal reason"), blank=True)
    unsealed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(path="person__township", edit=())

    class Meta:
        ordering = ["-sealed_on", "-id"]
        verbose_name = _("sealing")
        verbose_name_plural = _("sealings")
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=models.Q(unsealed_on__isnull=True), name="one_open_seal"
            )
        ]

    def __str__(self):
        return f"{self.get_cause_display()} {self.sealed_on}"


class LawfulQueryQuerySet(ScopedQuerySet):
    def active_grants(self, user) -> "LawfulQueryQuerySet":
        """Approved requests of ``user`` whose grant has not expired: the only way a sealed file is read."""
        return self.filter(requester=user, status=QueryStatus.APPROVED, expires_at__gt=timezone.now())


class LawfulQuery(models.Model):
    """A request to read one sealed person's file (依法查询), its decision and, when approved, the grant.

    ``region`` is the requester's region: the request is seen and decided by the officers whose region contains it
    (the same or a higher level). The requester never decides their own request. Its rows do not vanish with the
    sealed person (``seals=False``): the request is about the seal itself.
    """

    requester = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, models.PROTECT, related_name="+", db_index=False, verbose_name=_("region"))
    person = models.ForeignKey("cases.Person", models.PROTECT, related_name="lawful_queries")
    querying_unit = models.CharField(_("querying unit"), max_length=100)
    basis = models.CharField(_("legal basis"), max_length=16, choices=LegalBasis.choices)
    case_number = models.CharField(_("case number"), max_length=64, blank=True)
    regulation = models.CharField(_("state regulation"), max_length=200, blank=True)
    purpose = models.TextField(_("purpose"))
    days = models.PositiveSmallIntegerField(_("days of access"), default=GRANT_DAYS)
    status = models.CharField(_("status"), max_length=16, choices=QueryStatus.choices, default=QueryStatus.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True)
    decision_reason = models.TextField(_("decision reason"), blank=True)
    expires_at = models.DateTimeField(_("access until"), null=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)

    objects = LawfulQueryQuerySet.as_manager()
    scope = Scope(
        path="region",
        read=OFFICES,
        edit=OFFICES,
        # a second officer decides: never the requester (the region already makes them the same or a higher level)
        actions={"decide": Action(OFFICES, rule=lambda user, query: query.requester_id != user.pk)},
        seals=False,
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("lawful query")
        verbose_name_plural = _("lawful queries")
        indexes = [
            prefix_index("region", "lawfulquery_region_prefix"),
            models.Index(fields=["requester", "status", "expires_at"], name="lawfulquery_grant"),
        ]

    def __str__(self):
        return f"{_('lawful query')} #{self.pk}"

    def get_absolute_url(self):
        return reverse("cases:lawful_query_detail", args=[self.pk])

    @property
    def active(self) -> bool:
        return self.status == QueryStatus.APPROVED and self.expires_at is not None and self.expires_at > timezone.now()

    @property
    def grant_period(self) -> dt.timedelta:
        return dt.timedelta(days=min(self.days, GRANT_DAYS))
