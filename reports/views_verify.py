"""The public page "Xác minh văn bản" (docs/signing.md, docs/domain.md §10): anyone, without logging in,
uploads a PDF or opens a document's code (the QR code printed on every page leads here) and reads
whether it is in the register unchanged and whether its signatures are valid. It shows only what
the document's first lines print (kind, organization, period, date). Rate-limited per address;
the uploaded file is read in memory and never kept."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from accounts import network

from .register import normalize_code
from .verification import describe_document, verify_bytes, verify_code


class VerifyForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Tệp PDF cần xác minh"), required=False)
    code = forms.CharField(label=gettext_lazy("hoặc mã văn bản"), max_length=30, required=False)

    def clean(self):
        data = super().clean()
        upload, code = data.get("file"), (data.get("code") or "").strip()
        if not upload and not code:
            raise forms.ValidationError(_("Hãy chọn tệp PDF hoặc nhập mã văn bản in ở chân trang."))
        if upload is not None:
            if upload.size > settings.VERIFY_MAX_UPLOAD:
                self.add_error("file", _("Tệp quá lớn để xác minh."))
            elif upload.read(5) != b"%PDF-":
                self.add_error("file", _("Tệp không phải PDF."))
            upload.seek(0)
        if code and not upload:
            normalized = normalize_code(code)
            if normalized is None:
                self.add_error("code", _("Mã văn bản gồm 10 ký tự, dạng XXXXX-XXXXX, như in ở chân trang."))
            data["code"] = normalized
        return data


def _allowed(request) -> bool:
    address = network.client_ip(request) or "unknown"
    return network.hit(f"verify:ip:{address}") <= settings.VERIFICATIONS_PER_ADDRESS


@require_http_methods(["GET", "POST"])
def verify(request, code: str | None = None):
    context = {"form": VerifyForm()}
    status = 200
    if (code is not None or request.method == "POST") and not _allowed(request):
        context["limited"] = True
        return render(request, "reports/verify.html", context, status=429)
    if code is not None:
        normalized = normalize_code(code)
        document = verify_code(normalized) if normalized else None
        context["by_code"] = True
        context["document"] = describe_document(document) if document else None
        context["signed"] = document is not None and document.signatures.exists()
        status = 200 if document else 404
    elif request.method == "POST":
        form = VerifyForm(request.POST, request.FILES)
        context["form"] = form
        if form.is_valid():
            upload = form.cleaned_data.get("file")
            if upload is not None:
                data = upload.read()
                context["verdict"] = verify_bytes(data)
                del data  # never kept
            else:
                document = verify_code(form.cleaned_data["code"])
                context["by_code"] = True
                context["document"] = describe_document(document) if document else None
                context["signed"] = document is not None and document.signatures.exists()
        else:
            status = 400
    return render(request, "reports/verify.html", context, status=status)
