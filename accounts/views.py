from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import network, rules, selectors, services
from .forms import DeactivateForm, DepartmentForm, InvitationPasswordForm, OrganizationHeaderForm, PeopleFilterForm
from .models import Department, User

PEOPLE_PER_PAGE = 50


@login_required
def notifications(request):
    qs = request.user.notifications.all()
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    ids = [n.pk for n in page.object_list if n.read_at is None]
    response = render(request, "accounts/notifications.html", {"page": page})
    if ids:
        request.user.notifications.filter(pk__in=ids).update(read_at=timezone.now())
    return response


# Helpers -------------------------------------------------------------------------------------------
def _require(ok: bool):
    if not ok:
        raise PermissionDenied


def _person(request, pk) -> User:
    """Scoped to the user's organization before get: another organization's person is a 404."""
    return get_object_or_404(
        selectors.members(request.user.organization_id).select_related("department", "organization"), pk=pk
    )


def _department(request, pk) -> Department:
    return get_object_or_404(Department, pk=pk, organization_id=request.user.organization_id)


def _errors(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _back_to_people(request):
    nxt = request.POST.get("next", "")
    if nxt.startswith(reverse("accounts:people")):
        return redirect(nxt)
    return redirect("accounts:people")


# People ---------------------------------------------------------------------------------------------
@login_required
def people(request):
    """The Board manages; the Standing and Inspection Committees read (docs/domain.md §2)."""
    _require(rules.can_view_people(request.user))
    org_id = request.user.organization_id
    form = PeopleFilterForm(
        request.GET or None, organization=request.user.organization, group_codes=selectors.group_codes_in_use(org_id)
    )
    f = selectors.PeopleFilter()
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        f = selectors.PeopleFilter(
            q=d["q"],
            department=d["department"].pk if d["department"] else None,
            group=d["group"],
            role=d["role"],
            status=d["status"] or "active",
        )
    page = Paginator(selectors.people(org_id, f), PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    for person in page.object_list:  # accounts above the user's rank get no edit links (docs/security.md)
        person.editable = rules.can_edit_person(request.user, person)
    return render(
        request,
        "accounts/people.html",
        {
            "form": form,
            "page": page,
            "can_manage": rules.can_manage_people(request.user),
            "not_invited": selectors.not_yet_invited(org_id).count() if rules.can_manage_people(request.user) else 0,
            "offset": page.start_index() - 1 if page.paginator.count else 0,
        },
    )


@login_required
def person_deactivate(request, pk):
    person = _person(request, pk)
    _require(rules.can_edit_person(request.user, person))
    form = DeactivateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.deactivate_person(actor=request.user, person=person, active_to=form.cleaned_data["active_to"])
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        else:
            messages.success(
                request,
                _("Đã ngừng tài khoản của %(name)s; các phiên đăng nhập của người này đã kết thúc.") % {"name": person},
            )
            return redirect("accounts:people")
    return render(request, "accounts/person_deactivate.html", {"form": form, "person": person})


@login_required
@require_POST
def person_reactivate(request, pk):
    person = _person(request, pk)
    _require(rules.can_edit_person(request.user, person))
    services.reactivate_person(actor=request.user, person=person)
    messages.success(request, _("Đã kích hoạt lại tài khoản của %(name)s.") % {"name": person})
    return _back_to_people(request)


@login_required
@require_POST
def person_invite(request, pk):
    person = _person(request, pk)
    _require(rules.can_edit_person(request.user, person))
    try:
        services.send_invitation(actor=request.user, person=person)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("Đã gửi thư mời đến %(email)s.") % {"email": person.email})
    return _back_to_people(request)


@login_required
@require_POST
def invite_all(request):
    _require(rules.can_manage_people(request.user))
    n = services.invite_all(actor=request.user, organization=request.user.organization)
    if n:
        messages.success(request, _("Đã gửi thư mời đến %(n)s người chưa được mời.") % {"n": n})
    else:
        messages.info(request, _("Không còn ai cần mời: mọi người đều đã được mời hoặc đã có mật khẩu."))
    return _back_to_people(request)


def email_confirm(request, token):
    """The owner of an account confirms a new login email from the link sent to the old one.
    GET shows a button (mail scanners follow links); POST applies."""
    if request.method == "POST":
        try:
            person = services.confirm_email_change(token=token)
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        else:
            messages.success(request, _("Đã đổi email đăng nhập thành %(email)s.") % {"email": person.email})
        return redirect("accounts:login" if not request.user.is_authenticated else "home")
    return render(request, "accounts/email_confirm.html", {"token": token})


class ThrottledPasswordResetView(auth_views.PasswordResetView):
    """docs/security.md “Login and requests”: reset requests are counted per address and per email. Past the address's
    limit the form says so (429); past the email's limit nothing is sent but the answer is the
    usual one, so the page never tells whether an email has an account."""

    def form_valid(self, form):
        by_address, by_email = network.reset_allowed(self.request, form.cleaned_data["email"])
        if not by_address:
            form.add_error(
                None, _("Có quá nhiều yêu cầu đặt lại mật khẩu từ địa chỉ mạng này. Hãy thử lại sau một giờ.")
            )
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        if not by_email:
            return redirect(self.get_success_url())
        return super().form_valid(form)


class InvitationAcceptView(auth_views.PasswordResetConfirmView):
    """The first-login link of an invitation: choose a password, then you are logged in."""

    token_generator = services.invitation_token
    form_class = InvitationPasswordForm
    post_reset_login = True
    post_reset_login_backend = "django.contrib.auth.backends.ModelBackend"
    reset_url_token = "dat-mat-khau"
    template_name = "accounts/invitation_accept.html"
    success_url = reverse_lazy("home")

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        return user if user is not None and user.is_active else None

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Chào mừng %(name)s! Bạn đã đặt mật khẩu và đăng nhập.") % {"name": form.user})
        return response


# Departments -----------------------------------------------------------------------------------------
@login_required
def departments(request):
    _require(rules.can_view_people(request.user))
    qs = selectors.departments(request.user.organization_id)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request, "accounts/departments.html", {"page": page, "can_manage": rules.can_manage_people(request.user)}
    )


