"""Audit events beyond model changes: views of a person's file, ID reveals, exports, sign-ins.

Model creates, updates and deletes are written by django-auditlog for the registered models; this
module writes the rest into the same log (``AuditEntry``), with who, when, what and from where.
"""

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _

from .access import ensure, lawful_grants
from .models import AuditEntry, User


def client_address(request) -> str | None:
    if request is None:
        return None
    forwarded = request.headers.get("X-Forwarded-For")
    return forwarded.split(",")[0].strip() if forwarded else request.META.get("REMOTE_ADDR")


def audit_event(instance, *, event: str, actor: User | None, request=None, detail: dict | None = None) -> AuditEntry:
    """Record that ``actor`` did ``event`` (view, reveal_id, export, login...) on ``instance``.

    Reading a sealed person's file is possible only under a lawful query: its entry names the grant (DESIGN §3b).
    """
    grant = lawful_grant(instance, actor)
    if grant is None and event == AuditEntry.Event.EXPORT and actor is not None:
        grant = lawful_grants(actor)  # an export of lists may hold the granted person
    if grant:
        detail = {**(detail or {}), "lawful_query": grant}
    return AuditEntry.objects.log_create(
        instance,
        force_log=True,
        action=AuditEntry.Action.ACCESS,
        event=event,
        actor=actor if actor and actor.is_authenticated else None,
        remote_addr=client_address(request),
        additional_data=detail,
        changes=None,
        serialized_data=None,
    )


def registration_probe_record(*, user: User, elsewhere: int, seen: int = 0, source: str, request=None) -> None:
    """Record that ``user`` was told ID numbers are already registered (issue 12: registration probing).

    ``seen`` answers named persons the user may open; ``elsewhere`` answers disclosed only that someone is
    registered outside the user's reach, which is what a prober collects. When a user's ``elsewhere`` answers
    of the day pass ``settings.REGISTRATION_PROBE_LIMIT``, one alert entry a day is written for the county
    office (stamped with the user's region: county, prefecture and provincial officers see it).
    Call it outside the transaction that refused the registration, or the entry is rolled back with it.
    """
    audit_event(user, event=AuditEntry.Event.PROBE, actor=user, request=request,
                detail={"elsewhere": elsewhere, "seen": seen, "source": source})  # fmt: skip
    if not elsewhere:
        return
    today = timezone.localdate()
    mine = AuditEntry.objects.filter(object_pk=str(user.pk), content_type__model="user", timestamp__date=today)
    answers = sum(
        (entry or {}).get("elsewhere", 0)
        for entry in mine.filter(event=AuditEntry.Event.PROBE, actor=user).values_list("additional_data", flat=True)
    )
    limit = settings.REGISTRATION_PROBE_LIMIT
    if answers > limit and not mine.filter(event=AuditEntry.Event.PROBE_ALERT).exists():
        audit_event(user, event=AuditEntry.Event.PROBE_ALERT, actor=None, request=request,
                    detail={"elsewhere": answers, "limit": limit, "day": today.isoformat()})  # fmt: skip


def probe_alerts(*, user: User, since) -> list[AuditEntry]:
    """The registration-probing alerts of the viewer's region since a day not yet acknowledged (offices; nobody
    else reads the log)."""
    entries = AuditEntry.objects.visible_to(user).filter(event=AuditEntry.Event.PROBE_ALERT, timestamp__date__gte=since)
    entries = entries.filter(~models.Exists(_acknowledgements().filter(alert=models.OuterRef("pk"))))
    return list(entries.select_related("region").order_by("-timestamp")[:20])  # no query for whom the log is closed


def _acknowledgements():
    """The acknowledgement entries, each annotated with the id of the alert it acknowledges."""
    alert = Cast(KeyTextTransform("alert", "additional_data"), models.BigIntegerField())
    return AuditEntry.objects.filter(event=AuditEntry.Event.PROBE_ACK).annotate(alert=alert)


@transaction.atomic
def probe_alert_acknowledge(*, user: User, alert: AuditEntry, request=None) -> AuditEntry:
    """The office ``user`` has looked into a registration-probing alert: written to the log as an entry of its own
    (about the same account, in the same region), and the alert leaves the work list."""
    ensure(user, "acknowledge", alert)
    if alert.event != AuditEntry.Event.PROBE_ALERT:
        raise ValidationError(_("This entry is not a registration-checks alert."))
    if _acknowledgements().filter(alert=alert.pk).exists():
        raise ValidationError(_("This alert has already been acknowledged."))
    prober = User.objects.get(pk=alert.object_pk)
    detail = {"alert": alert.pk, "elsewhere": (alert.additional_data or {}).get("elsewhere")}
    return audit_event(prober, event=AuditEntry.Event.PROBE_ACK, actor=user, request=request, detail=detail)


def lawful_grant(instance, actor) -> int | None:
    """The id of the active lawful-query grant under which ``actor`` reads ``instance`` (a sealed person or one of
    their records), or None when the record is not sealed."""
    person = instance if getattr(instance, "seals_records", False) else getattr(instance, "person", None)
    if person is None or not getattr(person, "sealed", False) or actor is None:
        return None
    return next(iter(lawful_grants(actor, person_id=person.pk)), None)  # (a request's read of the grants)


@receiver(user_logged_in)
def _audit_login(sender, request, user, **kwargs):
    audit_event(user, event=AuditEntry.Event.LOGIN, actor=user, request=request)


@receiver(user_login_failed)
def _audit_failed_login(sender, credentials, request=None, **kwargs):
    user = User.objects.filter(username=credentials.get("username", "")).first()
    if user is not None:
        audit_event(user, event=AuditEntry.Event.LOGIN_FAILED, actor=None, request=request)
