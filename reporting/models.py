"""Assessment-side records. Pairing responsibility (帮扶责任制): committee member units paired with regions."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sunshine.access import Action, Scope, ScopedQuerySet
from sunshine.choices import OFFICES, Level, Role
from sunshine.models import Region, prefix_index


class Pairing(models.Model):
    """A member unit of the anti-drug committee paired with a region it helps (shown in assessment reports)."""

    unit = models.CharField(_("member unit"), max_length=100)
    region = models.ForeignKey(Region, models.PROTECT, related_name="+", verbose_name=_("region"))
    since = models.DateField(_("paired since"))
    until = models.DateField(_("paired until"), null=True, blank=True)
    responsibilities = models.TextField(_("responsibilities"), blank=True)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(path="region", public=True, edit={Role.PROVINCE_OFFICER})

    class Meta:
        ordering = ["region", "unit"]
        verbose_name = _("pairing")
        verbose_name_plural = _("pairings")

    def __str__(self):
        return f"{self.unit} → {self.region}"


def figure_value(numerator: int, denominator: int | None) -> float | int | None:
    """A figure's value: a count's numerator, a rate's numerator / denominator (None when the denominator is 0)."""
    if denominator is None:
        return numerator
    return numerator / denominator if denominator else None


class IndicatorSnapshot(models.Model):
    """One indicator of one region on one date (DESIGN §4): numerator and denominator (none for counts).

    Not personal data. Written only by ``reporting.snapshots.snapshots_compute``, a date at a time.
    """

    date = models.DateField(_("date"))
    region = models.ForeignKey(Region, models.PROTECT, related_name="+", verbose_name=_("region"))
    indicator = models.CharField(_("indicator"), max_length=32)
    numerator = models.IntegerField(_("numerator"))
    denominator = models.IntegerField(_("denominator"), null=True)

    # Aggregates, not personal data, but a region's figures are for the staff of that region and above. The offices
    # also read them as reports: the dashboard, the bulletin and the assessment report.
    objects = ScopedQuerySet.as_manager()
    scope = Scope(path="region", edit=(), actions={"report": Action(OFFICES)})

    class Meta:
        ordering = ["date", "region", "indicator"]
        verbose_name = _("indicator snapshot")
        verbose_name_plural = _("indicator snapshots")
        constraints = [models.UniqueConstraint(fields=["date", "region", "indicator"], name="one_snapshot_per_figure")]
        # a region's latest date (the dashboard's and the bulletin's "as of"): an index-only read, not a scan
        indexes = [models.Index(fields=["region", "-date"], name="snapshot_region_date")]

    def __str__(self):
        return f"{self.date} {self.region_id} {self.indicator}"

    @property
    def value(self):
        return figure_value(self.numerator, self.denominator)


class ClassedPerson(models.Model):
    """One person as the figures of ``date`` class them: the ``classed`` row of the facts statement
    (``reporting.indicators``) that those figures sum, stored by the run that stored them. A drill-down of that date
    lists and counts these rows instead of recomputing every person of its region. Kept for the latest date only;
    derived data, not audited (computed from audited records)."""

    date = models.DateField()
    person = models.ForeignKey("cases.Person", models.CASCADE, related_name="+")
    township = models.CharField(max_length=12)  # the township on ``date`` (a transfer since may have moved them)
    deceased = models.PositiveSmallIntegerField()
    departed = models.PositiveSmallIntegerField()
    lost = models.PositiveSmallIntegerField()
    active = models.PositiveSmallIntegerField()
    community = models.PositiveSmallIntegerField()
    placed = models.PositiveSmallIntegerField()
    is_urban = models.BooleanField()
    orders_due = models.PositiveSmallIntegerField()
    reported_in_time = models.PositiveSmallIntegerField()
    abstinent = models.PositiveSmallIntegerField()

    objects = ScopedQuerySet.as_manager()
    scope = Scope(path="person__township", edit=())  # read as the person's records; changed by no one

    class Meta:
        indexes = [
            models.Index(
                fields=["date", "township", "person"], name="classed_region", opclasses=["", "varchar_pattern_ops", ""]
            )
        ]

    def __str__(self):
        return f"{self.date} {self.person_id}"


