"""Who is knocking (docs/security.md “Login and requests”): the client address behind a configured number of trusted
proxies, the login throttle per email and address plus per address across emails, and the
password-reset throttle.

TRUSTED_PROXY_COUNT = 0 (the default) means no proxy is trusted: the address is REMOTE_ADDR and
X-Forwarded-For is ignored, so nobody escapes the lockout by inventing a header. With N proxies,
each appending the address it saw to X-Forwarded-For, the client is the N-th entry from the
right: entries further left were written by the client and are not believed.

docs/security.md: the forwarded headers are believed only from the proxies' own addresses
(TRUSTED_PROXIES, networks): a client that reaches gunicorn directly, around the proxy, and
invents X-Forwarded-For is its own REMOTE_ADDR (config.middleware.ForwardedHeadersMiddleware
drops the headers of such a request before anything reads them).
"""

from __future__ import annotations

import functools
import hashlib
import ipaddress

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.core.cache import cache
from django.db.models import Sum


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


@functools.lru_cache(maxsize=8)
def _networks(spec: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(n.strip(), strict=False) for n in spec if n.strip())


def is_trusted_proxy(address: str) -> bool:
    """Is `address` one of the reverse proxies' (settings.TRUSTED_PROXIES, networks)?"""
    ip = _valid(address or "")
    if ip is None:
        return False
    ip = ipaddress.ip_address(ip)
    return any(ip in net for net in _networks(tuple(settings.TRUSTED_PROXIES)))


def client_ip(request) -> str | None:
    """The real client's address (AXES_CLIENT_IP_CALLABLE and the reset throttle use it): behind
    TRUSTED_PROXY_COUNT proxies, when the request comes from one of TRUSTED_PROXIES and every
    hop the proxies added is one of them too, the N-th entry of X-Forwarded-For from the right."""
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.TRUSTED_PROXY_COUNT
    if count > 0 and is_trusted_proxy(remote):
        hops = [h for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
        if len(hops) >= count and all(is_trusted_proxy(h) for h in hops[len(hops) - count + 1 :]):
            address = _valid(hops[-count])
            if address:
                return address
    return _valid(remote) or remote or None


class LoginThrottle(AxesDatabaseHandler):
    """django-axes counts failures per email and address (5 in 15 minutes); this adds a limit
    per address across emails (LOGIN_FAILURES_PER_ADDRESS in the same window), so one client
    cannot try a password against every account of the organization."""

    def get_failures(self, request, credentials=None) -> int:
        failures = super().get_failures(request, credentials)
        address = getattr(request, "axes_ip_address", None)
        if address:
            across = (
                AccessAttempt.objects.filter(
                    ip_address=address, attempt_time__gte=get_cool_off_threshold(request)
                ).aggregate(n=Sum("failures_since_start"))["n"]
                or 0
            )
            limit = get_failure_limit(request, credentials)
            if across >= settings.LOGIN_FAILURES_PER_ADDRESS and failures < limit:
                request.locked_by_address = True  # the lockout page says which limit was reached
                failures = limit
        return failures


# Password reset ----------------------------------------------------------------------------------
RESET_WINDOW = 3600  # seconds


def hit(key: str) -> int:
    """Count one more request under `key` in the current hour (also the public verification page's
    limit, reports/views_verify.py)."""
    cache.add(key, 0, RESET_WINDOW)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, RESET_WINDOW)
        return 1


def reset_allowed(request, email: str) -> tuple[bool, bool]:
    """(address ok, email ok) for one more reset request: PASSWORD_RESETS_PER_ADDRESS and
    PASSWORD_RESETS_PER_EMAIL an hour. The email is hashed in the key (no address in the cache)."""
    address = client_ip(request) or "unknown"
    by_address = hit(f"reset:ip:{address}") <= settings.PASSWORD_RESETS_PER_ADDRESS
    digest = hashlib.sha256((email or "").strip().lower().encode()).hexdigest()
    by_email = hit(f"reset:email:{digest}") <= settings.PASSWORD_RESETS_PER_EMAIL
    return by_address, by_email
