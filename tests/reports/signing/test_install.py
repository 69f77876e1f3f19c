"""Installing an organization's certificate (docs/signing.md, docs/domain.md §10 `signing install`):
every refusal is a clear Vietnamese error and changes nothing; the private key is never in the
database, a backup, a log or a response in clear."""

import logging
import re
from io import StringIO

import pytest
from cryptography.hazmat.primitives import serialization
from django.core.management import CommandError, call_command
from django.urls import reverse

from reports.models import SigningCertificate
from reports.signing import SigningError
from reports.signing.pkcs12 import install

from .ca import PASSWORD

pytestmark = pytest.mark.django_db


def write(tmp_path, data: bytes, password: bytes = PASSWORD):
    p12, pw = tmp_path / "cert.p12", tmp_path / "pw.txt"
    p12.write_bytes(data)
    pw.write_bytes(password + b"\n")
    return p12, pw


def cli_install(p12, pw):
    out = StringIO()
    call_command(
        "signing", "install", "--org", "tay-ninh", "--pkcs12", str(p12), "--password-file", str(pw), stdout=out
    )
    return out.getvalue()


def test_install_and_show(people, good_p12, tmp_path):
    out = cli_install(*write(tmp_path, good_p12))
    assert "Đã cài chứng thư số cho" in out and "CN=Tỉnh đoàn Tây Ninh" in out
    shown = StringIO()
    call_command("signing", "show", "--org", "tay-ninh", stdout=shown)
    text = shown.getvalue()
    assert "Chủ thể:      CN=Tỉnh đoàn Tây Ninh,O=Tỉnh đoàn Tây Ninh,C=VN" in text
    assert "Tổ chức cấp:  CN=CA Thử nghiệm" in text and "Hiệu lực:     từ " in text
    assert "PRIVATE" not in text


def test_a_second_install_retires_the_first(people, good_p12, ca, tmp_path):
    first = install(organization=people["org"], data=good_p12, password=PASSWORD)
    key, cert = ca.issue()
    second = install(organization=people["org"], data=ca.pkcs12(key, cert), password=PASSWORD)
    first.refresh_from_db()
    assert first.retired_at is not None and second.retired_at is None


@pytest.mark.parametrize(
    "case,message",
    [
        ("password", "Mật khẩu của tệp chứng thư số không đúng."),
        ("garbage", "Tệp không phải chứng thư số dạng PKCS#12 (.p12 hoặc .pfx)."),
        ("pem", "Tệp không phải chứng thư số dạng PKCS#12 (.p12 hoặc .pfx)."),
        ("expired", "Chứng thư số đã hết hạn ngày"),
        ("future", "Chứng thư số chưa có hiệu lực (hiệu lực từ ngày"),
        ("usage", "Chứng thư số không có mục đích sử dụng “ký số” (digitalSignature)"),
    ],
)
def test_refusals_change_nothing(people, good_p12, ca, tmp_path, case, message):
    before = install(organization=people["org"], data=good_p12, password=PASSWORD)
    password = PASSWORD
    if case == "password":
        data, password = good_p12, b"sai-mat-khau"
    elif case == "garbage":
        data = b"%PDF-1.7 not a certificate"
    elif case == "pem":
        data = ca.cert.public_bytes(serialization.Encoding.PEM)
    elif case == "expired":
        data = ca.pkcs12(*ca.issue(days_from=-400, days_to=-1))
    elif case == "future":
        data = ca.pkcs12(*ca.issue(days_from=10, days_to=400))
    else:
        data = ca.pkcs12(*ca.issue(digital_signature=False))
    with pytest.raises(SigningError, match=re.escape(message)):
        install(organization=people["org"], data=data, password=password)
    with pytest.raises(CommandError, match="Chưa có gì thay đổi"):
        cli_install(*write(tmp_path, data, password))
    assert list(SigningCertificate.objects.values_list("pk", "retired_at")) == [(before.pk, None)]


def test_no_encryption_key_on_the_server_refuses(people, good_p12, settings):
    settings.SIGNING_KEY_ENCRYPTION_KEY = ""
    with pytest.raises(SigningError, match="SIGNING_KEY_ENCRYPTION_KEY"):
        install(organization=people["org"], data=good_p12, password=PASSWORD)
    assert not SigningCertificate.objects.exists()


