"""The field app (DESIGN §5a): an installable page where township workers and community police record
visits, tests, absences and leave online or offline. The page, its service worker and its manifest hold
no personal data; the caseload copy and the outbox live in the phone's IndexedDB (static/js/field.js)
and reach the server through ``/api/v1/caseload/`` and ``/api/v1/sync/``."""

import json

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.templatetags.static import static
from django.urls import reverse
from django.views.generic import TemplateView

from sunshine.access import may

from .api.sync import SYNC_TYPES
from .forms import FIELD_KINDS, record_form_class
from .models import DrugUseFinding
from .selectors import may_record_in_field


class FieldAppView(LoginRequiredMixin, TemplateView):
    """The four everyday forms (the same form classes as online), the outbox and the caseload copy."""

    template_name = "cases/field.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may_record_in_field(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        user = self.request.user
        kinds = [
            {"type": api_type, "label": SYNC_TYPES[api_type].Meta.model._meta.verbose_name, "form": form}
            for api_type, slug in FIELD_KINDS.items()
            if may(user, "add", SYNC_TYPES[api_type].Meta.model)
            for form in [record_form_class(slug)(prefix=api_type)]
        ]
        for kind in kinds:
            if "record_finding" in kind["form"].fields and not may(user, "add", DrugUseFinding):
                del kind["form"].fields["record_finding"]
        return {**super().get_context_data(**kwargs), "kinds": kinds}


class FieldServiceWorkerView(TemplateView):
    """The service worker, served from the app's folder so that it controls the app's pages (and no others)."""

    template_name = "cases/field_sw.js"
    content_type = "application/javascript"

    def get_context_data(self, **kwargs):
        workbox = static("vendor/workbox/workbox-sw.js")
        shell = [
            reverse("cases:field"),
            static("css/sunshine.css"),
            static("vendor/htmx/htmx.min.js"),
            static("js/forms.js"),
            static("vendor/idb/umd.js"),
            static("js/field.js"),
        ]
        # JSON-encoded here: the template writes them into the script as they are.
        return {
            "workbox": json.dumps(workbox),
            "modules": json.dumps(workbox.rsplit("/", 1)[0] + "/"),
            "shell": json.dumps(shell),
        }


class FieldManifestView(TemplateView):
    """The web app manifest: installs the field app on the phone's home screen."""

    template_name = "cases/field.webmanifest"
    content_type = "application/manifest+json"
