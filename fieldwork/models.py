"""The year's plan (rule set), exemptions, trips, registrations and quarterly reports.

Rules live in fieldwork/quota/engine.py (pure); state changes in fieldwork/services.py.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Department, Organization
from fieldwork.locations import place_parts_key  # Trip.location_key, one normalization of place names


class Plan(models.Model):
    """docs/domain.md §5: one organization, one year, every parameter as data."""

    class ExemptionPolicy(models.TextChoices):
        FULL = "full", _("Miễn cả năm")
        PRORATE = "prorate", _("Giảm theo tỷ lệ thời gian")

    class RegistrationCycle(models.TextChoices):
        ANNUAL = "annual", _("Đăng ký một lần cho cả năm")
        QUARTERLY = "quarterly", _("Đăng ký theo từng quý")

    class DeadlineWording(models.TextChoices):
        BEFORE = "before", _("“trước ngày …”: nộp đúng ngày hạn là muộn")
        BY = "by", _("“chậm nhất ngày …”: nộp trong ngày hạn vẫn đúng hạn")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="plans")
    year = models.PositiveIntegerField(_("năm"))
    title = models.CharField(_("tên kế hoạch"), max_length=300, blank=True)
    template_code = models.CharField(max_length=50, blank=True)
    period_start = models.DateField(_("từ ngày"))
    period_end = models.DateField(_("đến ngày"))
    min_days = models.PositiveIntegerField(_("số ngày tối thiểu"), default=60)
    exemption_policy = models.CharField(
        _("chế độ miễn"), max_length=10, choices=ExemptionPolicy.choices, default=ExemptionPolicy.FULL
    )
    immersion_min_gap_days = models.PositiveIntegerField(
        _("khoảng cách tối thiểu giữa 2 đợt cùng ăn, cùng ở, cùng làm (ngày)"), null=True, blank=True
    )
    registration_deadline = models.DateField(_("hạn đăng ký (mẫu 1)"), null=True, blank=True)
    consolidation_deadline = models.DateField(_("hạn tổng hợp (mẫu 2)"), null=True, blank=True)
    quarter_report_day = models.PositiveSmallIntegerField(
        _("ngày hạn báo cáo quý (mẫu 3)"), null=True, blank=True, help_text=_("Ngày trong tháng cuối quý")
    )
    # docs/domain.md §5 / docs/domain.md §5: the registration cycle. Annual: one mẫu 1 and one mẫu 2 for the
    # year (stored as quarter 0); quarterly: one per quarter, due on a day of the quarter's first month.
    registration_cycle = models.CharField(
        _("chu kỳ đăng ký"), max_length=10, choices=RegistrationCycle.choices, default=RegistrationCycle.QUARTERLY
    )
    registration_quarter_day = models.PositiveSmallIntegerField(
        _("ngày hạn đăng ký trong tháng đầu quý"), default=10, help_text=_("Chu kỳ theo quý")
    )
    # docs/domain.md §5: the deadlines keep the document's wording. "before" ("trước ngày 15/02"): the
    # day itself is late; "by" ("chậm nhất ngày …", "hạn …"): the day itself is on time
    # (fieldwork.deadlines).
    deadline_wording = models.CharField(
        _("cách ghi hạn"), max_length=10, choices=DeadlineWording.choices, default=DeadlineWording.BEFORE
    )
    # Categories an immersion trip may be (codes); empty means any counting category (§7.5).
    immersion_categories = models.JSONField(_("nội dung của đợt cùng ăn, cùng ở, cùng làm"), default=list, blank=True)
    document_number = models.CharField(_("số văn bản kế hoạch"), max_length=100, blank=True)
    document_date = models.DateField(_("ngày văn bản kế hoạch"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("kế hoạch")
        verbose_name_plural = _("kế hoạch")
        ordering = ["-year"]
        constraints = [models.UniqueConstraint(fields=["organization", "year"], name="uniq_plan_year")]

    def __str__(self):
        return self.title or f"Kế hoạch {self.year}"

    @property
    def period_days(self) -> int:
        return (self.period_end - self.period_start).days + 1


class Group(models.Model):
    """Đối tượng (docs/domain.md §3): a class of cadres with its own immersion rule and focus."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="groups")
    code = models.CharField(_("mã"), max_length=20)
    name = models.CharField(_("tên"), max_length=200)
    focus = models.JSONField(_("nội dung trọng tâm"), default=list, blank=True)
    immersion_trips = models.PositiveSmallIntegerField(_("số đợt cùng ăn, cùng ở, cùng làm"), default=0)
    immersion_min_days = models.DecimalField(
        _("số ngày tối thiểu mỗi đợt"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    immersion_max_days = models.DecimalField(
        _("số ngày tối đa mỗi đợt"), max_digits=5, decimal_places=1, null=True, blank=True
    )

    class Meta:
        verbose_name = _("đối tượng")
        verbose_name_plural = _("đối tượng")
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="uniq_group_code")]

    def __str__(self):
        return f"{self.code} {self.name}"


