import time

from django.conf import settings
from django.contrib.auth import logout


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
