"""Personal data (docs/privacy.md, docs/domain.md §10 `privacy export`): what a person answered to
the notice and to the optional evidence question, who looked at another person's data, and the
requests to correct something the organization keeps."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Consent(models.Model):
    """One answer of a person, kept as a record (the latest answer of each kind is in force):
    `notice` — read and confirmed the notice of version `version`; `photo_evidence` — agreed
    (`given`) or refused/withdrew (not `given`) keeping the time and place a photo was taken."""

    class Kind(models.TextChoices):
        NOTICE = "notice", _("Xác nhận đã đọc thông báo xử lý dữ liệu cá nhân")
        PHOTO_EVIDENCE = "photo_evidence", _("Lưu thời gian, vị trí chụp ảnh làm minh chứng")

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consents")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    version = models.CharField(max_length=20, blank=True)
    given = models.BooleanField(default=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("xác nhận, đồng ý")
        verbose_name_plural = _("xác nhận, đồng ý")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["person", "kind", "at"])]

    def __str__(self):
        return f"Consent {self.pk}: {self.kind} {self.version} ({'given' if self.given else 'refused'})"


class DataAccess(models.Model):
    """Who looked (docs/privacy.md): a person opened another person's profile, standing,
    exemption, attachment or year-end remark. Read by the person ("Dữ liệu của tôi") and, whole,
    by the Inspection Committee."""

    class What(models.TextChoices):
        PROFILE = "profile", _("Hồ sơ cán bộ")
        STANDING = "standing", _("Tình hình thực hiện")
        EXEMPTION = "exemption", _("Quyết định miễn")
        EXEMPTION_DOCUMENT = "exemption_document", _("Văn bản kèm quyết định miễn")
        TRIP = "trip", _("Đợt đi cơ sở và tệp đính kèm")
        ATTACHMENT = "attachment", _("Tệp đính kèm của đợt đi cơ sở")
        REMARK = "remark", _("Nhận xét cuối năm")

    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE, related_name="+")
    viewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="data_accesses")
    what = models.CharField(max_length=20, choices=What.choices)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("lượt xem dữ liệu cá nhân")
        verbose_name_plural = _("lượt xem dữ liệu cá nhân")
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["organization", "at"]),
            models.Index(fields=["person", "at"]),
        ]

    def __str__(self):
        return f"DataAccess {self.pk}: {self.viewer_id} -> {self.person_id} ({self.what})"


class CorrectionRequest(models.Model):
    """A person asks the Board to correct something the organization keeps about them; the Board
    answers (corrected or why not), and the answer is kept with the request."""

    class Status(models.TextChoices):
        OPEN = "open", _("Chờ Ban Tổ chức – Kiểm tra trả lời")
        ANSWERED = "answered", _("Đã trả lời")

    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="correction_requests")
    text = models.TextField(_("nội dung cần điều chỉnh"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    answer = models.TextField(_("trả lời"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("yêu cầu điều chỉnh dữ liệu")
        verbose_name_plural = _("yêu cầu điều chỉnh dữ liệu")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["organization", "status", "created_at"])]

    def __str__(self):
        return f"CorrectionRequest {self.pk}: person {self.person_id} ({self.status})"
