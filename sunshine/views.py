import base64
import datetime as dt
import uuid

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.forms import BaseModelForm
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, ListView
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .access import ensure, person_type, sealed_person_ids
from .audit import audit_event, probe_alert_acknowledge
from .choices import ACCOUNT_MANAGERS, AUDIT_READERS
from .concurrency import StaleVersion, Versioned
from .db_router import pin_to_primary
from .filters import AuditEntryFilter
from .forms import StaffForm, TokenForm
from .jobs import broker_available, progress_context
from .models import ApiToken, AuditEntry, Job, Region, User, WorkerHeartbeat
from .once import FIELD_NAME as ONE_TIME_FIELD
from .once import create_once, parse_key
from .pagination import BoundedPaginator
from .services import staff_save, token_revoke

RECOVERY_CODE_COUNT = 10


def add_service_errors(form, error: ValidationError) -> None:
    """Put a service's refusal on the form: on its field where the form has one, else on top."""
    if isinstance(error, StaleVersion):  # the other saves on the fields of this form, and the version to save again
        if hasattr(form, "add_stale_error"):
            form.add_stale_error(error)
            return
        for field, messages_ in error.message_dict.items():
            if field == NON_FIELD_ERRORS or field in form.fields:
                form.add_error(None if field == NON_FIELD_ERRORS else field, messages_)
        if "version" in form.fields:
            form.data = form.data.copy()
            form.data[form.add_prefix("version")] = error.current
        return
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, messages_ in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages_)


def chosen_region(user: User, code: str | None, *, default: Region | None = None) -> Region | None:
    """The region a page was asked for (``?region=``): one within the user's own region, itself included, or
    ``default`` when none is asked for. Any other code is not found (404): out of reach and no such region
    answer alike."""
    code = (code or "").strip()
    if not code:
        return default
    region = Region.objects.filter(code=code).first() if user.reaches(code) else None
    if region is None:
        raise Http404("No such region in your scope.")
    return region


class ServiceFormView(LoginRequiredMixin, FormView):
    """A form whose valid data goes to a service: form → service → redirect.

    ``get_object`` fetches the subject through ``visible_to`` (404 when out of scope); ``action``, the declared
    action the page performs (``sunshine.access.may``) on ``action_target()``, then answers 403 to those who see
    the subject but may not act.
    """

    template_name = "sunshine/action_form.html"
    title = ""
    action: str | None = None
    # Whether the form creates a row and so carries a one-time id (``sunshine.once``). None: a model form
    # for a new instance does; a plain form that creates says True and sets ``self.created`` in ``run``.
    one_time: bool | None = None
    created = None
    # Whether the page changes its (versioned) object: the form then carries the version it showed, and a save
    # based on an older one is refused (``sunshine.concurrency``), as an edit form is.
    changes_object = False

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.object = self.get_object()
        if self.action is not None:
            ensure(request.user, self.action, self.action_target())
        scope = getattr(type(self.object), "scope", None)
        if scope and scope.seals and getattr(getattr(self.object, "person", self.object), "sealed", False):
            raise PermissionDenied  # a sealed file opened by a lawful query is read-only (DESIGN §3b)
        return super().dispatch(request, *args, **kwargs)

    def get_object(self):
        return None

    def action_target(self):
        """The row (or, for an action that makes one, the model) ``action`` is asked about."""
        return self.object

    def run(self, form):
        """Call the service; return what to redirect to."""
        raise NotImplementedError

    def creates(self, form) -> bool:
        if self.one_time is not None:
            return self.one_time
        return isinstance(form, BaseModelForm) and form.instance._state.adding

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if self.changes_object and isinstance(self.object, Versioned) and "version" not in form.fields:
            form.fields["version"] = forms.IntegerField(
                widget=forms.HiddenInput, initial=self.object.version, required=False
            )
        return form

    def _run_checked(self, run, form):
        """``run(form)``, refused when the form was based on an older version of the object than the stored one."""
        carries = self.changes_object and isinstance(self.object, Versioned) and not hasattr(form, "add_stale_error")
        shown = form.cleaned_data.pop("version", None) if carries else None  # not for the service
        if shown is None:
            return run(form)
        with transaction.atomic():
            current = self.object.stored_version()
            if current != shown:
                self.object.version = shown
                raise StaleVersion(self.object, current)
            return run(form)

    def form_valid(self, form):
        try:
            target = self._run_checked(self._run_once if self.creates(form) else self.run, form)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        if target is None:
            return redirect(self._repeat_target)
        messages.success(self.request, _("Saved."))
        return redirect(target)

    def _run_once(self, form):
        """``run`` under the form's one-time id; None when that id had already saved its row."""
        outcome = {}

        def create():
            outcome["target"] = self.run(form)
            return self.created or form.instance

        key = parse_key(self.request.POST.get(ONE_TIME_FIELD))
        row, created = create_once(user=self.request.user, key=key, create=create)
        if created:
            return outcome["target"]
        # Sent twice (back + resubmit, a double tap): the first one saved it; show where it is.
        messages.info(self.request, _("This form had already been sent; it was saved once."))
        subject = row if hasattr(row, "get_absolute_url") else getattr(row, "person", None)
        self._repeat_target = subject if hasattr(subject, "get_absolute_url") else "home"
        return None

    def get_context_data(self, **kwargs):
        context = {**super().get_context_data(**kwargs), "title": self.title, "object": self.object}
        if self.creates(context["form"]):
            # A new id for a new form; a form shown again with its errors keeps the id it was sent with.
            context["one_time_id"] = self.request.POST.get(ONE_TIME_FIELD) or uuid.uuid4()
        return context