class Category(models.Model):
    """Nội dung (docs/domain.md §4); `counts` False for e.g. invited attendance."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="categories")
    code = models.CharField(_("mã"), max_length=20)
    name = models.CharField(_("tên"), max_length=300)
    counts = models.BooleanField(_("được tính ngày"), default=True)
    order = models.PositiveSmallIntegerField(default=0)
    # docs/domain.md §10 `"topics"`: the topics a trip of this category may name (Tây Ninh 1.3
    # "Theo chuyên đề" names nine), counted on the year-end report. Empty: none.
    topics = models.JSONField(_("chuyên đề"), default=list, blank=True)
    # docs/domain.md §7.9 / §10 `"any_group"`: never outside a group's focus (1.3 "Theo chuyên đề",
    # assigned by topic), so no OUTSIDE_FOCUS.
    any_group = models.BooleanField(_("dành cho mọi đối tượng"), default=False)

    class Meta:
        verbose_name = _("nội dung")
        verbose_name_plural = _("nội dung")
        ordering = ["order", "code"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="uniq_category_code")]

    def __str__(self):
        return f"{self.code} {self.name}" if self.code[:1].isdigit() else self.name


class ExemptionReason(models.Model):
    class Scope(models.TextChoices):
        POSITION = "position", _("Theo chức danh")
        INDIVIDUAL = "individual", _("Cá nhân")
        # docs/domain.md §6: a duty ("phụ trách công tác Đảng"): matched by position AND grantable to a
        # named person (a "Chuyên viên" carrying it).
        EITHER = "either", _("Theo chức danh hoặc cá nhân")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="exemption_reasons")
    code = models.CharField(_("mã"), max_length=30)
    name = models.CharField(_("tên"), max_length=200)
    scope = models.CharField(_("phạm vi"), max_length=12, choices=Scope.choices)
    positions = models.JSONField(_("chức danh"), default=list, blank=True)
    # §6: e.g. study "06 tháng trở lên"; a shorter individual exemption is refused.
    min_months = models.PositiveSmallIntegerField(_("thời gian tối thiểu (tháng)"), null=True, blank=True)
    # §6: health and the like (maternity, serious illness). Shown only to the person, their approver,
    # the Board and the Standing Committee (fieldwork.privacy.reason_label); never sent up the tree.
    sensitive = models.BooleanField(_("dữ liệu nhạy cảm"), default=False)

    class Meta:
        verbose_name = _("lý do miễn")
        verbose_name_plural = _("lý do miễn")
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="uniq_reason_code")]

    def __str__(self):
        return self.name

    # docs/domain.md §6: the two kinds of reason; "either" is both.
    BY_POSITION = ("position", "either")
    GRANTABLE = ("individual", "either")

    @property
    def by_position(self) -> bool:
        """Exempts whoever holds one of `positions`."""
        return self.scope in self.BY_POSITION

    @property
    def grantable(self) -> bool:
        """Can be granted to a named person for a date range (proposed, approved)."""
        return self.scope in self.GRANTABLE


def exemption_upload_to(instance, filename):
    return f"exemptions/{instance.person.organization_id}/{instance.person_id}/{filename}"


class Exemption(models.Model):
    """An individual exemption (docs/domain.md §6), proposed by the Board, approved by the Standing Committee."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Chờ phê duyệt")
        APPROVED = "approved", _("Đã phê duyệt")
        REJECTED = "rejected", _("Không phê duyệt")
        REVOKED = "revoked", _("Đã thu hồi")

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exemptions")
    reason = models.ForeignKey(ExemptionReason, on_delete=models.PROTECT, related_name="exemptions")
    start = models.DateField(_("từ ngày"))
    end = models.DateField(_("đến ngày"))
    note = models.TextField(_("ghi chú"), blank=True)
    document = models.FileField(_("văn bản kèm theo"), upload_to=exemption_upload_to, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("miễn thực hiện")
        verbose_name_plural = _("miễn thực hiện")
        ordering = ["-start"]

    def __str__(self):
        return f"Exemption {self.pk} ({self.status})"


class Registration(models.Model):
    """Mẫu 1: a cadre's registration for one quarter of the plan."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Nháp")
        SUBMITTED = "submitted", _("Chờ phê duyệt")
        RETURNED = "returned", _("Bị trả lại")
        APPROVED = "approved", _("Đã phê duyệt")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="registrations")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="registrations")
    quarter = models.PositiveSmallIntegerField(_("quý"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    self_certified = models.BooleanField(default=False)
    comment = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("bản đăng ký")
        verbose_name_plural = _("bản đăng ký")
        constraints = [models.UniqueConstraint(fields=["plan", "person", "quarter"], name="uniq_registration_quarter")]

    def __str__(self):
        return f"Registration {self.pk}: person {self.person_id}, quarter {self.quarter} ({self.status})"


def attachment_upload_to(instance, filename):
    return f"trips/{instance.trip.person.organization_id}/{instance.trip_id}/{filename}"


class Trip(models.Model):
    """Đợt đi cơ sở: one record shared by registration lines (planned) and results (done)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Nháp")  # a line of an unapproved registration
        APPROVED = "approved", _("Đã duyệt kế hoạch")
        REPORTED = "reported", _("Đã báo cáo, chờ xác nhận")
        RETURNED = "returned", _("Báo cáo bị trả lại")
        CONFIRMED = "confirmed", _("Đã thực hiện")
        CANCELLED = "cancelled", _("Đã hủy")
        REJECTED = "rejected", _("Không được duyệt")

    class Source(models.TextChoices):
        WEB = "web", _("Trên web")
        IMPORT = "import", _("Nhập từ tệp")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="trips")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="trips")
    registration = models.ForeignKey(
        Registration, on_delete=models.SET_NULL, null=True, blank=True, related_name="trips"
    )
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="trips")
    start = models.DateField(_("từ ngày"))
    end = models.DateField(_("đến ngày"))
    days = models.DecimalField(
        _("số ngày đi"), max_digits=5, decimal_places=1, validators=[MinValueValidator(Decimal("0.5"))]
    )
    location = models.CharField(_("địa điểm"), max_length=300)
    # docs/rules.md “Stored standings”: `location` normalized once, when saved (fieldwork.locations.place_parts_key):
    # the coverage page matches these parts instead of normalizing every trip on every view.
    location_key = models.CharField(max_length=400, blank=True, default="", editable=False)
    province_code = models.CharField(max_length=10, blank=True)
    ward_code = models.CharField(max_length=10, blank=True)
    content = models.TextField(_("cụ thể nội dung"), blank=True)
    # One of the category's topics (Category.topics), or "" (docs/domain.md §10).
    topic = models.CharField(_("chuyên đề"), max_length=500, blank=True)
    immersion = models.BooleanField(_("cùng ăn, cùng ở, cùng làm"), default=False)
    travel_order = models.CharField(_("công lệnh số"), max_length=100, blank=True)
    planned_start = models.DateField(null=True, blank=True)
    planned_end = models.DateField(null=True, blank=True)
    planned_days = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    results = models.TextField(_("kết quả chủ yếu"), blank=True)
    shortcomings = models.TextField(_("hạn chế"), blank=True)
    proposals = models.TextField(_("đề xuất, kiến nghị"), blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.WEB)
    status_comment = models.TextField(blank=True)
    reported_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("đợt đi cơ sở")
        verbose_name_plural = _("đợt đi cơ sở")
        ordering = ["start", "id"]
        indexes = [
            models.Index(fields=["plan", "person"]),
            models.Index(fields=["plan", "start"]),
            # Trips by state (reported ones waiting for a head, docs/rules.md “Stored standings”: not a scan of the plan).
            models.Index(fields=["plan", "status"]),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(end__gte=models.F("start")), name="trip_end_after_start")
        ]

    def __str__(self):
        return f"{self.category.code} {self.location} {self.start:%d/%m/%Y}"

    def save(self, *args, **kwargs):
        self.location_key = place_parts_key(self.location)
        if kwargs.get("update_fields") is not None and "location" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "location_key"}
        super().save(*args, **kwargs)

    @property
    def quarter(self) -> int:
        # docs/domain.md §7.7: a trip belongs to the quarter in which it starts.
        return (self.start.month - 1) // 3 + 1


