from django.db import models
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class Education(models.TextChoices):
    NONE = "none", _("No schooling")
    PRIMARY = "primary", _("Primary school")
    JUNIOR = "junior", _("Junior middle school")
    SENIOR = "senior", _("Senior middle school or technical school")
    COLLEGE = "college", _("College or above")


class MaritalStatus(models.TextChoices):
    SINGLE = "single", _("Single")
    MARRIED = "married", _("Married")
    DIVORCED = "divorced", _("Divorced")
    WIDOWED = "widowed", _("Widowed")


class WorkCapacity(models.TextChoices):
    FULL = "full", _("Able to work")
    PARTIAL = "partial", _("Partly able to work")
    NONE = "none", _("Unable to work")


class InfectionStatus(models.TextChoices):
    UNKNOWN = "unknown", _("Not tested")
    NEGATIVE = "negative", _("Negative")
    POSITIVE = "positive", _("Positive")


class MeasureKind(models.TextChoices):
    COMMUNITY_DETOX = "community_detox", _("Community detox")
    COMMUNITY_REHAB = "community_rehab", _("Community rehabilitation")
    COMPULSORY_ISOLATION = "compulsory_isolation", _("Compulsory isolated detox")
    VOLUNTARY_DETOX = "voluntary_detox", _("Voluntary detox")
    METHADONE = "methadone", _("Methadone maintenance")
    FACILITY_REHAB = "facility_rehab", _("Facility rehabilitation")


# Measures served in the community by the township, with the 15-day report and the agreement.
COMMUNITY_MEASURES = (MeasureKind.COMMUNITY_DETOX, MeasureKind.COMMUNITY_REHAB)


class EndReason(models.TextChoices):
    COMPLETED = "completed", _("Completed (discharged on expiry)")
    EARLY_RELEASE = "early_release", _("Released early")
    RELEASED = "released", _("Released on expiry")
    ESCALATED = "escalated", _("Escalated to compulsory isolation")
    TERMINATED = "terminated", _("Terminated (prison or compulsory education)")
    DECEASED = "deceased", _("Person deceased")
    WITHDRAWN = "withdrawn", _("Withdrawn or stopped")
    OTHER = "other", _("Other")


class VisitKind(models.TextChoices):
    HOME = "home", _("Home visit")
    OFFICE = "office", _("Talk at the office")
    PHONE = "phone", _("Phone call")
    WORKPLACE = "workplace", _("Workplace visit")


class TestKind(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    SURPRISE = "surprise", _("Surprise")


class TestResult(models.TextChoices):
    NEGATIVE = "negative", _("Negative")
    POSITIVE = "positive", _("Positive")
    EVADED = "evaded", _("Evaded")
    REFUSED = "refused", _("Refused")


class FindingSource(models.TextChoices):
    URINE_TEST = "urine_test", _("Urine test")
    POLICE = "police", _("Police investigation")
    VISIT = "visit", _("Visit or talk")
    REPORT = "report", _("Report from family or others")
    OTHER = "other", _("Other")


class CounsellingKind(models.TextChoices):
    PSYCHOLOGICAL = "psychological", _("Psychological counselling")
    DISEASE_EDUCATION = "disease_education", _("AIDS and infectious-disease prevention education")


class StatusKind(models.TextChoices):
    DECEASED = "deceased", _("Deceased")
    DEPARTED = "departed", _("Left the country")
    LOST = "lost", _("Whereabouts lost")
    FOUND = "found", _("Found again")
    DETAINED = "detained", _("Detained")
    RELEASED = "released", _("Released from detention")
    IMPRISONED = "imprisoned", _("Imprisoned")


class HelperRole(models.TextChoices):
    WORKER = "worker", _("Full-time worker")
    POLICE = "police", _("Community police")
    MEDIC = "medic", _("Community medic")
    FAMILY = "family", _("Guardian or family")
    VOLUNTEER = "volunteer", _("Volunteer")


class ScheduledActivity(models.TextChoices):
    URINE_TEST = "urine_test", _("Urine test")
    VISIT = "visit", _("Visit")


class TransferStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting the receiving township")
    AWAITING_COUNTY = "awaiting_county", _("Awaiting county approval")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")


class AlertKind(models.TextChoices):
    TESTS_MISSED = "tests_missed", _("Tests evaded or refused 3 times or more")
    ABSENCES = "absences", _("Left the county without permission 3 times or more")
    ABSENCE_DAYS = "absence_days", _("Away without permission for more than 30 days")
    LATE_REPORT = "late_report", _("Did not report within 15 days")


class SealCause(models.TextChoices):
    """Why a person's file was sealed (DESIGN §3b)."""

    ABSTINENT = "abstinent_3y", _("Abstinent three years")
    DECISION = "decision", _("County office decision")


class UnsealCause(models.TextChoices):
    """The new case that unsealed a file (DESIGN §3b)."""

    FINDING = "finding", _("New drug-use finding")
    POSITIVE_TEST = "positive_test", _("Positive urine test")
    MEASURE_ORDER = "measure_order", _("New measure order")


class LegalBasis(models.TextChoices):
    CASE = "case", _("Handling a case")
    REGULATION = "regulation", _("Query under state regulations")


class QueryStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting decision")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")