@login_required
def organization(request):
    """The organization's page: how its documents are headed, for the Board to confirm (and edit)."""
    _require(rules.sees_whole_organization(request.user))
    org = request.user.organization
    can_manage = rules.can_manage_people(request.user) and not rules.is_read_only(request.user)
    form = OrganizationHeaderForm(
        request.POST or None, initial={"superior_body": org.superior_body, "place": org.place}
    )
    status = 200
    if request.method == "POST":
        _require(can_manage)
        if form.is_valid():
            try:
                services.update_organization_header(actor=request.user, organization=org, **form.cleaned_data)
            except ValidationError as exc:
                for field, msgs in exc.message_dict.items():
                    for m in msgs:
                        form.add_error(field if field in form.fields else None, m)
            else:
                messages.success(request, _("Đã lưu đầu văn bản."))
                return redirect("accounts:organization")
        status = 400
    return render(
        request,
        "accounts/organization.html",
        {"org": org, "form": form, "can_manage": can_manage},
        status=status,
    )


@login_required
def department_create(request):
    _require(rules.can_manage_people(request.user))
    form = DepartmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            d = services.create_department(
                actor=request.user, organization=request.user.organization, **form.cleaned_data
            )
        except ValidationError as exc:
            for field, msgs in exc.message_dict.items():
                for m in msgs:
                    form.add_error(field if field in form.fields else None, m)
        else:
            messages.success(request, _("Đã tạo %(name)s.") % {"name": d.name})
            return redirect("accounts:departments")
    return render(request, "accounts/department_form.html", {"form": form, "title": _("Thêm ban")})


@login_required
def department_edit(request, pk):
    department = _department(request, pk)
    _require(rules.can_manage_people(request.user))
    form = DepartmentForm(request.POST or None, initial={"name": department.name, "short_name": department.short_name})
    if request.method == "POST" and form.is_valid():
        try:
            services.rename_department(actor=request.user, department=department, **form.cleaned_data)
        except ValidationError as exc:
            for field, msgs in exc.message_dict.items():
                for m in msgs:
                    form.add_error(field if field in form.fields else None, m)
        else:
            messages.success(request, _("Đã lưu %(name)s.") % {"name": department.name})
            return redirect("accounts:departments")
    return render(
        request, "accounts/department_form.html", {"form": form, "title": _("Đổi tên ban"), "department": department}
    )


@login_required
@require_POST
def department_toggle(request, pk):
    department = _department(request, pk)
    _require(rules.can_manage_people(request.user))
    active = request.POST.get("active") == "1"
    try:
        services.set_department_active(actor=request.user, department=department, active=active)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(
            request,
            (_("Đã kích hoạt lại %(name)s.") if active else _("Đã ngừng %(name)s.")) % {"name": department.name},
        )
    return redirect("accounts:departments")
