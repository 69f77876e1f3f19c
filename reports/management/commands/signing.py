"""python manage.py signing install --org CODE --pkcs12 FILE.p12 --password-file FILE
python manage.py signing show --org CODE (docs/domain.md §10, docs/security.md).

The password is read from a file (never an argument: it would be in the shell history and the
process list). The key is stored encrypted; nothing of it is printed."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reports import services
from reports.signing import SigningError
from reports.signing.pkcs12 import install
from reports.signing.service import active_certificate


class Command(BaseCommand):
    help = "Cài hoặc xem chứng thư số của tổ chức (PKCS#12) dùng để ký số văn bản."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        p = sub.add_parser("install", help="cài chứng thư số (PKCS#12 kèm chuỗi chứng thư)")
        p.add_argument("--org", required=True)
        p.add_argument("--pkcs12", "--file", dest="pkcs12", required=True)
        p.add_argument("--password-file", dest="password_file", required=True)
        s = sub.add_parser("show", help="xem chứng thư số đang dùng")
        s.add_argument("--org", required=True)

    def handle(self, *args, **o):
        try:
            org = services.find_organization(o["org"])
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        if o["action"] == "install":
            try:
                with open(o["pkcs12"], "rb") as f:
                    data = f.read()
                with open(o["password_file"], "rb") as f:
                    password = f.read().rstrip(b"\r\n")
            except OSError as exc:
                raise CommandError(f"Không đọc được tệp “{exc.filename}”: {exc.strerror}") from exc
            try:
                cert = install(organization=org, data=data, password=password)
            except SigningError as exc:
                raise CommandError(f"{exc} Chưa có gì thay đổi.") from exc
            self.stdout.write(f"Đã cài chứng thư số cho {org.name}.")
            self._show(cert)
        else:
            cert = active_certificate(org.pk)
            if cert is None:
                raise CommandError(f"{org.name} chưa cài chứng thư số.")
            self._show(cert)

    def _show(self, cert):
        fmt = "%d/%m/%Y %H:%M"
        self.stdout.write(f"Chủ thể:      {cert.subject}")
        self.stdout.write(f"Tổ chức cấp:  {cert.issuer}")
        self.stdout.write(f"Số hiệu:      {cert.serial}")
        self.stdout.write(
            f"Hiệu lực:     từ {timezone.localtime(cert.not_before).strftime(fmt)} "
            f"đến {timezone.localtime(cert.not_after).strftime(fmt)}"
        )
        self.stdout.write(f"SHA-256:      {cert.fingerprint}")
