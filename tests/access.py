"""One reusable access-test helper (docs/style.md): anonymous -> login, another organization -> 404,
wrong role -> 403, right role -> 200."""

from django.conf import settings


def assert_access(client, url, *, allowed=(), forbidden=(), not_found=(), method="get", data=None, ok_codes=(200,)):
    client.logout()
    resp = getattr(client, method)(url, data or {})
    assert resp.status_code == 302, f"anonymous {method.upper()} {url}: {resp.status_code}"
    assert settings.LOGIN_URL.split(":")[-1] in resp["Location"] or "/dang-nhap/" in resp["Location"]
    for user in forbidden:
        client.force_login(user)
        resp = getattr(client, method)(url, data or {})
        assert resp.status_code == 403, f"{user.email} should get 403 on {url}, got {resp.status_code}"
    for user in not_found:
        client.force_login(user)
        resp = getattr(client, method)(url, data or {})
        assert resp.status_code == 404, (
            f"{user.email} (other organization) should get 404 on {url}, got {resp.status_code}"
        )
    for user in allowed:
        client.force_login(user)
        resp = getattr(client, method)(url, data or {})
        assert resp.status_code in ok_codes, f"{user.email} should get {ok_codes} on {url}, got {resp.status_code}"
    client.logout()
