"""Skills training (技能培训): courses run by a provider in a county, and persons' enrolments in them."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cases.models.records import PersonRecord
from sunshine.access import Action, Scope, ScopedQuerySet
from sunshine.choices import Department, Role
from sunshine.models import Region, prefix_index
from sunshine.regions import RegionCode

from .choices import EnrolmentStatus, ProviderKind


class Course(models.Model):
    """A training course (培训班) run by a provider for a county: a skill, dates and hours."""

    provider_kind = models.CharField(_("provider kind"), max_length=16, choices=ProviderKind.choices)
    provider_name = models.CharField(_("provider"), max_length=100)
    skill = models.CharField(_("skill"), max_length=64, help_text=_("For example 电工, 厨师, 种养殖."))
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    hours = models.PositiveIntegerField(_("hours"), validators=[MinValueValidator(1)])
    region = models.ForeignKey(Region, models.PROTECT, related_name="courses", db_index=False, verbose_name=_("county"))
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True, validators=[MinValueValidator(1)])
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    # Not personal data: everyone signed in reads courses; county officers and HR staff change their region's.
    scope = Scope(
        path="region", public=True, edit={Role.COUNTY_OFFICER, Role.DEPARTMENT_STAFF}, departments=(Department.HR,)
    )

    class Meta:
        ordering = ["-start_date", "-id"]
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        indexes = [
            prefix_index("region", "course_region_prefix"),
            models.Index(fields=["skill"], name="course_skill"),
            models.Index(fields=ordering, name="course_list_order"),
        ]

    def __str__(self):
        return f"{self.skill} · {self.provider_name} ({self.start_date:%Y-%m-%d})"

    def get_absolute_url(self):
        return reverse("training:course_detail", args=[self.pk])

    def audit_region_code(self) -> str:
        """Audit entries about a course are filed under its county."""
        return self.region_id

    def clean(self):
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("A course cannot end before it starts.")})


class Enrolment(PersonRecord):
    """A person's enrolment in a course, with attendance, completion and certificate.

    An enrolment in a course of another county waits for the approval of the person's county office;
    one in the person's own county is approved when it is made.
    """

    course = models.ForeignKey(Course, models.PROTECT, related_name="enrolments", verbose_name=_("course"))
    enrolled_on = models.DateField(_("enrolled on"))
    status = models.CharField(
        _("status"), max_length=20, choices=EnrolmentStatus.choices, default=EnrolmentStatus.AWAITING_APPROVAL
    )
    approved_on = models.DateField(_("approved on"), null=True, blank=True, editable=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    attendance = models.PositiveIntegerField(_("hours attended"), default=0)
    completed = models.BooleanField(_("completed"), default=False)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    certificate_number = models.CharField(_("certificate number"), max_length=64, blank=True)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    # Township workers enrol their persons; HR department staff record attendance and completion.
    scope = Scope(
        path="person__township",
        edit={Role.TOWNSHIP_WORKER, Role.COUNTY_OFFICER, Role.DEPARTMENT_STAFF},
        departments=(Department.HR,),
        actions={"approve": Action({Role.COUNTY_OFFICER})},  # a course of another county: the person's county office
    )
    date_field = "enrolled_on"

    class Meta:
        ordering = ["-enrolled_on", "-id"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        default_related_name = "enrolments"
        constraints = [models.UniqueConstraint(fields=["person", "course"], name="one_enrolment_per_course")]
        indexes = [models.Index(fields=ordering, name="enrolment_list_order")]  # the list's order (issue 17)

    def __str__(self):
        return f"{self.person} · {self.course}"

    @property
    def crosses_counties(self) -> bool:
        """The course belongs to another county than the person's: the person's county approves."""
        return self.course.region_id != RegionCode(self.person.township_id).county

    @property
    def awaiting_approval(self) -> bool:
        return self.status == EnrolmentStatus.AWAITING_APPROVAL
