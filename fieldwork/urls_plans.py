# Owned by one area; gathered into the "fieldwork" namespace by fieldwork/urls.py.
# docs/domain.md §5–§7: the year's plan, exemptions, trips import, standings.
from django.urls import path

from .views import exemptions, plan_from_parent, plans, standing, trips_import

urlpatterns: list = [
    # The year's plan (Board)
    path("ke-hoach/", plans.plans, name="plans"),
    path("ke-hoach/tao/", plans.plan_create, name="plan_create"),
    path("ke-hoach/tu-cap-tren/", plan_from_parent.plan_from_parent, name="plan_from_parent"),
    path("ke-hoach/mo-nam-sau/", plans.plan_open_next, name="plan_open_next"),
    path("ke-hoach/<int:pk>/", plans.plan_detail, name="plan_detail"),
    path("ke-hoach/<int:pk>/sua/", plans.plan_edit, name="plan_edit"),
    path("ke-hoach/<int:pk>/doi-tuong-ap-dung/", plans.plan_affected_view, name="plan_affected"),
    path("ke-hoach/<int:pk>/tinh-lai/", plans.standings_refresh_status, name="standings_refresh_status"),
    path("ke-hoach/<int:pk>/tinh-lai/thu-lai/", plans.standings_refresh_retry, name="standings_refresh_retry"),
    # Exemptions
    path("mien/", exemptions.exemptions, name="exemptions"),
    path("mien/de-xuat/", exemptions.exemption_propose, name="exemption_propose"),
    path("mien/<int:pk>/", exemptions.exemption_detail, name="exemption_detail"),
    path("mien/<int:pk>/phe-duyet/", exemptions.exemption_approve, name="exemption_approve"),
    path("mien/<int:pk>/khong-phe-duyet/", exemptions.exemption_reject, name="exemption_reject"),
    path("mien/<int:pk>/thu-hoi/", exemptions.exemption_revoke, name="exemption_revoke"),
    path("mien/<int:pk>/van-ban/", exemptions.exemption_document, name="exemption_document"),
    # Done trips from a mẫu 3 workbook (Board)
    path("nhap-ket-qua/", trips_import.trips_import, name="trips_import"),
    path("nhap-ket-qua/xac-nhan/", trips_import.trips_import_confirm, name="trips_import_confirm"),
    # Standings
    path("tinh-hinh/cua-toi/", standing.my_standing, name="my_standing"),
    path("tinh-hinh/", standing.standings_table, name="standings"),
]
