from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode
from django.utils.translation import gettext as _


class RequestBodyLimitMiddleware:
    """Refuse a request whose declared body exceeds REQUEST_MAX_BODY_BYTES (413) before anything
    reads it (docs/security.md “Login and requests”); gunicorn and the proxy in front keep their own limits too."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.REQUEST_MAX_BODY_BYTES:
            message = _("Yêu cầu quá lớn (hơn %(mb)s MB). Hãy gửi ít tệp hơn hoặc tệp nhỏ hơn.") % {
                "mb": settings.REQUEST_MAX_BODY_BYTES // (1024 * 1024)
            }
            return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


class SessionLifetimeMiddleware:
    """Sessions end after SESSION_IDLE_TIMEOUT without a request (30 minutes), 12 hours after
    login whatever the activity, and at once for a deactivated person.

    Activity is recorded in the session (`seen_at`) at most once per
    SESSION_ACTIVITY_WRITE_INTERVAL (a minute): a request within the minute after the last write
    leaves the session row alone. Each write also pushes the stored expiry (SESSION_COOKIE_AGE)
    ahead; the idle check here does not depend on the session backend honouring it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            session = request.session
            now = int(timezone.now().timestamp())
            started = session.get("login_at")
            seen = session.get("seen_at")
            too_old = started is not None and now - int(started) > settings.SESSION_ABSOLUTE_LIFETIME
            idle = seen is not None and now - int(seen) > settings.SESSION_IDLE_TIMEOUT
            if too_old or idle:
                logout(request)
            else:
                if started is None:
                    session["login_at"] = now
                if seen is None or now - int(seen) >= settings.SESSION_ACTIVITY_WRITE_INTERVAL:
                    session["seen_at"] = now  # marks the session modified: saved with a fresh expiry
        return self.get_response(request)


class VietnameseFirstLocaleMiddleware:
    """docs/domain.md §9: Vietnamese first, English when the user chooses it. Unlike Django's
    LocaleMiddleware, the browser's Accept-Language is ignored: only the language the user
    picked (the set_language cookie) or LANGUAGE_CODE."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ("Cookie",))
        return response


class PrivacyNoticeMiddleware:
    """docs/privacy.md: a signed-in person who has not confirmed the current notice
    (accounts.privacy.NOTICE_VERSION) is taken to it before any page, with the page to come back to.
    Only page loads (GET, not htmx fragments): a form sent or a fragment polled goes through, and the
    notice, logging out, the language buttons and the static shell are always reachable. The Django
    admin (/quan-tri/) is a technical tool for technical accounts: its pages are not held back
    (docs/rules.md, "Personal data")."""

    ALWAYS = ("accounts:notice", "accounts:logout", "set_language", "healthz", "manifest", "service_worker", "offline")

    def __init__(self, get_response):
        self.get_response = get_response
        self._open = None

    def _open_paths(self) -> tuple[str, ...]:
        if self._open is None:
            self._open = (
                *(reverse(name) for name in self.ALWAYS),
                reverse("admin:index"),
                settings.STATIC_URL if settings.STATIC_URL.startswith("/") else "/" + settings.STATIC_URL,
            )
        return self._open

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            request.method in ("GET", "HEAD")
            and user is not None
            and user.is_authenticated
            and not request.headers.get("HX-Request")
        ):
            from .privacy import has_confirmed_notice

            if not has_confirmed_notice(user) and not request.path_info.startswith(self._open_paths()):
                return redirect(f"{reverse('accounts:notice')}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
