from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode

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
            return render(request, "sunshine/unavailable.html", {"message": str(exception)}, status=503)
        return None