def test_show_without_certificate(people):
    with pytest.raises(CommandError, match="chưa cài chứng thư số"):
        call_command("signing", "show", "--org", "tay-ninh")


def key_forms(ca, p12: bytes):
    """Every clear form of the private key in the PKCS#12 file: DER (PKCS#8, traditional), PEM body."""
    from cryptography.hazmat.primitives.serialization import pkcs12

    key = pkcs12.load_pkcs12(p12, PASSWORD).key
    forms = []
    for fmt in (serialization.PrivateFormat.PKCS8, serialization.PrivateFormat.TraditionalOpenSSL):
        der = key.private_bytes(serialization.Encoding.DER, fmt, serialization.NoEncryption())
        pem = key.private_bytes(serialization.Encoding.PEM, fmt, serialization.NoEncryption())
        forms += [der, der[-64:], pem.splitlines()[3]]
    numbers = key.private_numbers()
    forms.append(numbers.d.to_bytes((numbers.d.bit_length() + 7) // 8, "big")[:32])
    return forms


def test_key_never_in_clear_in_database_or_logs(people, good_p12, ca, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    cli_install(*write(tmp_path, good_p12))
    row = SigningCertificate.objects.get()
    stored = bytes(row.encrypted_key)
    clear = key_forms(ca, good_p12)
    for form in clear:
        assert form not in stored
    logged = caplog.text.encode()
    for form in clear:
        assert form not in logged
    assert PASSWORD not in logged and b"PRIVATE KEY" not in logged
    assert "encrypted_key" not in repr(row) and str(stored[:20]) not in repr(row)


@pytest.mark.django_db(transaction=True)  # the backup copies committed data (SQLite's backup API, pg_dump)
def test_key_never_in_clear_in_a_backup(people, good_p12, ca, tmp_path):
    from config.backup import create_backup

    cli_install(*write(tmp_path, good_p12))
    clear = key_forms(ca, good_p12)
    manifest = create_backup(tmp_path / "backup")
    assert manifest["tables"]["reports_signingcertificate"] == 1
    files = [p for p in (tmp_path / "backup").rglob("*") if p.is_file()]
    assert files
    for path in files:
        data = path.read_bytes()
        for form in clear:
            assert form not in data, path
        assert PASSWORD not in data


def test_admin_installs_a_certificate_and_never_shows_the_key(client, people, good_p12, ca, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.factories import UserFactory

    admin = UserFactory(department=people["d2"], email="qt@tn.vn", roles=["cadre", "admin"], is_staff=True)
    client.force_login(admin)
    url = reverse("admin:reports_signingcertificate_add")
    page = client.get(url)
    assert page.status_code == 200 and "Mật khẩu của tệp" in page.content.decode()
    # a wrong password: the form says so, nothing is installed
    bad = client.post(
        url,
        {"organization": people["org"].pk, "pkcs12": SimpleUploadedFile("c.p12", good_p12), "password": "sai"},
    )
    assert bad.status_code == 200 and "Mật khẩu của tệp chứng thư số không đúng." in bad.content.decode()
    assert not SigningCertificate.objects.exists()
    # another organization is not offered
    ok = client.post(
        url,
        {
            "organization": people["other_plan"].organization.pk,
            "pkcs12": SimpleUploadedFile("c.p12", good_p12),
            "password": PASSWORD.decode(),
        },
    )
    assert ok.status_code == 200 and not SigningCertificate.objects.exists()
    done = client.post(
        url,
        {
            "organization": people["org"].pk,
            "pkcs12": SimpleUploadedFile("c.p12", good_p12),
            "password": PASSWORD.decode(),
        },
    )
    assert done.status_code == 302
    row = SigningCertificate.objects.get()
    assert row.organization == people["org"] and row.installed_by == admin
    change = client.get(reverse("admin:reports_signingcertificate_change", args=[row.pk]))
    body = change.content
    assert change.status_code == 200 and b"CN=T" in body
    for form in key_forms(ca, good_p12):
        assert form not in body
    assert bytes(row.encrypted_key)[:40] not in body
    assert (
        client.post(reverse("admin:reports_signingcertificate_delete", args=[row.pk]), {"post": "yes"}).status_code
        == 403
    )
