"""Reminder schedule (plan data with defaults), the log of what was sent, email preferences."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization


def default_days_before():
    return [7, 1]


def default_days_after():
    return [1]


class ReminderSchedule(models.Model):
    """When reminders go out for one plan (docs/rules.md “Reminders, digests and delegation of approval”). A plan without a row uses the defaults:
    7 days and 1 day before each deadline, the day after it; results 7 days after a trip ends;
    approvals waiting more than 3 days."""

    plan = models.OneToOneField("fieldwork.Plan", on_delete=models.CASCADE, related_name="reminder_schedule")
    days_before = models.JSONField(_("nhắc trước hạn (ngày)"), default=default_days_before, blank=True)
    days_after = models.JSONField(_("nhắc sau hạn (ngày)"), default=default_days_after, blank=True)
    results_days = models.PositiveSmallIntegerField(_("hạn báo cáo kết quả sau khi kết thúc đợt (ngày)"), default=7)
    waiting_days = models.PositiveSmallIntegerField(_("nhắc việc chờ phê duyệt quá (ngày)"), default=3)
    enabled = models.BooleanField(_("gửi nhắc việc"), default=True)

    class Meta:
        verbose_name = _("lịch nhắc việc")
        verbose_name_plural = _("lịch nhắc việc")

    def __str__(self):
        return f"ReminderSchedule of plan {self.plan_id}"


class SentReminder(models.Model):
    """One reminder or digest sent to one person: the unique key (person, kind, key) makes a
    second run, a retry or a second worker send nothing (docs/rules.md “Reminders, digests and delegation of approval”). `key` is the deadline and
    its step ("2023-02-15@-7") for reminders, the period ("2023-W05", "2023-03") for digests."""

    class Kind(models.TextChoices):
        REGISTRATION_DUE = "registration_due", _("Sắp đến hạn đăng ký (mẫu 1)")
        REGISTRATION_LATE = "registration_late", _("Quá hạn đăng ký (mẫu 1)")
        CONSOLIDATION_DUE = "consolidation_due", _("Sắp đến hạn tổng hợp (mẫu 2)")
        CONSOLIDATION_LATE = "consolidation_late", _("Quá hạn tổng hợp (mẫu 2)")
        QUARTER_REPORT_DUE = "quarter_report_due", _("Sắp đến hạn báo cáo quý (mẫu 3)")
        QUARTER_REPORT_LATE = "quarter_report_late", _("Quá hạn báo cáo quý (mẫu 3)")
        RESULTS_DUE = "results_due", _("Chưa báo cáo kết quả đợt đi")
        APPROVALS_WAITING = "approvals_waiting", _("Việc chờ phê duyệt")
        AT_RISK_DIGEST = "at_risk_digest", _("Cán bộ có nguy cơ không đạt")
        BOARD_DIGEST = "board_digest", _("Tổng hợp cho Ban Tổ chức – Kiểm tra")
        NEW_HEADS = "new_heads", _("Lãnh đạo ban mới (cho Thường trực)")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sent_reminders")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    key = models.CharField(max_length=40)
    deadline = models.DateField(null=True, blank=True)
    plan = models.ForeignKey("fieldwork.Plan", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    period = models.PositiveSmallIntegerField(null=True, blank=True)  # quarter, 0 = the year
    as_of = models.DateField()
    subject = models.CharField(max_length=200)
    body = models.TextField()
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    email_wanted = models.BooleanField(default=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    email_attempts = models.PositiveSmallIntegerField(default=0)
    email_error = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("nhắc việc đã gửi")
        verbose_name_plural = _("nhắc việc đã gửi")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["organization", "created_at"])]
        constraints = [models.UniqueConstraint(fields=["person", "kind", "key"], name="uniq_sent_reminder")]

    def __str__(self):
        return f"{self.kind} {self.key} -> {self.person_id}"

    @property
    def email_status(self) -> str:
        if not self.email_wanted:
            return "off"
        return "sent" if self.emailed_at else ("failed" if self.email_error else "queued")


# docs/rules.md “A year in the life”: what a person chooses by kind. Deadlines: the reminders before and after each
# deadline (mẫu 1, 2, 3, a trip's results); digests: the periodic summaries (what waits for
# approval, who is at risk, the Board's digest).
DIGEST_KINDS = frozenset(
    {SentReminder.Kind.APPROVALS_WAITING, SentReminder.Kind.AT_RISK_DIGEST, SentReminder.Kind.BOARD_DIGEST}
)


class ReminderPreference(models.Model):
    """How a person gets reminders, by kind (deadlines, digests) and channel (email, in-app).
    No row: everything on."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_preference")
    # `email`: the deadlines by email (the one box of before, docs/rules.md “Reminders, digests and delegation of approval”, kept under its name).
    email = models.BooleanField(_("nhắc hạn qua email"), default=True)
    deadlines_app = models.BooleanField(_("nhắc hạn trên hệ thống"), default=True)
    digests_email = models.BooleanField(_("bản tổng hợp qua email"), default=True)
    digests_app = models.BooleanField(_("bản tổng hợp trên hệ thống"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("tùy chọn nhắc việc")
        verbose_name_plural = _("tùy chọn nhắc việc")

    def __str__(self):
        return f"ReminderPreference of {self.user_id}"

    def channels(self, kind: str) -> tuple[bool, bool]:
        """(by email, in the app) for a reminder of this kind."""
        if kind in DIGEST_KINDS:
            return self.digests_email, self.digests_app
        return self.email, self.deadlines_app
