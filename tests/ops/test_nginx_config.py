"""deploy/nginx.conf under a real nginx (docs/security.md): `nginx -t` accepts it, and a request
through it reaches the app with the forwarded headers the app believes (TRUSTED_PROXIES,
TRUSTED_PROXY_COUNT=1): X-Forwarded-For is the address nginx saw, never the client's own header,
and X-Forwarded-Proto says https.

The file is the proxy container's conf.d/default.conf, read inside the `http` block of the
image's main nginx.conf: the test wraps a copy the same way. In the copy only what names the
compose network and the container's files changes: the upstream `web:8000` becomes a local
server, the listening ports free local ones, the certificate paths a throw-away certificate.
"""

import re
import shutil
import socket
import ssl
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.deploy


def _nginx() -> str:
    path = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")
    assert path, "Debian's nginx-light is installed by `make system-deps`"
    return path


def _version(nginx: str) -> tuple[int, ...]:
    out = subprocess.run([nginx, "-v"], capture_output=True, text=True, timeout=10).stderr
    return tuple(int(x) for x in re.search(r"nginx/(\d+)\.(\d+)\.(\d+)", out).groups())


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _site(tmp: Path, nginx: str, upstream: int, http_port: int, https_port: int) -> str:
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    replaced = [
        ("server web:8000;", f"server 127.0.0.1:{upstream};"),
        ("listen 80 default_server;", f"listen 127.0.0.1:{http_port} default_server;"),
        ("listen [::]:80 default_server;", ""),
        ("listen 443 ssl default_server;", f"listen 127.0.0.1:{https_port} ssl default_server;"),
        ("listen [::]:443 ssl default_server;", ""),
        ("/etc/nginx/certs/", f"{tmp}/certs/"),
        ("/var/www/certbot", f"{tmp}/certbot"),
    ]
    for old, new in replaced:
        assert old in conf, old  # the file still says what the compose file mounts and names
        conf = conf.replace(old, new)
    if _version(nginx) < (1, 25, 1):
        # The image is nginx 1.27 (`http2 on;`); an older Debian nginx knows the listen parameter.
        assert "    http2 on;\n" in conf
        conf = conf.replace("    http2 on;\n", "").replace(" ssl default_server;", " ssl http2 default_server;")
    return conf


def _config(tmp: Path, nginx: str, upstream: int, http_port: int, https_port: int) -> Path:
    (tmp / "certs").mkdir()
    (tmp / "certbot").mkdir()
    (tmp / "logs").mkdir()
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost"]
        + ["-keyout", str(tmp / "certs" / "privkey.pem"), "-out", str(tmp / "certs" / "fullchain.pem")],
        check=True,
        capture_output=True,
        timeout=60,
    )
    (tmp / "default.conf").write_text(_site(tmp, nginx, upstream, http_port, https_port))
    temp = "\n".join(f"  {d}_temp_path {tmp}/{d};" for d in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    main = tmp / "nginx.conf"
    # The image's main file, reduced: events, then the site inside http.
    main.write_text(
        f"pid {tmp}/nginx.pid;\nerror_log {tmp}/logs/error.log;\nevents {{}}\n"
        f"http {{\n  default_type application/octet-stream;\n  sendfile on;\n  keepalive_timeout 65;\n"
        f"  access_log {tmp}/logs/access.log;\n{temp}\n  include {tmp}/default.conf;\n}}\n"
    )
    return main


def _run(nginx: str, main: Path, *args: str) -> subprocess.CompletedProcess:
    tmp = main.parent
    return subprocess.run(
        [nginx, "-p", f"{tmp}/", "-e", f"{tmp}/logs/error.log", "-c", str(main), *args],
        capture_output=True,
        text=True,
        timeout=30,
    )


def test_nginx_accepts_the_proxy_config(tmp_path):
    nginx = _nginx()
    main = _config(tmp_path, nginx, _free_port(), _free_port(), _free_port())
    proc = _run(nginx, main, "-t")
    assert proc.returncode == 0, proc.stderr
    assert "test is successful" in proc.stderr


class _Recorder(BaseHTTPRequestHandler):
    seen: list = []

    def do_GET(self):  # noqa: N802 (http.server's name)
        self.seen.append((self.client_address[0], dict(self.headers.items())))
        body = b"ok"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def _get(port: int, path: str, headers: dict, *, tls: bool, source: str) -> tuple[int, dict]:
    with socket.create_connection(("127.0.0.1", port), timeout=10, source_address=(source, 0)) as raw:
        sock = raw
        if tls:
            ctx = ssl.create_default_context()
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
            sock = ctx.wrap_socket(raw, server_hostname="localhost")
        lines = [f"GET {path} HTTP/1.1", "Host: localhost", "Connection: close"]
        lines += [f"{k}: {v}" for k, v in headers.items()]
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    status = int(head[0].split()[1])
    return status, {k.strip().lower(): v.strip() for k, v in (h.split(":", 1) for h in head[1:])}


def test_a_request_through_nginx_carries_the_headers_the_app_believes(tmp_path, settings, rf):
    """A client at 127.0.0.2 forges X-Forwarded-For, Forwarded and X-Real-IP; the app, which
    trusts the proxy's address only, sees the client's real address and https."""
    from accounts.network import client_ip
    from config.middleware import ForwardedHeadersMiddleware

    nginx = _nginx()
    upstream = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    _Recorder.seen = []
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    http_port, https_port = _free_port(), _free_port()
    main = _config(tmp_path, nginx, upstream.server_address[1], http_port, https_port)
    started = _run(nginx, main)
    assert started.returncode == 0, started.stderr
    try:
        deadline = time.monotonic() + 10
        while not (tmp_path / "nginx.pid").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        forged = {
            "X-Forwarded-For": "203.0.113.9",
            "X-Forwarded-Proto": "http",
            "X-Forwarded-Host": "evil.example",
            "Forwarded": "for=203.0.113.9",
            "X-Real-IP": "203.0.113.9",
        }
        status, _headers = _get(https_port, "/trang/", forged, tls=True, source="127.0.0.2")
        assert status == 200
        # Plain http: redirected to https, never passed to the app.
        status, headers = _get(http_port, "/trang/?a=1", forged, tls=False, source="127.0.0.2")
        assert status == 301 and headers["location"] == "https://localhost/trang/?a=1"
        status, _headers = _get(http_port, "/nginx-health", {}, tls=False, source="127.0.0.2")
        assert status == 200
    finally:
        _run(nginx, main, "-s", "stop")
        upstream.shutdown()
        upstream.server_close()

    assert len(_Recorder.seen) == 1
    peer, received = _Recorder.seen[0]
    received = {k.lower(): v for k, v in received.items()}
    assert received["x-forwarded-for"] == "127.0.0.2"
    assert received["x-forwarded-proto"] == "https"
    for header in ("forwarded", "x-forwarded-host", "x-forwarded-port", "x-real-ip"):
        assert header not in received, header
    assert received["host"] == "localhost" and received.get("x-request-id")

    # The app, trusting the proxy's address only, reads them as the client's.
    settings.TRUSTED_PROXY_COUNT = 1
    settings.TRUSTED_PROXIES = [f"{peer}/32"]
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    meta = {"HTTP_" + k.upper().replace("-", "_"): v for k, v in received.items() if k.startswith("x-")}
    request = rf.get("/trang/", REMOTE_ADDR=peer, **meta)
    ForwardedHeadersMiddleware(lambda r: None)(request)
    assert client_ip(request) == "127.0.0.2"
    assert request.is_secure()
