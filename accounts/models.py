import secrets

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, F, OuterRef, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from .vietnamese import name_sort_key, nfc, superior_line


def calendar_digest(pk, nonce: str) -> str:
    return salted_hmac("accounts.calendar_feed", f"{pk}:{nonce}", algorithm="sha256").hexdigest()[:43]


class Organization(models.Model):
    class Level(models.TextChoices):
        CENTRAL = "central", _("Trung ương")
        PROVINCIAL = "provincial", _("Tỉnh, thành phố")

    code = models.SlugField(_("mã"), max_length=50, unique=True)
    name = models.CharField(_("tên"), max_length=200)
    place = models.CharField(_("địa danh"), max_length=100, help_text=_("Dùng ở dòng địa danh, ngày tháng"))
    level = models.CharField(_("cấp"), max_length=20, choices=Level.choices, default=Level.PROVINCIAL)
    superior_body = models.CharField(
        _("cơ quan cấp trên"), max_length=200, blank=True, help_text=_("Ví dụ: BCH ĐOÀN TỈNH TÂY NINH")
    )
    # docs/domain.md §10 (`parent`): the Unions form a tree (Trung ương → Tỉnh đoàn → đoàn trực
    # thuộc), any depth. `path` is the materialized path of primary keys ("/1/7/42/"), kept by
    # save(): the descendants of an organization are one indexed prefix query, whatever the depth.
    parent = models.ForeignKey(
        "self",
        verbose_name=_("tổ chức cấp trên"),
        on_delete=models.PROTECT,
        related_name="children",
        null=True,
        blank=True,
    )
    path = models.CharField(max_length=255, blank=True, default="", db_index=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    # Kept by save()/delete(): the navigation shows the roll-up without a query per page.
    has_children = models.BooleanField(default=False, editable=False)

    class Meta:
        verbose_name = _("tổ chức")
        verbose_name_plural = _("tổ chức")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self._check_parent()
        old_parent_id = None
        if self.pk:  # never write back a stale in-memory path over the stored one
            stored = Organization.objects.filter(pk=self.pk).values_list("path", "depth", "parent_id", "has_children")
            stored = stored.first()
            if stored:
                self.path, self.depth, old_parent_id, self.has_children = stored
        super().save(*args, **kwargs)
        self._sync_path()
        if old_parent_id != self.parent_id:
            Organization.refresh_has_children([old_parent_id, self.parent_id])

    def delete(self, *args, **kwargs):
        parent_id = self.parent_id
        result = super().delete(*args, **kwargs)
        Organization.refresh_has_children([parent_id])
        return result

    @staticmethod
    def refresh_has_children(ids) -> None:
        ids = [i for i in ids if i]
        if ids:
            children = Organization.objects.filter(parent_id=OuterRef("pk"))
            Organization.objects.filter(pk__in=ids).update(has_children=Exists(children))

    def clean(self):
        super().clean()
        try:
            self._check_parent()
        except ValidationError as exc:
            raise ValidationError({"parent": exc.messages}) from exc

    def _check_parent(self) -> None:
        """The parent may not be the organization itself or one of its descendants (a cycle)."""
        if not (self.parent_id and self.pk):
            return
        parent_path = Organization.objects.filter(pk=self.parent_id).values_list("path", flat=True).first()
        if parent_path is None:
            raise ValidationError(_("Không tìm thấy tổ chức cấp trên."))
        own = Organization.objects.filter(pk=self.pk).values_list("path", flat=True).first() or ""
        if self.parent_id == self.pk or (own and parent_path.startswith(own)):
            raise ValidationError(_("Tổ chức cấp trên không được là chính nó hoặc một đơn vị trực thuộc của nó."))

    def _sync_path(self) -> None:
        """Recompute this organization's path (and, when it moved, its whole subtree's, in one
        UPDATE). save() checked for a cycle and loaded the stored path first."""
        parent_path, parent_depth = "/", -1
        if self.parent_id:
            row = Organization.objects.filter(pk=self.parent_id).values_list("path", "depth").first()
            if row is None:
                raise ValidationError(_("Không tìm thấy tổ chức cấp trên."))
            parent_path, parent_depth = row
        new_path, new_depth = f"{parent_path}{self.pk}/", parent_depth + 1
        old_path, old_depth = self.path, self.depth
        if new_path == old_path and new_depth == old_depth:
            return
        if old_path:
            Organization.objects.filter(path__startswith=old_path).exclude(pk=self.pk).update(
                path=Concat(Value(new_path), Substr("path", len(old_path) + 1), output_field=models.CharField()),
                depth=F("depth") + (new_depth - old_depth),
            )
        Organization.objects.filter(pk=self.pk).update(path=new_path, depth=new_depth)
        self.path, self.depth = new_path, new_depth

    @property
    def header_superior(self) -> str:
        """The Union header's superior-body line (docs/domain.md §8): as the organization names it,
        else built the Union's way ("BCH ĐOÀN TỈNH TÂY NINH", accounts.vietnamese.superior_line)."""
        return nfc(self.superior_body).strip() or superior_line(self.name)

    @property
    def header_superior_is_built(self) -> bool:
        """True when the line is built from the name (shown for the Board to confirm)."""
        return not nfc(self.superior_body).strip()


class Department(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="departments")
    name = models.CharField(_("tên ban"), max_length=200)
    short_name = models.CharField(_("tên viết tắt"), max_length=30, blank=True)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)

    class Meta:
        verbose_name = _("ban")
        verbose_name_plural = _("các ban")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["organization", "name"], name="uniq_department_name")]

    def __str__(self):
        return self.name


