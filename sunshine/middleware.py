from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

# Pages an authenticated but not yet verified user may reach: the second-factor pages themselves,
# sign-out, language switching and static files.
_OPEN_PREFIXES = ("/accounts/two-factor/", "/accounts/logout/", "/i18n/", "/static/")


class TwoFactorRequiredMiddleware:
    """Send staff who need a second factor to enrol or verify before anything else (REQUIRE_2FA)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            settings.REQUIRE_2FA
            and user.is_authenticated
            and user.needs_two_factor
            and not user.is_verified()
            and not request.path.startswith(_OPEN_PREFIXES)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": "Two-factor verification required."}, status=403)
            return redirect(f"{reverse('two_factor')}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)


class InterfaceLanguageMiddleware:
    """Simplified Chinese unless the user picked another language with the switcher.

    Django would otherwise follow the browser's Accept-Language; on shared office computers set up
    in English that would surprise the users, so only the explicit choice (the language cookie) counts.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


class JobsUnavailableMiddleware:
    """Starting a background job while the broker is down answers at once with a 503 page that says so
    (``sunshine.jobs.JobsUnavailable``; nothing was stored or queued)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from .jobs import JobsUnavailable

        if isinstance(exception, JobsUnavailable):
            context = {"title": _("Service unavailable"), "message": str(exception)}
            return render(request, "sunshine/message.html", context, status=503)
        return None


class HostileInputMiddleware:
    """Refuses a query string holding a NUL character (400, with a message): PostgreSQL cannot compare text with
    one, and ``?q=``, ``?region=`` and the like are read by many views before any form sees them. Form fields
    refuse NUL themselves, with a message on the field. Also sets the Content-Security-Policy: our own (vendored)
    scripts only and no inline script, so injected markup cannot run."""

    CSP = "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self' 'unsafe-inline'",  # style attributes, and the styles ECharts and htmx set
            "img-src 'self' data:",  # the two-factor QR code
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if any("\x00" in text for key, values in request.GET.lists() for text in (key, *values)):
            message = _("The address holds a NUL character, which is not allowed.")
            context = {"title": _("Bad request"), "message": message}
            response = render(request, "sunshine/message.html", context, status=400)
        else:
            response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.CSP)
        return response
