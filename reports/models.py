import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from fieldwork.models import Plan


class ReportJob(models.Model):
    """One request for a report file, produced by a Celery task (docs/domain.md §8)."""

    class Kind(models.TextChoices):
        MAU1 = "mau1", _("Mẫu 1 – Bản đăng ký")
        MAU2 = "mau2", _("Mẫu 2 – Bản tổng hợp đăng ký")
        MAU3 = "mau3", _("Mẫu 3 – Báo cáo kết quả quý")
        COMPLIANCE = "compliance", _("Báo cáo tình hình thực hiện quý")
        YEAREND = "yearend", _("Báo cáo kết quả cuối năm")
        YEARSHEET = "yearsheet", _("Bảng đánh giá cán bộ cuối năm")
        ROLLUP = "rollup", _("Báo cáo tổng hợp các đơn vị trực thuộc")

    class Format(models.TextChoices):
        XLSX = "xlsx", "XLSX"
        PDF = "pdf", "PDF"

    class Status(models.TextChoices):
        QUEUED = "queued", _("Đang chờ")
        RUNNING = "running", _("Đang tạo")
        DONE = "done", _("Hoàn thành")
        FAILED = "failed", _("Lỗi")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="report_jobs")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    format = models.CharField(max_length=4, choices=Format.choices)
    params = models.JSONField(default=dict)  # year, quarter, department_id, cadre_id
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="report_jobs"
    )
    scheduled = models.BooleanField(default=False)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    file_path = models.CharField(max_length=500, blank=True)  # relative to MEDIA_ROOT, never public
    file_name = models.CharField(max_length=255, blank=True)
    file_size = models.PositiveBigIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["organization", "kind", "created_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.format})"

    @property
    def is_stalled(self) -> bool:
        """Running for longer than the task's hard time limit: its worker was lost (killed, out of
        memory) and the broker has not redelivered it yet. The user may retry it."""
        if self.status != self.Status.RUNNING or self.started_at is None:
            return False
        return timezone.now() - self.started_at > timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)

    @property
    def is_polling(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING) and not self.is_stalled


class ScheduledRun(models.Model):
    """Celery beat's quarterly production: one row per organization and quarter, so a second
    firing produces nothing new (docs/domain.md §8)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveIntegerField()
    quarter = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "year", "quarter"], name="uniq_scheduled_run")]

    def __str__(self):
        return f"{self.organization_id} {self.year} Q{self.quarter}"


class YearEndText(models.Model):
    """What the Board writes into the year-end report (docs/domain.md §8, seed 000): what was done
    well, the limitations and the proposals of the year. One per plan, edited on the year-end page."""

    plan = models.OneToOneField(Plan, on_delete=models.CASCADE, related_name="year_end_text")
    strengths = models.TextField(_("mặt được"), blank=True)
    limitations = models.TextField(_("hạn chế"), blank=True)
    proposals = models.TextField(_("đề xuất, kiến nghị"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"YearEndText {self.plan_id}"


class CadreRemark(models.Model):
    """The remark of a cadre's approver (the head of the department for its cadres; a Standing
    member for a head) on the year-end sheet the Standing Committee evaluates from."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="cadre_remarks")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="year_end_remarks")
    text = models.TextField(_("nhận xét"), blank=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["plan", "person"], name="uniq_cadre_remark")]

    def __str__(self):
        return f"CadreRemark {self.plan_id}/{self.person_id}"