class HealthView(View):
    """Liveness for load balancers and operators: the database, the broker and the worker, each said separately;
    503 when the broker does not answer or no worker has sent its heartbeat for three of its intervals."""

    def get(self, request):
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        beat = WorkerHeartbeat.objects.order_by("-seen_at").first()
        if settings.CELERY_TASK_ALWAYS_EAGER:
            broker = worker = "eager"
        else:
            broker = "ok" if broker_available() else "down"
            fresh = timezone.now() - dt.timedelta(seconds=3 * settings.WORKER_HEARTBEAT_SECONDS)
            worker = "ok" if beat and beat.seen_at >= fresh else "down"
        return JsonResponse(
            {
                "database": "ok",
                "broker": broker,
                "worker": worker,
                "last_worker_heartbeat": beat.seen_at.isoformat() if beat else None,
            },
            status=503 if "down" in (broker, worker) else 200,
        )


class LoginView(auth_views.LoginView):
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


class TwoFactorView(LoginRequiredMixin, FormView):
    """Enrol a TOTP authenticator (QR code, then recovery codes) or verify with one after sign-in."""

    template_name = "registration/two_factor.html"
    form_class = TokenForm

    def _confirmed(self) -> bool:
        return TOTPDevice.objects.filter(user=self.request.user, confirmed=True).exists()

    def _enrolment_device(self) -> TOTPDevice:
        device = TOTPDevice.objects.filter(user=self.request.user, confirmed=False).first()
        return device or TOTPDevice.objects.create(user=self.request.user, name="authenticator", confirmed=False)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["next"] = _safe_next(self.request, reverse("home"))
        if not self._confirmed():
            device = self._enrolment_device()
            context["enrolling"] = True
            context["qr_svg"] = segno.make(device.config_url, error="m").svg_inline(scale=4)
            context["secret"] = base64.b32encode(device.bin_key).decode()
        return context

    def form_valid(self, form):
        token = form.cleaned_data["token"].replace(" ", "")
        user = self.request.user
        if self._confirmed():
            device = match_token(user, token)
            if device is None:
                form.add_error("token", _("This code is wrong or has expired."))
                return self.form_invalid(form)
            otp_login(self.request, device)
            return redirect(_safe_next(self.request, reverse("home")))
        device = self._enrolment_device()
        if not device.verify_token(token):
            form.add_error("token", _("This code is wrong or has expired."))
            return self.form_invalid(form)
        with transaction.atomic():
            device.confirmed = True
            device.save()
            recovery, _created = StaticDevice.objects.get_or_create(user=user, name="recovery")
            recovery.token_set.all().delete()
            codes = [StaticToken.random_token() for _i in range(RECOVERY_CODE_COUNT)]
            StaticToken.objects.bulk_create(StaticToken(device=recovery, token=code) for code in codes)
        otp_login(self.request, device)
        return render(
            self.request,
            "registration/recovery_codes.html",
            {"codes": codes, "next": _safe_next(self.request, reverse("home"))},
        )


class RoleRequiredMixin(LoginRequiredMixin):
    """A page for some roles only; what it shows is still scoped to the user's region."""

    allowed_roles: frozenset = frozenset()

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.role not in self.allowed_roles:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class AccountManagerMixin(RoleRequiredMixin):
    allowed_roles = ACCOUNT_MANAGERS