class Role(models.TextChoices):
    # docs/domain.md §2
    CADRE = "cadre", _("Cán bộ")
    HEAD = "head", _("Lãnh đạo ban")
    BOARD = "board", _("Ban Tổ chức – Kiểm tra")
    STANDING = "standing", _("Thường trực")
    # The Secretary is a role, not a word in the free-text position (docs/security.md): it decides who
    # approves a Standing member and who self-certifies (docs/domain.md §2), so it is granted like one.
    SECRETARY = "secretary", _("Bí thư")
    INSPECTION = "inspection", _("Ủy ban kiểm tra")
    ADMIN = "admin", _("Quản trị")


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("email is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person: the login and the cadre profile (one organization each)."""

    email = models.EmailField(_("email"), unique=True)
    # A new address waiting for the owner's confirmation (sent to the current address).
    pending_email = models.EmailField(_("email mới chờ xác nhận"), blank=True, default="")
    full_name = models.CharField(_("họ và tên"), max_length=150)
    sort_key = models.CharField(max_length=400, db_index=True, editable=False, default="")
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="people", null=True, blank=True
    )
    department = models.ForeignKey(Department, on_delete=models.SET_NULL, related_name="members", null=True, blank=True)
    position = models.CharField(_("chức vụ"), max_length=150, blank=True)
    phone = models.CharField(_("số điện thoại"), max_length=30, blank=True)
    group_code = models.CharField(_("đối tượng"), max_length=20, blank=True)
    active_from = models.DateField(_("ngày bắt đầu"), null=True, blank=True)
    active_to = models.DateField(_("ngày kết thúc"), null=True, blank=True)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)
    invited_at = models.DateTimeField(null=True, blank=True)
    # A random nonce, never the credential itself: the feed's link carries its HMAC under
    # SECRET_KEY (calendar_feed_token), so a copy of the database opens no calendar (docs/security.md “Login and requests”).
    calendar_token = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    # docs/rules.md “Reminders, digests and delegation of approval”: the last day a delegation to this person is in force (accounts/delegations.py), a hint
    # that spares every page a query for the many who are nobody's deputy.
    deputy_until = models.DateField(null=True, blank=True, editable=False)
    # Personal data (docs/privacy.md): the version of the notice this person read and confirmed
    # (accounts.privacy.NOTICE_VERSION; every answer is a Consent row, this is the page's fast check),
    # whether they agreed to keep the time and place of their photos as evidence (optional,
    # revocable), and when the person was anonymized (retention or a request after leaving).
    notice_version = models.CharField(max_length=20, blank=True, default="", editable=False)
    photo_evidence = models.BooleanField(default=False, editable=False)
    anonymized_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("cán bộ")
        verbose_name_plural = _("cán bộ")
        ordering = ["sort_key", "email"]
        indexes = [
            # The people of a group in name order (the plan's "affected" page, docs/rules.md “Stored standings”).
            models.Index(fields=["organization", "group_code", "sort_key", "email"], name="user_org_group_name"),
        ]

    def __str__(self):
        return self.full_name or self.email

    def save(self, *args, **kwargs):
        self.full_name = nfc(self.full_name).strip()
        self.email = (self.email or "").strip().lower()
        self.sort_key = name_sort_key(self.full_name)
        if not self.calendar_token:
            self.calendar_token = secrets.token_urlsafe(32)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = set(kwargs["update_fields"]) | {"sort_key", "full_name"}
        super().save(*args, **kwargs)

    def set_password(self, raw_password):
        # A new password ends every secret link of the old one: the calendar feed too.
        super().set_password(raw_password)
        self.rotate_calendar_token()

    def rotate_calendar_token(self) -> None:
        self.calendar_token = secrets.token_urlsafe(32)

    @property
    def calendar_feed_token(self) -> str:
        """The secret of the iCalendar link: `<pk>-<HMAC(SECRET_KEY, pk, nonce)>`."""
        return f"{self.pk}-{calendar_digest(self.pk, self.calendar_token or '')}"

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name.split()[-1] if self.full_name else self.email

    # Roles -------------------------------------------------------------
    @property
    def role_codes(self) -> set[str]:
        cache = getattr(self, "_role_cache", None)
        if cache is None:
            if "roles" in getattr(self, "_prefetched_objects_cache", {}):
                cache = {r.code for r in self.roles.all()}
            else:
                cache = set(self.roles.values_list("code", flat=True)) if self.pk else set()
            self._role_cache = cache
        return cache

    def has_role(self, code: str) -> bool:
        return code in self.role_codes

    @property
    def is_secretary(self) -> bool:
        """Bí thư (not Phó Bí thư): docs/domain.md §2, self-certified registrations. A role granted
        like the others, never read from the free-text position (docs/security.md)."""
        return self.has_role(Role.SECRETARY) and self.has_role(Role.STANDING)

    def role_labels(self) -> list[str]:
        return [str(Role(c).label) for c in sorted(self.role_codes)]


