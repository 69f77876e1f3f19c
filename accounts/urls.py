from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import views, views_privacy
from .forms import EmailAuthenticationForm

app_name = "accounts"

urlpatterns = [
    path(
        "dang-nhap/",
        auth_views.LoginView.as_view(
            template_name="accounts/login.html",
            authentication_form=EmailAuthenticationForm,
            redirect_authenticated_user=True,
        ),
        name="login",
    ),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "mat-khau/doi/",
        auth_views.PasswordChangeView.as_view(
            template_name="accounts/form_page.html", success_url=reverse_lazy("accounts:password_change_done")
        ),
        name="password_change",
    ),
    path(
        "mat-khau/doi/xong/",
        auth_views.PasswordChangeDoneView.as_view(template_name="accounts/message_page.html"),
        name="password_change_done",
    ),
    path(
        "mat-khau/quen/",
        views.ThrottledPasswordResetView.as_view(
            template_name="accounts/form_page.html",
            email_template_name="accounts/email/password_reset.txt",
            subject_template_name="accounts/email/password_reset_subject.txt",
            success_url=reverse_lazy("accounts:password_reset_done"),
        ),
        name="password_reset",
    ),
    path(
        "mat-khau/quen/da-gui/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/message_page.html"),
        name="password_reset_done",
    ),
    path(
        "mat-khau/dat-lai/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="accounts/form_page.html", success_url=reverse_lazy("accounts:password_reset_complete")
        ),
        name="password_reset_confirm",
    ),
    path(
        "mat-khau/dat-lai/xong/",
        auth_views.PasswordResetCompleteView.as_view(template_name="accounts/message_page.html"),
        name="password_reset_complete",
    ),
    path("thong-bao/", views.notifications, name="notifications"),
    # The Board's pages: people and departments (create/edit a person and the import live in
    # fieldwork, which knows the plan's groups: fieldwork/urls_people.py).
    path("can-bo/", views.people, name="people"),
    path("can-bo/moi-tat-ca/", views.invite_all, name="invite_all"),
    path("can-bo/<int:pk>/ngung/", views.person_deactivate, name="person_deactivate"),
    path("can-bo/<int:pk>/kich-hoat/", views.person_reactivate, name="person_reactivate"),
    path("can-bo/<int:pk>/moi/", views.person_invite, name="person_invite"),
    path("doi-email/<str:token>/", views.email_confirm, name="email_confirm"),
    path("loi-moi/<uidb64>/<token>/", views.InvitationAcceptView.as_view(), name="invitation_accept"),
    path("to-chuc/", views.organization, name="organization"),
    path("cac-ban/", views.departments, name="departments"),
    path("cac-ban/them/", views.department_create, name="department_create"),
    path("cac-ban/<int:pk>/sua/", views.department_edit, name="department_edit"),
    path("cac-ban/<int:pk>/trang-thai/", views.department_toggle, name="department_toggle"),
    # Personal data (docs/privacy.md).
    path("quyen-rieng-tu/", views_privacy.notice, name="notice"),
    path("quyen-rieng-tu/anh-minh-chung/", views_privacy.photo_evidence, name="photo_evidence"),
    path("nhat-ky-xem-du-lieu/", views_privacy.access_log, name="access_log"),
]