class ChangeRequest(models.Model):
    """A change to an approved (locked) registration line: goes through approval again (docs/rules.md “Registration (mẫu 1) and the department plan (mẫu 2)”).
    Kind `add`: a line added to an approved registration, decided alone (docs/domain.md §5): the
    trip waits as a draft, the registration and its approved lines stay approved."""

    class Kind(models.TextChoices):
        CHANGE = "change", _("Thay đổi")
        CANCEL = "cancel", _("Hủy đợt")
        ADD = "add", _("Bổ sung đợt")

    class Status(models.TextChoices):
        PENDING = "pending", _("Chờ phê duyệt")
        APPROVED = "approved", _("Đã phê duyệt")
        REJECTED = "rejected", _("Không phê duyệt")
        WITHDRAWN = "withdrawn", _("Đã rút")

    trip = models.ForeignKey("Trip", on_delete=models.CASCADE, related_name="change_requests")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.CHANGE)
    proposed = models.JSONField(default=dict, blank=True)  # field -> new value (ISO dates, days as str)
    reason = models.TextField(_("lý do"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self):
        return f"ChangeRequest {self.pk}: {self.kind} of trip {self.trip_id} ({self.status})"


class TripAttachment(models.Model):
    trip = models.ForeignKey(Trip, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_upload_to)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)
    # Evidence of the trip read from a photo before its metadata is stripped (fieldwork/photo_metadata.py),
    # kept only when the person agreed (User.photo_evidence): when and where it was taken. Shown to the
    # approver beside the trip's dates and place; never inside the file anyone downloads.
    taken_at = models.DateTimeField(_("thời điểm chụp"), null=True, blank=True)
    latitude = models.DecimalField(_("vĩ độ"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("kinh độ"), max_digits=9, decimal_places=6, null=True, blank=True)

    def __str__(self):
        return self.original_name


class DepartmentPlan(models.Model):
    """Mẫu 2: the department's consolidated plan for a quarter."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Đang tổng hợp")
        SUBMITTED = "submitted", _("Chờ Thường trực phê duyệt")
        RETURNED = "returned", _("Bị trả lại")
        APPROVED = "approved", _("Đã phê duyệt")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="department_plans")
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="quarter_plans")
    quarter = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["plan", "department", "quarter"], name="uniq_department_plan")]

    def __str__(self):
        return f"DepartmentPlan {self.pk}: department {self.department_id}, quarter {self.quarter} ({self.status})"


class QuarterReport(models.Model):
    """Mẫu 3: the department's results for a quarter."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Đang soạn")
        SUBMITTED = "submitted", _("Đã gửi Ban Tổ chức – Kiểm tra")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="quarter_reports")
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="quarter_reports")
    quarter = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    summary = models.TextField(_("nêu khái quát kết quả, hạn chế, đề xuất"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    late = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["plan", "department", "quarter"], name="uniq_quarter_report")]

    def __str__(self):
        return f"QuarterReport {self.pk}: department {self.department_id}, quarter {self.quarter}"


