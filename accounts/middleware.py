import time

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _


class RequestBodyLimitMiddleware:
    """Refuse a request whose declared body exceeds REQUEST_MAX_BODY_BYTES (413) before anything
    reads it (issue 10 §6); gunicorn and the proxy in front keep their own limits too."""

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
    """Sessions end 12 hours after login whatever the activity (idle timeout: SESSION_COOKIE_AGE),
    and at once for a deactivated person."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            started = request.session.get("login_at")
            now = int(time.time())
            if started is None:
                request.session["login_at"] = now
            elif now - int(started) > settings.SESSION_ABSOLUTE_LIFETIME:
                logout(request)
        return self.get_response(request)


class VietnameseFirstLocaleMiddleware:
    """DOMAIN.md §9: Vietnamese first, English when the user chooses it. Unlike Django's
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
