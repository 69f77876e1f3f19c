"""The compose file and the Dockerfile agree with the operations code (docs/operations.md)."""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_pg_dump_in_the_image_matches_the_postgres_service():
    image = compose()["services"]["postgres"]["image"]
    major = re.search(r"postgres:(\d+)", image).group(1)
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert f"ARG PG_MAJOR={major}" in dockerfile and "postgresql-client-${PG_MAJOR}" in dockerfile


def test_web_is_healthy_when_ready_and_backups_have_a_volume():
    c = compose()
    web = c["services"]["web"]
    assert "/readyz" in " ".join(web["healthcheck"]["test"])
    assert "--config python:config.gunicorn_conf" in web["command"]
    assert "backups" in c["volumes"]
    for name in ("web", "worker", "beat"):
        assert "backups:/app/backups" in c["services"][name]["volumes"]


# docs/security.md: the proxy is the only way in, and the only one whose forwarded headers count -----
def test_only_the_proxy_is_published_and_web_trusts_only_its_address():
    import ipaddress

    c = compose()
    services = c["services"]
    published = {name for name, svc in services.items() if svc.get("ports")}
    assert published == {"proxy"}  # gunicorn's port 8000 reaches the compose networks only
    assert sorted(services["proxy"]["ports"]) == ["443:443", "80:80"]
    web = services["web"]
    assert "--bind 0.0.0.0:8000" in web["command"] and web["expose"] == ["8000"]
    assert set(web["networks"]) == {"default", "edge"}
    proxy_ip = ipaddress.ip_address(services["proxy"]["networks"]["edge"]["ipv4_address"])
    subnet = ipaddress.ip_network(c["networks"]["edge"]["ipam"]["config"][0]["subnet"])
    assert proxy_ip in subnet
    trusted = [ipaddress.ip_network(n) for n in web["environment"]["TRUSTED_PROXIES"].split(",")]
    assert trusted == [ipaddress.ip_network(f"{proxy_ip}/32")]
    assert web["environment"]["TRUSTED_PROXY_COUNT"] == "1"
    # The health checks of another change are kept, the proxy has its own.
    for name in ("postgres", "redis", "web", "worker", "beat", "proxy"):
        assert services[name]["healthcheck"]["test"], name


def test_the_proxy_config_is_in_the_repository_and_replaces_forwarded_headers():
    c = compose()
    mounts = {v.split(":")[0]: v.split(":")[1] for v in c["services"]["proxy"]["volumes"]}
    assert mounts["./deploy/nginx.conf"] == "/etc/nginx/conf.d/default.conf"
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    assert "server web:8000;" in conf and "proxy_pass http://fieldwork_web;" in conf
    # One hop: the client's own X-Forwarded-For is replaced, never appended to.
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in conf
    assert "$proxy_add_x_forwarded_for" not in conf
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in conf
    body = int(c["services"]["web"]["environment"]["REQUEST_MAX_BODY_BYTES"])
    assert f"client_max_body_size {body // (1024 * 1024)}m;" in conf
    env_example = (ROOT / ".env.example").read_text()
    assert "TRUSTED_PROXY_COUNT=1" in env_example and "TRUSTED_PROXIES=172.30.0.10/32" in env_example
