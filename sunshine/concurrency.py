"""Optimistic concurrency for records that two users may edit at once (issue #12, finding 6).

An editable personal record carries a ``version`` that counts its saves. A change is based on the
version its author read: the hidden field of the HTML form, the API's ``If-Match``, or simply what
the code loaded. ``Versioned.save`` is the one save path of every writer (services, import, admin):
under a row lock it checks that nobody saved since that version, then saves the next one. A stale
save raises ``StaleVersion``, a ValidationError whose messages name who changed what meanwhile (from
the audit log), so forms show it like any other refusal and the API answers 412.
"""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, router, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# Fields whose change says nothing to the user: the counter itself and timestamps.
_UNSHOWN = {"version", "updated_at", "created_at"}
_RECENT_ENTRIES = 20  # how far back in the audit log the other users' changes are looked up


class Versioned(models.Model):
    """A record with a version: saving a change based on an older version is refused."""

    # db_default too: bulk loads that name their columns (bench, seed) leave it out
    version = models.PositiveIntegerField(gettext_lazy("version"), default=1, db_default=1, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        fields = kwargs.get("update_fields")
        if self._state.adding or (fields is not None and not fields):  # a new row, or Django's "save nothing"
            return super().save(*args, **kwargs)
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        with transaction.atomic(using=using, savepoint=False):
            current = self.stored_version(using)
            if current is not None and current != self.version:
                raise StaleVersion(self, current)
            self.version = (current or 0) + 1
            if fields is not None:
                kwargs["update_fields"] = {*fields, "version"}
            return super().save(*args, **kwargs)

    def stored_version(self, using: str | None = None) -> int | None:
        """The version stored now, its row locked until the transaction ends (None if the row is gone); read from
        the database written to, never a replica."""
        using = using or router.db_for_write(type(self), instance=self)
        rows = type(self)._base_manager.using(using).select_for_update().filter(pk=self.pk)
        return rows.values_list("version", flat=True).first()


class StaleVersion(ValidationError):
    """Somebody saved ``instance`` after the version this change was based on.

    ``current`` is the version now stored; ``changes`` lists the others' saves since (who, when and
    each changed field as label, old value, new value); the messages say the same in words, on the
    fields they touched and on top of the form.
    """

    def __init__(self, instance: Versioned, current: int, *, since: int | None = None):
        self.current = current
        self.changes = _changes_since(instance, instance.version if since is None else since)
        messages = {NON_FIELD_ERRORS: [_summary(self.changes)]}
        for save in self.changes:
            for name, _label, _old, new in save["fields"]:
                messages.setdefault(name, []).append(
                    _("%(who)s changed this to “%(value)s” after you opened the form.")
                    % {"who": save["who"], "value": new}
                )
        super().__init__(messages)


def _summary(changes: list[dict]) -> str:
    if not changes:
        return _("Somebody saved this record after you opened it. Check the values and save again.")
    last = changes[-1]
    fields = "；".join(f"{label}：{old} → {new}" for save in changes for _n, label, old, new in save["fields"])
    return _(
        "%(who)s saved this record at %(when)s, after you opened it (%(fields)s). Your changes were not "
        "saved: check the values and save again."
    ) % {"who": last["who"], "when": last["when"], "fields": fields or "—"}


def _display(field, value) -> str:
    if value in (None, "None", ""):
        return "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.is_relation:
        related = field.related_model._base_manager.filter(pk=value).first()
        return str(related) if related is not None else str(value)
    return str(value)


def _changes_since(instance: Versioned, version: int) -> list[dict]:
    """The saves of ``instance`` after ``version``, oldest first, read from the audit log.

    Called only when a save is refused, for a record the refused user could edit: the entries are
    about that one record.
    """
    from django.contrib.contenttypes.models import ContentType

    from .models import AuditEntry

    model = type(instance)
    entries = (
        AuditEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(model),
            object_pk=str(instance.pk),
            action=AuditEntry.Action.UPDATE,
        )
        .select_related("actor")
        .order_by("-timestamp")[:_RECENT_ENTRIES]
    )
    saves = []
    for entry in entries:
        changes = entry.changes_dict
        try:
            saved_as = int(changes.get("version", [None, None])[1])
        except (TypeError, ValueError):
            continue
        if saved_as <= version:
            continue
        fields = []
        for field in model._meta.concrete_fields:  # in the form's order (the stored changes' keys come back in jsonb's)
            if field.name in changes and field.name not in _UNSHOWN:
                old, new = changes[field.name]
                fields.append((field.name, str(field.verbose_name), _display(field, old), _display(field, new)))
        saves.append(
            {
                "who": str(entry.actor) if entry.actor else _("the system"),
                "when": timezone.localtime(entry.timestamp).strftime("%Y-%m-%d %H:%M"),
                "fields": fields,
            }
        )
    return saves[::-1]


class VersionedFormMixin:
    """For a ModelForm that changes a ``Versioned`` record: carries the version the user read in a
    hidden field and bases the change on it. After a refusal the form shows the other users' changes
    on the fields they touched and carries the current version, so saving again is a decision taken
    with those changes in sight."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput, initial=self.instance.version)

    def _post_clean(self):
        super()._post_clean()
        if self.cleaned_data.get("version") is not None:
            self.instance.version = self.cleaned_data["version"]

    def add_stale_error(self, error: StaleVersion) -> None:
        for field, messages in error.message_dict.items():
            if field == NON_FIELD_ERRORS or field in self.fields:
                self.add_error(None if field == NON_FIELD_ERRORS else field, messages)
        self.data = self.data.copy()
        self.data[self.add_prefix("version")] = error.current
