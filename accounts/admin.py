"""Django admin (technical administration, /quan-tri/). Day-to-day people management is the
Board's pages (accounts:people); the admin is for the administrator role.

docs/security.md: only administrators (staff with the Quản trị role) and superusers enter; an
administrator sees and changes only their own organization's data, never a superuser and
never the staff/superuser flags; superusers (few, audited) see every organization.
"""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import BaseUserCreationForm, UserChangeForm
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import history, rules
from .models import Department, Notification, Organization, Role, User, UserRole


def admin_site_permission(request) -> bool:
    user = request.user
    return bool(user.is_active and user.is_staff and (user.is_superuser or user.has_role(Role.ADMIN)))


admin.site.has_permission = admin_site_permission


class OrganizationScopedAdmin(admin.ModelAdmin):
    """An administrator's admin shows their own organization only (`org_field` is the lookup
    from the model to its organization id); superusers see every organization."""

    org_field = "organization_id"

    def _scoped(self, request) -> bool:
        return not request.user.is_superuser

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if self._scoped(request):
            qs = qs.filter(**{self.org_field: request.user.organization_id})
        return qs

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if self._scoped(request) and field is not None:
            model = db_field.related_model
            if model is Organization:
                field.queryset = field.queryset.filter(pk=request.user.organization_id)
            elif model is Department:
                field.queryset = field.queryset.filter(organization_id=request.user.organization_id)
            elif model is User:
                field.queryset = field.queryset.filter(organization_id=request.user.organization_id, is_superuser=False)
        return field

    # Administrators work without Django model permissions: the role is the permission.
    def _allowed(self, request) -> bool:
        return admin_site_permission(request)

    def has_module_permission(self, request):
        return self._allowed(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request)

    def has_add_permission(self, request):
        return self._allowed(request)

    def has_change_permission(self, request, obj=None):
        return self._allowed(request)

    def has_delete_permission(self, request, obj=None):
        return self._allowed(request)