class StaffListView(AccountManagerMixin, ListView):
    template_name = "sunshine/staff_list.html"
    paginate_by = 50

    def get_queryset(self):
        accounts = User.objects.manageable_by(self.request.user).select_related("region").order_by("region", "username")
        query = self.request.GET.get("q", "").strip()
        if query:
            accounts = accounts.filter(Q(username__icontains=query) | Q(full_name__icontains=query))
        return accounts


class StaffCreateView(AccountManagerMixin, FormView):
    template_name = "sunshine/staff_form.html"
    form_class = StaffForm
    success_url = reverse_lazy("staff_list")

    def get_account(self) -> User:
        return User()

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "manager": self.request.user, "instance": self.get_account()}

    def form_valid(self, form):
        staff_save(manager=self.request.user, account=form.instance, password=form.cleaned_data.get("password"))
        messages.success(self.request, _("Account %(username)s saved.") % {"username": form.instance.username})
        return super().form_valid(form)


class StaffUpdateView(StaffCreateView):
    def get_account(self) -> User:
        return get_object_or_404(User.objects.manageable_by(self.request.user), pk=self.kwargs["pk"])


class TokenListView(LoginRequiredMixin, ListView):
    """The user's own API tokens, each revocable (a lost phone or laptop: revoke its token here)."""

    template_name = "sunshine/token_list.html"

    def get_queryset(self):
        return ApiToken.objects.live_for(self.request.user)


class TokenRevokeView(LoginRequiredMixin, View):
    def post(self, request, pk):
        token_revoke(user=request.user, token_id=pk)
        messages.success(request, _("The token was revoked."))
        return redirect("token_list")


class ProbeAlertAcknowledgeView(LoginRequiredMixin, View):
    """The office acknowledges a registration-probing alert of its region (POST from the work list)."""

    def post(self, request, pk):
        alerts = AuditEntry.objects.visible_to(request.user).filter(event=AuditEntry.Event.PROBE_ALERT)
        alert = get_object_or_404(alerts, pk=pk)
        try:
            probe_alert_acknowledge(user=request.user, alert=alert, request=request)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The alert was acknowledged."))
        return redirect("home")


class AuditLogView(RoleRequiredMixin, ListView):
    """The audit log of the viewer's region, searchable by text, event and date."""

    template_name = "sunshine/audit_log.html"
    allowed_roles = AUDIT_READERS
    paginator_class = BoundedPaginator  # no count over the whole province (issue 17)
    paginate_by = 50

    def get_queryset(self):
        entries = AuditEntry.objects.visible_to(self.request.user).select_related("actor", "content_type", "region")
        self.filterset = AuditEntryFilter(self.request.GET, queryset=entries, request=self.request)
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Entries about a sealed person are kept, shown without their name or ID number (DESIGN §3b).
        person_type_id = person_type().pk
        about_persons = [e.object_id for e in context["object_list"] if e.content_type_id == person_type_id]
        sealed = set(sealed_person_ids().filter(pk__in=about_persons).values_list("pk", flat=True))
        for entry in context["object_list"]:
            entry.sealed = entry.content_type_id == person_type_id and entry.object_id in sealed
        return {**context, "filter": self.filterset}


class JobDetailView(LoginRequiredMixin, View):
    """A background job's progress (polled by htmx while it runs) and, when done, its download link."""

    def get(self, request, pk):
        job = get_object_or_404(Job.objects.filter(requested_by=request.user).defer("upload", "file"), pk=pk)
        context = {"job": job, **progress_context(job)}
        if job.finished:  # the job's writes are the user's own: their next report page reads them (db_router)
            pin_to_primary(request)
        template = "sunshine/job_status.html" if request.headers.get("HX-Request") else "sunshine/job_detail.html"
        return render(request, template, context)


class JobDownloadView(LoginRequiredMixin, View):
    """The file a finished job produced, for its requester only (audited)."""

    def get(self, request, pk):
        job = get_object_or_404(Job.objects.filter(requested_by=request.user, status=Job.Status.DONE), pk=pk)
        if job.file is None:
            raise Http404
        audit_event(request.user, event=AuditEntry.Event.EXPORT, actor=request.user, request=request,
                    detail={"job": job.pk, "kind": job.kind, "file": job.file_name, **job.params})  # fmt: skip
        response = HttpResponse(bytes(job.file), content_type=job.content_type)
        response["Content-Disposition"] = content_disposition_header(True, job.file_name)
        return response
