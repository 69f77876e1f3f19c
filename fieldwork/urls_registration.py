# Owned by one area; gathered into the "fieldwork" namespace by fieldwork/urls.py.
# docs/rules.md “Registration (mẫu 1) and the department plan (mẫu 2)”: registering trips (mẫu 1), approvals, the department's plan (mẫu 2).
from django.urls import path

from .views import registration, registration_approvals, registration_department, registration_lines

urlpatterns: list = [
    # The cadre's registration (mẫu 1)
    path("dang-ky/", registration.registrations, name="registrations"),
    path("dang-ky/quy-<int:quarter>/", registration.registration_detail, name="registration_detail"),
    path("dang-ky/quy-<int:quarter>/kiem-tra/", registration.registration_validate, name="registration_validate"),
    path(
        "dang-ky/quy-<int:quarter>/sao-chep-quy-truoc/",
        registration.registration_copy_previous,
        name="registration_copy_previous",
    ),
    path("dang-ky/quy-<int:quarter>/gui/", registration.registration_submit, name="registration_submit"),
    path("dang-ky/dong/<int:pk>/sua/", registration_lines.registration_line_edit, name="registration_line_edit"),
    path("dang-ky/dong/<int:pk>/xoa/", registration_lines.registration_line_delete, name="registration_line_delete"),
    path("dang-ky/dong/<int:pk>/de-nghi-thay-doi/", registration_lines.trip_change_request, name="trip_change_request"),
    path("dang-ky/dong/<int:pk>/de-nghi-huy/", registration_lines.trip_cancel_request, name="trip_cancel_request"),
    path("dang-ky/de-nghi/<int:pk>/rut/", registration_lines.change_request_withdraw, name="change_request_withdraw"),
    path("dia-ban/xa-phuong/", registration_lines.wards, name="wards"),
    # Approval
    path("phe-duyet/", registration_approvals.approvals, name="approvals"),
    path("dang-ky/so/<int:pk>/", registration_approvals.registration_review, name="registration_review"),
    path("dang-ky/so/<int:pk>/phe-duyet/", registration_approvals.registration_approve, name="registration_approve"),
    path("dang-ky/so/<int:pk>/tra-lai/", registration_approvals.registration_return, name="registration_return"),
    path("de-nghi/<int:pk>/quyet-dinh/", registration_approvals.change_request_decide, name="change_request_decide"),
    # The department's plan (mẫu 2)
    path("ke-hoach-ban/", registration_department.department_plans, name="department_plans"),
    path(
        "ke-hoach-ban/<int:department_pk>/quy-<int:quarter>/",
        registration_department.department_plan,
        name="department_plan",
    ),
    path(
        "ke-hoach-ban/<int:department_pk>/quy-<int:quarter>/gui/",
        registration_department.department_plan_submit,
        name="department_plan_submit",
    ),
    path(
        "ke-hoach-ban/<int:department_pk>/quy-<int:quarter>/quyet-dinh/",
        registration_department.department_plan_decide,
        name="department_plan_decide",
    ),
]