class UserRoleInline(admin.TabularInline):
    model = UserRole
    extra = 1

    def _allowed(self, request, obj=None) -> bool:
        if obj is not None and obj.pk == request.user.pk and not request.user.is_superuser:
            return False  # separation of duties: nobody changes their own roles (docs/security.md)
        return admin_site_permission(request) and (obj is None or rules.rank(obj) <= rules.rank(request.user))

    def has_view_permission(self, request, obj=None):
        return admin_site_permission(request)

    def has_add_permission(self, request, obj=None):
        return self._allowed(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._allowed(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._allowed(request, obj)


class AdminUserChangeForm(UserChangeForm):
    change_reason = forms.CharField(
        label=_("Lý do thay đổi"),
        required=False,
        max_length=500,
        help_text=_("Bắt buộc khi đổi ban, chức vụ, đối tượng hoặc thời gian công tác. Được ghi vào lịch sử thay đổi."),
    )

    class Meta:
        model = User
        fields = "__all__"

    def clean(self):
        data = super().clean()
        if any(f in self.changed_data for f in history.OWN_RECORD_LOCKED) and not data.get("change_reason", "").strip():
            self.add_error(
                "change_reason", _("Hãy ghi lý do thay đổi ban, chức vụ, đối tượng hoặc thời gian công tác.")
            )
        return data


class AdminUserCreationForm(BaseUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "full_name", "organization", "department")

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("Email này đã được dùng cho một tài khoản khác."))
        return email


@admin.register(User)
class UserAdmin(OrganizationScopedAdmin, BaseUserAdmin):
    form = AdminUserChangeForm
    add_form = AdminUserCreationForm
    inlines = [UserRoleInline]
    ordering = ("sort_key", "email")
    list_display = ("full_name", "email", "organization", "department", "position", "group_code", "is_active")
    list_filter = (("organization", admin.RelatedOnlyFieldListFilter), "is_active", "is_staff", "roles__code")
    list_select_related = ("organization", "department")
    search_fields = ("full_name", "email")
    readonly_fields = ("last_login", "date_joined", "invited_at")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (
            _("Cán bộ"),
            {
                "fields": (
                    "full_name",
                    "organization",
                    "department",
                    "position",
                    "group_code",
                    "active_from",
                    "active_to",
                    "change_reason",
                )
            },
        ),
        (_("Quyền"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Thời gian"), {"fields": ("last_login", "date_joined", "invited_at")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "full_name", "organization", "department", "password1", "password2"),
            },
        ),
    )
    SUPERUSER_ONLY_FIELDS = ("is_staff", "is_superuser", "groups", "user_permissions")

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return qs if request.user.is_superuser else qs.filter(is_superuser=False)

    def get_readonly_fields(self, request, obj=None):
        fields = tuple(super().get_readonly_fields(request, obj))
        if request.user.is_superuser:
            return fields
        if obj is not None and obj.pk == request.user.pk:
            # docs/rules.md “Nobody certifies their own days”: nobody changes what decides what they owe on their own record.
            fields += history.OWN_RECORD_LOCKED
        return fields + self.SUPERUSER_ONLY_FIELDS

    def has_change_permission(self, request, obj=None):
        # Never an account with more rights than one's own (a superuser's: superusers only).
        return super().has_change_permission(request, obj) and (
            obj is None or rules.rank(obj) <= rules.rank(request.user)
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (
            obj is None or rules.rank(obj) <= rules.rank(request.user)
        )

    def save_model(self, request, obj, form, change):
        if not request.user.is_superuser:
            obj.organization_id = request.user.organization_id
        if change and "email" in form.changed_data and obj.has_usable_password():
            from .services import notify_email_changed

            notify_email_changed(obj, old_email=form.initial.get("email", ""), new_email=obj.email, actor=request.user)
        super().save_model(request, obj, form, change)
        if change:
            changed = {
                f: (form.initial.get(f), form.cleaned_data.get(f))
                for f in history.OWN_RECORD_LOCKED
                if f in form.changed_data
            }
            if "department" in changed:
                old = changed["department"][0]
                changed["department"] = (Department.objects.filter(pk=old).first() if old else None, obj.department)
            if changed:
                history.record(
                    obj,
                    actor=request.user,
                    action="person_changed",
                    comment=_("%(changes)s. Lý do: %(reason)s (trang quản trị)")
                    % {
                        "changes": history.describe_changes(changed),
                        "reason": form.cleaned_data.get("change_reason", ""),
                    },
                )
        else:
            history.record(obj, actor=request.user, action="person_created", comment=_("Trang quản trị"))

    def save_related(self, request, form, formsets, change):
        before = set(form.instance.roles.values_list("code", flat=True)) if change else set()
        super().save_related(request, form, formsets, change)
        after = set(form.instance.roles.values_list("code", flat=True))
        if before != after:
            from .services import roles_text

            history.record(
                form.instance,
                actor=request.user,
                action="roles_changed",
                comment=_("Vai trò: %(old)s → %(new)s (trang quản trị).")
                % {"old": roles_text(before), "new": roles_text(after)},
                to_state=history.NEW_HEAD if Role.HEAD in after - before else "",
            )


@admin.register(Organization)
class OrganizationAdmin(OrganizationScopedAdmin):
    """docs/rules.md “Nobody certifies their own days”: an administrator sees their own organization and its direct children. The
    parent of their own organization is read-only to them (a child detaching itself would hide
    its late submissions from its parent); on a child only `parent` is theirs to change (to
    their own organization or none, to detach it). Superusers change anything. Every change of
    `parent` is in the history of the organization and of both parents."""

    org_field = "pk"
    list_display = ("name", "code", "place", "level", "parent")
    search_fields = ("name", "code")
    autocomplete_fields = ("parent",)

    def get_queryset(self, request):
        qs = admin.ModelAdmin.get_queryset(self, request)
        if self._scoped(request):
            own = request.user.organization_id
            qs = qs.filter(models.Q(pk=own) | models.Q(parent_id=own))
        return qs

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser or obj is None:
            return ()
        if obj.pk == request.user.organization_id:
            return ("parent",)
        return tuple(f.name for f in Organization._meta.fields if f.editable and f.name not in ("parent", "id"))

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        user = request.user

        class ScopedOrganizationForm(form):
            def clean_parent(self):
                parent = self.cleaned_data.get("parent")
                if not user.is_superuser and parent is not None and parent.pk != user.organization_id:
                    raise forms.ValidationError(
                        _("Chỉ gắn được tổ chức này vào tổ chức của bạn, hoặc để trống để tách ra.")
                    )
                return parent

        return ScopedOrganizationForm

    def save_model(self, request, obj, form, change):
        old_parent = None
        if change and "parent" in form.changed_data:
            old_id = Organization.objects.filter(pk=obj.pk).values_list("parent_id", flat=True).first()
            old_parent = Organization.objects.filter(pk=old_id).first() if old_id else None
        super().save_model(request, obj, form, change)
        if change and "parent" in form.changed_data:
            history.record_parent_change(obj, actor=request.user, old_parent=old_parent, new_parent=obj.parent)

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(Department)
class DepartmentAdmin(OrganizationScopedAdmin):
    list_display = ("name", "short_name", "organization", "is_active")
    list_filter = (("organization", admin.RelatedOnlyFieldListFilter), "is_active")
    search_fields = ("name",)


@admin.register(Notification)
class NotificationAdmin(OrganizationScopedAdmin):
    org_field = "user__organization_id"
    list_display = ("user", "text", "created_at", "read_at")
    list_select_related = ("user",)
    search_fields = ("text", "user__email")
    raw_id_fields = ("user",)