class RollupSubmission(models.Model):
    """A child organization's quarterly compliance figures as sent to its parent (docs/rules.md “Organizations in a tree and the roll-up”,
    docs/domain.md §10 `report rollup`). The figures are frozen as JSON at the moment of sending
    and the compliance report files (PDF, XLSX) are produced from the same date: what the parent
    read stays what was sent, even if the child corrects its data later. A corrected resubmission
    is a new row with the next version; every version is kept."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="rollup_submissions")
    # The parent at the time of sending (an organization may later move in the tree).
    parent = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="received_submissions")
    year = models.PositiveIntegerField()
    quarter = models.PositiveSmallIntegerField()
    version = models.PositiveSmallIntegerField(default=1)
    figures = models.JSONField(default=dict)
    as_of = models.DateField()
    deadline = models.DateField()
    late = models.BooleanField(default=False)
    note = models.TextField(blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(default=timezone.now)
    pdf_job = models.ForeignKey(ReportJob, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    xlsx_job = models.ForeignKey(ReportJob, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["organization_id", "year", "quarter", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "year", "quarter", "version"], name="uniq_rollup_submission_version"
            )
        ]
        indexes = [models.Index(fields=["year", "quarter", "organization"])]

    def __str__(self):
        return f"{self.organization_id} {self.year} Q{self.quarter} v{self.version}"


# docs/signing.md: the register of issued documents, the organizations' signing certificates and the
# signatures made with them (docs/domain.md §10, docs/signing.md, docs/security.md).
class AppendOnlyQuerySet(models.QuerySet):
    """The register is never edited or deleted from code: bulk update() and delete() refuse.
    (An organization's deletion still cascades through the database; retention aside.)"""

    def update(self, **kwargs):
        # The one update allowed: on_delete=SET_NULL when a person or a report job is deleted
        # (Django's deletion collector); the entry keeps its code, facts and SHA-256.
        if kwargs and all(v is None and self._set_null(name) for name, v in kwargs.items()):
            return super().update(**kwargs)
        raise PermissionError("append-only register")

    def _set_null(self, name) -> bool:
        field = self.model._meta.get_field(name)
        remote = getattr(field, "remote_field", None)
        return bool(field.null and remote is not None and remote.on_delete is models.SET_NULL)

    def delete(self):
        raise PermissionError("append-only register")


class AppendOnly(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("append-only register")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("append-only register")


class IssuedDocument(AppendOnly):
    """One entry of the register of issued documents: every PDF and XLSX the product issues
    (reports.services.produce). A re-issued document is a new entry; an entry is never changed."""

    code = models.CharField(_("mã văn bản"), max_length=11, unique=True)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="issued_documents")
    kind = models.CharField(_("loại"), max_length=12, choices=ReportJob.Kind.choices)
    format = models.CharField(_("định dạng"), max_length=4, choices=ReportJob.Format.choices)
    period = models.CharField(_("kỳ"), max_length=60)
    job = models.ForeignKey(ReportJob, on_delete=models.SET_NULL, null=True, blank=True, related_name="documents")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Whose signature block the document carries (docs/domain.md §8): who may sign it digitally.
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    signer_name = models.CharField(max_length=200, blank=True)
    signer_title = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(_("ngày phát hành"), default=timezone.now)
    sha256 = models.CharField(max_length=64, db_index=True)
    size = models.PositiveBigIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("văn bản đã phát hành")
        verbose_name_plural = _("sổ đăng ký văn bản")

    def __str__(self):
        return self.code


class SigningCertificate(models.Model):
    """An organization's signing certificate (PKCS#12 installed by `signing install` or the admin
    page). The private key is kept only as a Fernet token under SIGNING_KEY_ENCRYPTION_KEY (from the
    environment, never in the database): it is never shown, downloaded or logged. Installing a new
    certificate retires the previous one; every one is kept, so a signature made with a retired
    certificate still verifies as the one the organization had installed at signing time."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="signing_certificates")
    provider = models.CharField(max_length=20, default="pkcs12")
    subject = models.CharField(_("chủ thể"), max_length=500)
    issuer = models.CharField(_("tổ chức cấp"), max_length=500)
    serial = models.CharField(max_length=80)
    fingerprint = models.CharField(max_length=64, db_index=True)  # SHA-256 of the certificate (DER)
    not_before = models.DateTimeField(_("hiệu lực từ"))
    not_after = models.DateTimeField(_("hiệu lực đến"))
    certificate_pem = models.TextField()
    chain_pem = models.TextField(blank=True)
    encrypted_key = models.BinaryField(editable=False)
    installed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    installed_at = models.DateTimeField(default=timezone.now)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-installed_at"]
        verbose_name = _("chứng thư số")
        verbose_name_plural = _("chứng thư số")

    def __str__(self):
        return self.subject

    def __repr__(self):  # never the key, even encrypted
        return f"<SigningCertificate {self.pk} {self.subject!r}>"


class DocumentSignature(AppendOnly):
    """A digital signature made on an issued document: the signed file's SHA-256 (a second entry
    of the same document in the register), who signed, with which certificate, at which level."""

    document = models.ForeignKey(IssuedDocument, on_delete=models.CASCADE, related_name="signatures")
    certificate = models.ForeignKey(SigningCertificate, on_delete=models.PROTECT, related_name="signatures")
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    signed_at = models.DateTimeField(default=timezone.now)
    level = models.CharField(max_length=8)  # "B-B" or "B-T" (PAdES baseline)
    sha256 = models.CharField(max_length=64, db_index=True)
    size = models.PositiveBigIntegerField(default=0)

    class Meta:
        ordering = ["signed_at"]
        verbose_name = _("chữ ký số")
        verbose_name_plural = _("chữ ký số")

    def __str__(self):
        return f"{self.document_id} {self.level}"
