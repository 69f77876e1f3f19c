"""Django admin (technical administration, /quan-tri/). Day-to-day people management is the
Board's pages (accounts:people); the admin is for the administrator role."""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import BaseUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _

from .models import Department, Notification, Organization, User, UserRole


class UserRoleInline(admin.TabularInline):
    model = UserRole
    extra = 1


class AdminUserChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


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
class UserAdmin(BaseUserAdmin):
    form = AdminUserChangeForm
    add_form = AdminUserCreationForm
    inlines = [UserRoleInline]
    ordering = ("sort_key", "email")
    list_display = ("full_name", "email", "organization", "department", "position", "group_code", "is_active")
    list_filter = ("organization", "is_active", "is_staff", "roles__code")
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


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "place", "level", "parent")
    search_fields = ("name", "code")
    autocomplete_fields = ("parent",)


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("name", "short_name", "organization", "is_active")
    list_filter = ("organization", "is_active")
    search_fields = ("name",)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("user", "text", "created_at", "read_at")
    list_select_related = ("user",)
    search_fields = ("text", "user__email")
    raw_id_fields = ("user",)