class HistoryEntry(models.Model):
    """Every state change: who, when, from → to, comment (docs/rules.md “Registration (mẫu 1) and the department plan (mẫu 2)”)."""

    object_type = models.CharField(max_length=30)  # "registration", "trip", "exemption", ...
    object_id = models.PositiveBigIntegerField()
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    # docs/rules.md “Reminders, digests and delegation of approval”: the approver for whom the actor decided as deputy ("… thay …"); forms sign "KT.".
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=30)
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20, blank=True)
    comment = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self):
        return f"{self.object_type} {self.object_id}: {self.action}"

    @property
    def actor_display(self) -> str:
        """ "Phó Trưởng ban Lê Văn A thay Trưởng ban Võ Minh B" when a deputy decided (docs/rules.md “Reminders, digests and delegation of approval”)."""
        if self.actor is None:
            return ""
        if self.on_behalf_of_id is None:
            return self.actor.full_name
        who = " ".join(p for p in (self.actor.position, self.actor.full_name) if p)
        whom = " ".join(p for p in (self.on_behalf_of.position, self.on_behalf_of.full_name) if p)
        return f"{who} thay {whom}"


# docs/rules.md “Reminders, digests and delegation of approval”: reminders, digests and their log live in fieldwork/reminders/ (models imported here).
from fieldwork.reminders.models import ReminderPreference, ReminderSchedule, SentReminder  # noqa: E402, F401


