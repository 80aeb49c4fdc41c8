import json
import time

from django.conf import settings
from django.contrib.auth import SESSION_KEY
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


class SlidingSessionMiddleware:
    """Keep a signed-in session alive while it is used, writing it at most once a ``SESSION_REFRESH_SECONDS``:
    a session ends ``SESSION_COOKIE_AGE`` after its last write, so after 30 idle minutes (give or take the minute),
    without an UPDATE and a commit on every page (``SESSION_SAVE_EVERY_REQUEST``: one for each of them)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session, now = request.session, int(time.time())
        if session.session_key is None:  # no session sent or begun (an API token, a first visit): nothing to load
            return response
        # (a short idle limit is pushed on within its first half, so a session in use never lapses)
        every = min(settings.SESSION_REFRESH_SECONDS, settings.SESSION_COOKIE_AGE // 2)
        stale = now - session.get("_touched", 0) >= every
        if SESSION_KEY in session and (stale or session.modified):  # (modified: being written anyway, by a sign-in)
            session["_touched"] = now  # saved, its expiry pushed on, by SessionMiddleware
        return response


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


class GrantsReadOnceMiddleware:
    """A request reads each reader's lawful-query grants once (``sunshine.access.grants_read_once``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from .access import grants_read_once

        with grants_read_once():
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
    """Refuses a request holding a NUL character (400, with a message naming where): in the query string, a posted
    form field or a JSON body's keys and strings. PostgreSQL cannot compare or store text with one, and ``?q=``,
    ``?region=``, choice and relation fields are read before any field validator sees them. Uploaded files are not
    looked into (a workbook is a zip). Also sets the Content-Security-Policy: our own (vendored) scripts only and no
    inline script, so injected markup cannot run."""

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
        if _holds_nul(request.GET):
            response = self.refuse(request, None, _("The address holds a NUL character, which is not allowed."))
        elif (field := _posted_nul(request)) is not None:
            message = _("“%(field)s” holds a NUL character, which is not allowed.") % {"field": field}
            response = self.refuse(request, field, message)
        else:
            response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.CSP)
        return response

    @staticmethod
    def refuse(request, field: str | None, message: str):
        if request.path.startswith("/api/"):  # the API's own shape: the message under the field it concerns
            body = {field: [message]} if field else {"detail": message}
            return JsonResponse(body, status=400, json_dumps_params={"ensure_ascii": False})
        return render(request, "sunshine/message.html", {"title": _("Bad request"), "message": message}, status=400)


def _holds_nul(data) -> bool:
    return any("\x00" in text for key, values in data.lists() for text in (key, *values))


def _posted_nul(request) -> str | None:
    """The name of the first posted field (form or JSON) holding a NUL character, or None."""
    if request.method not in ("POST", "PUT", "PATCH"):
        return None
    if request.content_type == "application/json":
        try:
            return _json_nul(json.loads(request.body or b"null"), "")
        except (ValueError, UnicodeDecodeError):
            return None  # the parser answers for a body that is not JSON
    if request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        names = (key for key, values in request.POST.lists() for text in (key, *values) if "\x00" in text)
        return next((name.replace("\x00", "") for name in names), None)
    return None


def _json_nul(value, path: str) -> str | None:
    if isinstance(value, str):
        return (path or "detail") if "\x00" in value else None
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        if isinstance(key, str) and "\x00" in key:
            return "detail"
        found = _json_nul(item, f"{path}.{key}" if path else str(key))
        if found is not None:
            return found
    return None
