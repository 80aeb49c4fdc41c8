"""Personal records of the community detox and rehabilitation pathway (DESIGN §3)."""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from sunshine.access import Action, Scope, ScopedQuerySet
from sunshine.choices import Role
from sunshine.concurrency import Versioned
from sunshine.models import Region, TrigramIndex, prefix_index

from ..choices import Education, InfectionStatus, MaritalStatus, Sex, WorkCapacity
from ..id_numbers import mask_id_number

# Health-sensitive fields (HIV and other infections) are shown to these roles only (DESIGN §3).
HEALTH_READERS = {Role.TOWNSHIP_WORKER, Role.COUNTY_OFFICER}


class Person(Versioned):
    """A person registered as a drug user (吸毒人员), held by the township executing their measures."""

    id_number = models.CharField(_("ID number"), max_length=18, unique=True)
    name = models.CharField(_("name"), max_length=64)
    name_initials = models.CharField(_("pinyin initials"), max_length=64, blank=True, db_index=True, editable=False)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, editable=False)
    birth_date = models.DateField(_("birth date"), editable=False)
    ethnicity = models.CharField(_("ethnicity"), max_length=32, blank=True)
    education = models.CharField(_("education"), max_length=16, choices=Education.choices, blank=True)
    marital_status = models.CharField(_("marital status"), max_length=16, choices=MaritalStatus.choices, blank=True)
    household_address = models.CharField(_("household registration address"), max_length=200, blank=True)
    address = models.CharField(_("residence"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    township = models.ForeignKey(
        Region, models.PROTECT, related_name="persons", db_index=False, verbose_name=_("township")
    )
    drug_types = models.CharField(_("drug types"), max_length=200, blank=True)
    injecting = models.BooleanField(_("injects drugs"), default=False)
    first_use_on = models.DateField(_("first use date"), null=True, blank=True)
    registered_on = models.DateField(_("date first found"))
    guardian_name = models.CharField(_("guardian or family contact"), max_length=64, blank=True)
    guardian_phone = models.CharField(_("guardian phone"), max_length=32, blank=True)
    hiv_status = models.CharField(
        _("HIV status"), max_length=16, choices=InfectionStatus.choices, default=InfectionStatus.UNKNOWN
    )
    other_infections = models.CharField(_("other infectious diseases"), max_length=200, blank=True)
    work_capacity = models.CharField(_("work capacity"), max_length=16, choices=WorkCapacity.choices, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    # Sealed (封存, DESIGN §3b): the person and their records vanish from every list and page. The history of
    # sealing and unsealing is ``Sealing``; this flag is its current state, kept by ``cases.services.sealing``.
    sealed = models.BooleanField(_("sealed"), default=False, db_default=False, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(
        path="township",
        edit={Role.TOWNSHIP_WORKER, Role.COUNTY_OFFICER},
        actions={
            "transfer": Action({Role.TOWNSHIP_WORKER, Role.COUNTY_OFFICER}),  # start a transfer out
            "seal": Action({Role.COUNTY_OFFICER}),  # seal the file of a person with no active measure (§3b)
        },
    )
    seals_records = True  # sunshine.access: a sealed person's rows vanish from visible_to and editable_by

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        indexes = [
            # the persons of a region by id, sealed or not, from the index alone: a drill-down counts its stored rows
            # joined to these, and every scoped list of a county or a prefecture joins its rows to them (issue 17: a
            # county's drill-down count at 120 k persons 12.4 → 5.4 ms; its work list count 17.6 → 4.5 ms)
            prefix_index("township", "person_township_prefix", include=("id", "sealed")),
            models.Index(fields=ordering, name="person_list_order"),
            # a record joined to its person for the scope (the township, sealed or not) reads this, not the table
            # (issue 17: counting the province's stored work list, 170 → 50 ms); PostgreSQL only
            models.Index(fields=["id"], include=["township", "sealed"], name="person_scope"),
            # the sealed persons of a region, counted on every dashboard ("and N sealed"): a few among many
            models.Index(
                fields=["township"], opclasses=["varchar_pattern_ops"], condition=Q(sealed=True), name="person_sealed"
            ),
            # the search (cases.selectors.person_list): part of a name, the last digits of an ID number
            TrigramIndex(fields=["name"], name="person_name_trigram", opclasses=["gin_trgm_ops"]),
            TrigramIndex(fields=["id_number"], name="person_id_number_trigram", opclasses=["gin_trgm_ops"]),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("cases:person_detail", args=[self.pk])

    @property
    def masked_id(self) -> str:
        return mask_id_number(self.id_number)

    @staticmethod
    def granted_to(user):
        """The ids of the sealed persons ``user`` may read under an active lawful-query grant, as a subquery (None
        for roles that never hold one, so their queries carry no subquery)."""
        from .sealing import LawfulQuery

        if getattr(user, "role", None) not in LawfulQuery.scope.edit or not getattr(user, "pk", None):
            return None
        return LawfulQuery.objects.active_grants(user).values("person_id")