class StoredStanding(models.Model):
    """docs/rules.md “Stored standings”: the engine's standing of one cadre under one plan at `as_of` (today, or the
    period's end once it is over), stored so that pages read it instead of recomputing every
    cadre per view. Written only by fieldwork.stored.standings, in the same transaction as the
    change that moved it; `data` is the engine's Standing serialized, the other columns are
    copies the pages filter and sort on. `months`: done days at each month's end of the period
    (the dashboards' cumulative series; they do not depend on today)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="stored_standings")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="stored_standings")
    as_of = models.DateField()
    status = models.CharField(max_length=16)
    department = models.ForeignKey(Department, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    group_code = models.CharField(max_length=20, blank=True)
    sort_key = models.CharField(max_length=400, default="")
    email = models.CharField(max_length=254, default="")
    search = models.CharField(max_length=700, default="")  # name without diacritics + email, casefolded
    done_days = models.DecimalField(max_digits=6, decimal_places=1, default=Decimal(0))
    required_days = models.IntegerField(default=0)
    remaining_days = models.DecimalField(max_digits=6, decimal_places=1, default=Decimal(0))
    planned_days = models.DecimalField(max_digits=6, decimal_places=1, default=Decimal(0))
    pending_days = models.DecimalField(max_digits=6, decimal_places=1, default=Decimal(0))
    immersion_required = models.IntegerField(default=0)
    immersion_done = models.IntegerField(default=0)
    trips = models.IntegerField(default=0)  # trips recorded: not cancelled or rejected, drafts included
    exemption = models.CharField(max_length=40, blank=True)
    data = models.JSONField(default=dict)
    # Done days at the end of each calendar month of the period (month_N: the month's last day, or
    # the period's end in its last month; a plan's period lies within its year). Columns, not a
    # JSON list, so that the dashboards' month-by-month series is a plain SUM (docs/rules.md “Stored standings”).
    month_1 = models.DecimalField(max_digits=6, decimal_places=1, default=Decimal(0))
    month_2 = models.DecimalField(max_digits=6, decimal_places=1, default=Decimal(0))
    month_3 = models.DecimalField(max_digits=6, decimal_places=1, default=Decimal(0))
    month_4 = models.DecimalField(max_digits=6, decimal_places=1, default=Decimal(0))
    month_5 = models.DecimalField(max_digits=6, decimal_places=1, default=Decimal(0))
    month_6 = models.DecimalField(max_digits=6, decimal_places=1, default=Decimal(0))
    month_7 = models.DecimalField(max_digits=6, decimal_places=1, default=Decimal(0))
    month_8 = models.DecimalField(max_digits=6, decimal_places=1, default=Decimal(0))
    month_9 = models.DecimalField(max_digits=6, decimal_places=1, default=Decimal(0))
    month_10 = models.DecimalField(max_digits=6, decimal_places=1, default=Decimal(0))
    month_11 = models.DecimalField(max_digits=6, decimal_places=1, default=Decimal(0))
    month_12 = models.DecimalField(max_digits=6, decimal_places=1, default=Decimal(0))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["plan", "person"], name="stored_standing_once")]
        indexes = [
            models.Index(fields=["plan", "sort_key", "email"]),
            models.Index(fields=["plan", "status"]),
            models.Index(fields=["plan", "department", "sort_key"]),
            models.Index(fields=["plan", "as_of"]),
        ]

    def __str__(self):
        return f"{self.plan_id}/{self.person_id}: {self.status}"


class StandingsRefresh(models.Model):
    """docs/rules.md “Stored standings”: the background recomputation of a whole plan's stored standings after the
    plan, its groups, categories or exemption reasons changed, when the plan has more cadres than
    `settings.STANDINGS_SYNC_LIMIT` (smaller plans are refreshed in the request). Written by
    fieldwork.stored.plan_refresh; one active (queued or running) job per plan. A change arriving
    while the job runs sets `restart`: the job goes over the plan again before it is done."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Đang chờ")
        RUNNING = "running", _("Đang tính")
        DONE = "done", _("Đã xong")
        FAILED = "failed", _("Lỗi")

    ACTIVE = (Status.QUEUED, Status.RUNNING)

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="standings_refreshes")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    restart = models.BooleanField(default=False)  # the plan changed again while running
    done = models.PositiveIntegerField(default=0)  # cadres recomputed in this pass
    total = models.PositiveIntegerField(default=0)  # cadres subject to the plan in this pass
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["plan", "created_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["plan"],
                condition=models.Q(status__in=["queued", "running"]),
                name="one_active_standings_refresh",
            )
        ]

    def __str__(self):
        return f"{self.plan_id}: {self.status} {self.done}/{self.total}"

    @property
    def is_stalled(self) -> bool:
        """Running for longer than the task's hard time limit: its worker was lost and the broker
        has not redelivered it yet (reports.models.ReportJob.is_stalled)."""
        from django.utils import timezone

        if self.status != self.Status.RUNNING or self.started_at is None:
            return False
        return (timezone.now() - self.started_at).total_seconds() > settings.CELERY_TASK_TIME_LIMIT + 60

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE and not self.is_stalled

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return min(100, self.done * 100 // self.total) if self.total else 0


class StoredCoverageState(models.Model):
    """docs/rules.md “Stored standings”: the plan's stored coverage was built, against which province (the places are
    resolved against its communes/wards: a change of the organization's province rebuilds them).
    Also the row a refresh locks so that two transactions do not count the same place at once."""

    plan = models.OneToOneField(Plan, on_delete=models.CASCADE, primary_key=True, related_name="+")
    province_code = models.IntegerField(null=True, blank=True)
    built_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"{self.plan_id}: {self.province_code}"


class StoredCoverageVisit(models.Model):
    """docs/rules.md “Stored standings”: one cadre's CONFIRMED trips to one place under one plan, per spelling of the
    place (`spelling`: the ward's name, or the trip's location with spaces collapsed; "" when the
    trip names no place). Written only by fieldwork.stored.coverage, with the cadre's trips."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    place = models.CharField(max_length=410)  # "w<ward code>" or "t<normalized text>"
    spelling = models.CharField(max_length=300, blank=True)
    trips = models.PositiveIntegerField(default=0)
    days = models.DecimalField(max_digits=9, decimal_places=1, default=Decimal(0))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["plan", "person", "place", "spelling"], name="stored_coverage_visit_once")
        ]
        indexes = [models.Index(fields=["plan", "place"])]

    def __str__(self):
        return f"{self.plan_id}/{self.person_id}: {self.place} ({self.trips})"


class StoredCoverage(models.Model):
    """docs/rules.md “Stored standings”: one place the organization's cadres went to under the plan (the coverage page,
    docs/rules.md “Results and mẫu 3”): CONFIRMED trips, days and distinct cadres, summed from `StoredCoverageVisit`.
    `name`: the ward's name, or the place's most frequent spelling ("" : no place named);
    `sort_key`: its Vietnamese order (ASCII digits: the same in every database collation)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="+")
    place = models.CharField(max_length=410)
    kind = models.CharField(max_length=8)  # "ward" | "unit"
    name = models.CharField(max_length=300, blank=True)
    sort_key = models.TextField(default="")
    trips = models.PositiveIntegerField(default=0)
    days = models.DecimalField(max_digits=10, decimal_places=1, default=Decimal(0))
    cadres = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["plan", "place"], name="stored_coverage_once")]

    def __str__(self):
        return f"{self.plan_id}: {self.place} ({self.trips})"
