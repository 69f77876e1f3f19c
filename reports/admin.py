"""Admin of the register of issued documents and the signing certificates (docs/signing.md).

The register and the signatures are view-only: nothing in them is ever added by hand, edited or
deleted. A certificate is installed from its PKCS#12 file (the same checks as `signing install`);
its private key is never shown, and a certificate is never edited or deleted (installing a new one
retires the previous one)."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from accounts.admin import OrganizationScopedAdmin

from .models import DocumentSignature, IssuedDocument, SigningCertificate
from .signing import SigningError
from .signing.keys import require_key
from .signing.pkcs12 import MAX_FILE, install, load


class ViewOnly(OrganizationScopedAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(IssuedDocument)
class IssuedDocumentAdmin(ViewOnly):
    list_display = ("code", "kind", "format", "organization", "period", "created_at", "requested_by")
    list_filter = ("kind", "format")
    search_fields = ("code", "sha256")
    list_select_related = ("organization", "requested_by")
    exclude = ("job",)


@admin.register(DocumentSignature)
class DocumentSignatureAdmin(ViewOnly):
    org_field = "document__organization_id"
    list_display = ("document", "level", "signed_at", "signed_by", "certificate")
    list_select_related = ("document", "signed_by", "certificate")


class InstallForm(forms.ModelForm):
    pkcs12 = forms.FileField(label=_("Tệp chứng thư số (PKCS#12: .p12 hoặc .pfx)"))
    password = forms.CharField(
        label=_("Mật khẩu của tệp"), widget=forms.PasswordInput(render_value=False), required=False
    )

    class Meta:
        model = SigningCertificate
        fields = ["organization"]

    def clean(self):
        data = super().clean()
        upload = data.get("pkcs12")
        if upload is not None:
            if upload.size > MAX_FILE:
                raise forms.ValidationError(_("Tệp không phải chứng thư số dạng PKCS#12 (.p12 hoặc .pfx)."))
            self.p12_bytes = upload.read()
            try:
                require_key()
                load(self.p12_bytes, (data.get("password") or "").encode())
            except SigningError as exc:
                raise forms.ValidationError(f"{exc} " + str(_("Chưa có gì thay đổi."))) from exc
        return data


@admin.register(SigningCertificate)
class SigningCertificateAdmin(OrganizationScopedAdmin):
    list_display = ("organization", "subject", "issuer", "not_before", "not_after", "installed_at", "retired_at")
    list_select_related = ("organization",)
    readonly_fields = (
        "organization",
        "provider",
        "subject",
        "issuer",
        "serial",
        "fingerprint",
        "not_before",
        "not_after",
        "installed_by",
        "installed_at",
        "retired_at",
    )
    fields = readonly_fields

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = InstallForm
            kwargs["fields"] = ["organization", "pkcs12", "password"]
        return super().get_form(request, obj, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else ()

    def get_fields(self, request, obj=None):
        return self.fields if obj is not None else ["organization", "pkcs12", "password"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        created = install(
            organization=form.cleaned_data["organization"],
            data=form.p12_bytes,
            password=(form.cleaned_data.get("password") or "").encode(),
            user=request.user,
        )
        obj.pk, obj.subject = created.pk, created.subject
        obj._state.adding = False