class TargetQuerySet(ScopedQuerySet):
    def in_force(self):
        return self.filter(superseded_at__isnull=True)


class Target(models.Model):
    """A quantified target for an indicator in a region, with its baseline (DESIGN §4).

    Changing a target supersedes the row and adds a new one, so the history stays; a figure dated D is
    assessed against the row in force on D (the latest ``effective_from`` on or before D). A prefecture or
    county without its own target inherits the nearest one above it. Between the baseline and the deadline the
    yearly milestones are linear and labelled as derived.
    """

    indicator = models.CharField(_("indicator"), max_length=32)
    region = models.ForeignKey(Region, models.PROTECT, related_name="+", verbose_name=_("region"))
    baseline_value = models.DecimalField(_("baseline"), max_digits=8, decimal_places=4, null=True, blank=True)
    baseline_date = models.DateField(_("baseline date"), null=True, blank=True)
    target_value = models.DecimalField(_("target"), max_digits=8, decimal_places=4)
    deadline = models.DateField(_("deadline"))
    effective_from = models.DateField(
        _("in force from"),
        default=timezone.localdate,
        help_text=_("Figures dated from this day are assessed against it."),
    )
    per_year = models.BooleanField(_("each year"), default=False, help_text=_("A count to reach every year."))
    source = models.CharField(_("source"), max_length=200, blank=True)
    created_by = models.ForeignKey("sunshine.User", models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    superseded_at = models.DateTimeField(null=True, blank=True)

    objects = TargetQuerySet.as_manager()
    scope = Scope(path="region", public=True, edit={Role.PROVINCE_OFFICER})

    class Meta:
        ordering = ["indicator", "region", "-created_at"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")

    def __str__(self):
        return f"{self.indicator} {self.region_id} {self.target_value} by {self.deadline}"

    def applies_on(self, day) -> bool:
        """A yearly count (the opinion's 15 + 15 bases each year) holds in the years up to its deadline's; any
        other target, once in force, is held against every later figure."""
        return not self.per_year or day.year <= self.deadline.year

    def goal_on(self, day) -> tuple[float, bool]:
        """The value to reach on ``day`` and whether it is a derived (linear) milestone."""
        target = float(self.target_value)
        if self.baseline_value is None or self.baseline_date is None or day >= self.deadline or self.per_year:
            return target, False
        if day <= self.baseline_date:
            return float(self.baseline_value), False
        share = (day - self.baseline_date).days / (self.deadline - self.baseline_date).days
        return float(self.baseline_value) + share * (target - float(self.baseline_value)), True


class IssuingOffice(models.Model):
    """The office that issues a region's documents (发文机关), with the words of its documents' frame.

    A region without a row uses ``IssuingOffice.default_for(region)``: "<region>禁毒委员会办公室", its numbers
    prefixed "<short name>禁毒办", sent to the offices of the regions below it.
    """

    region = models.OneToOneField(Region, models.PROTECT, primary_key=True, related_name="+", verbose_name=_("region"))
    name = models.CharField(_("issuing office"), max_length=100)
    prefix = models.CharField(_("document number prefix"), max_length=30, help_text=_("e.g. 黔禁毒办"))
    recipients = models.CharField(_("main recipients"), max_length=200)
    copy_to = models.CharField(_("copied to"), max_length=300, blank=True)

    # Configuration, not personal data: kept by the system administrator in Django admin.

    class Meta:
        verbose_name = _("issuing office")
        verbose_name_plural = _("issuing offices")

    def __str__(self):
        return self.name

    # The province's short name (简称) is the document-number prefix the committee uses: 黔.
    SHORT_NAMES = {"贵州省": "黔"}
    SUFFIXES = ("布依族苗族自治州", "苗族侗族自治州", "自治州", "自治县", "特区", "新区", "省", "市", "州", "县", "区")
    RECIPIENTS = {
        Level.PROVINCE: "各市（州）禁毒委员会办公室",
        Level.PREFECTURE: "各县（市、区）禁毒委员会办公室",
        Level.COUNTY: "各乡（镇、街道）禁毒工作办公室",
    }

    @classmethod
    def default_for(cls, region: Region) -> "IssuingOffice":
        short = cls.SHORT_NAMES.get(region.name)
        if short is None:
            short = next((region.name[: -len(s)] for s in cls.SUFFIXES if region.name.endswith(s)), region.name)
        return cls(
            region=region,
            name=f"{region.name}禁毒委员会办公室",
            prefix=f"{short}禁毒办",
            recipients=cls.RECIPIENTS.get(Level(region.level), ""),
        )

    @classmethod
    def of(cls, region: Region) -> "IssuingOffice":
        return cls.objects.filter(region=region).first() or cls.default_for(region)


class DocumentNumber(models.Model):
    """A number an issuing office gave out: its yearly sequence of documents (发文字号) or of bulletin issues
    (第 N 期). ``key`` names what was numbered, so numbering the same thing again gives the same number."""

    class Kind(models.TextChoices):
        DOCUMENT = "document", _("document number")
        BULLETIN = "bulletin", _("bulletin issue")

    region = models.ForeignKey(Region, models.PROTECT, related_name="+", verbose_name=_("issuing region"))
    kind = models.CharField(max_length=16, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveIntegerField(_("number"))
    key = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["region", "kind", "year", "number"]
        constraints = [
            models.UniqueConstraint(fields=["region", "kind", "year", "number"], name="one_number_per_sequence"),
            models.UniqueConstraint(fields=["region", "kind", "key"], name="one_number_per_document"),
        ]

    def __str__(self):
        return f"{self.region_id} {self.kind} {self.year}-{self.number}"


class AssessmentReport(models.Model):
    """A finalised assessment report (考核) of a region for a year (DESIGN §5): frozen.

    ``figures`` is everything the report shows, as computed by ``reporting.assessment.assessment_figures``
    when a provincial officer finalised it (plus the notes, who finalised it and its document number); the Excel
    and PDF files are regenerated from it, byte for byte, and their SHA-256 are kept to prove it. Later changes
    to the records or the snapshots do not change a finalised report. Drafts are never stored.

    A corrected version (更正版) is a new row with the next ``version`` and a required ``reason``; the one it
    replaces stays, with ``superseded_at`` set. Only one version of a region's year is in force.
    """

    region = models.ForeignKey(Region, models.PROTECT, related_name="+", verbose_name=_("region"))
    year = models.PositiveSmallIntegerField(_("year"))
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    reason = models.TextField(_("reason for the correction"), blank=True)
    figures = models.JSONField(_("figures"))
    snapshot_date = models.DateField(_("figures as of"))
    notes = models.TextField(_("notes"), blank=True)
    finalised_by = models.ForeignKey("sunshine.User", models.PROTECT, related_name="+", verbose_name=_("finalised by"))
    finalised_at = models.DateTimeField(_("finalised at"))
    superseded_at = models.DateTimeField(_("superseded at"), null=True, blank=True)
    sha256_xlsx = models.CharField(_("SHA-256 of the Excel file"), max_length=64)
    sha256_pdf = models.CharField(_("SHA-256 of the PDF file"), max_length=64)

    # The offices of the region and above read it; only the provincial committee finalises and corrects.
    objects = ScopedQuerySet.as_manager()
    scope = Scope(
        path="region",
        read=OFFICES,
        edit={Role.PROVINCE_OFFICER},
        actions={name: Action({Role.PROVINCE_OFFICER}) for name in ("finalise", "correct")},
    )

    class Meta:
        ordering = ["-year", "region", "-version"]
        verbose_name = _("assessment report")
        verbose_name_plural = _("assessment reports")
        constraints = [
            models.UniqueConstraint(fields=["region", "year", "version"], name="one_assessment_version"),
            models.UniqueConstraint(
                fields=["region", "year"],
                condition=models.Q(superseded_at__isnull=True),
                name="one_assessment_in_force",
            ),
        ]
        indexes = [prefix_index("region", "assessment_region_prefix")]

    def __str__(self):
        return f"{self.region_id} {self.year} v{self.version}"

    def sha256(self, fmt: str) -> str:
        return {"xlsx": self.sha256_xlsx, "pdf": self.sha256_pdf}[fmt]

    @property
    def document_number(self) -> str:
        return (self.figures.get("document") or {}).get("number", "")
