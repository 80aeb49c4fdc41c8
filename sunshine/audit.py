"""Audit events beyond model changes: views of a person's file, ID reveals, exports, sign-ins.

Model creates, updates and deletes are written by django-auditlog for the registered models; this
module writes the rest into the same log (``AuditEntry``), with who, when, what and from where.
"""

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from .models import AuditEntry, User


def client_address(request) -> str | None:
    if request is None:
        return None
    forwarded = request.headers.get("X-Forwarded-For")
    return forwarded.split(",")[0].strip() if forwarded else request.META.get("REMOTE_ADDR")


def audit_event(instance, *, event: str, actor: User | None, request=None, detail: dict | None = None) -> AuditEntry:
    """Record that ``actor`` did ``event`` (view, reveal_id, export, login...) on ``instance``."""
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


@receiver(user_logged_in)
def _audit_login(sender, request, user, **kwargs):
    audit_event(user, event=AuditEntry.Event.LOGIN, actor=user, request=request)


@receiver(user_login_failed)
def _audit_failed_login(sender, credentials, request=None, **kwargs):
    user = User.objects.filter(username=credentials.get("username", "")).first()
    if user is not None:
        audit_event(user, event=AuditEntry.Event.LOGIN_FAILED, actor=None, request=request)