class UserRole(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles")
    code = models.CharField(_("vai trò"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("vai trò")
        verbose_name_plural = _("vai trò")
        constraints = [models.UniqueConstraint(fields=["user", "code"], name="uniq_user_role")]

    def __str__(self):
        return self.get_code_display()


class Notification(models.Model):
    """In-app notification (the bell); an email is sent alongside by the services."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    text = models.CharField(max_length=300)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self):
        return self.text


class Delegation(models.Model):
    """Ủy quyền phê duyệt (docs/rules.md “Reminders, digests and delegation of approval”): a head or a Standing Committee member names a deputy of the
    same organization for a date range (a leave, a trip). During it, what waits for the delegator
    reaches the deputy too (accounts.rules.can_approve_for); it ends by itself with its range."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    delegator = models.ForeignKey(User, on_delete=models.CASCADE, related_name="delegations_given")
    deputy = models.ForeignKey(User, on_delete=models.CASCADE, related_name="delegations_received")
    start = models.DateField(_("từ ngày"))
    end = models.DateField(_("đến ngày"))
    note = models.CharField(_("lý do"), max_length=300, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)  # ended early by the delegator

    class Meta:
        verbose_name = _("ủy quyền phê duyệt")
        verbose_name_plural = _("ủy quyền phê duyệt")
        ordering = ["-start", "-pk"]
        indexes = [models.Index(fields=["deputy", "start", "end"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(end__gte=models.F("start")), name="delegation_end_after_start"),
            models.CheckConstraint(condition=~models.Q(deputy=models.F("delegator")), name="delegation_not_self"),
        ]

    def __str__(self):
        return f"Delegation {self.pk}: {self.delegator_id} -> {self.deputy_id}"


# Personal data (docs/privacy.md): consents, who looked at whose data, requests to correct.
from accounts.privacy_models import Consent, CorrectionRequest, DataAccess  # noqa: E402, F401
