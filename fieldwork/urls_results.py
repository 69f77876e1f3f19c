# Owned by one area; gathered into the "fieldwork" namespace by fieldwork/urls.py.
# docs/rules.md “Results and mẫu 3”: doing the trips — results, mẫu 3, dashboards, calendar, coverage.
from django.urls import path

from .views import calendar, dashboards, results

urlpatterns: list = [
    # Reporting trips
    path("dot-di/", results.my_trips, name="my_trips"),
    path("dot-di/bao-cao-moi/", results.trip_report_new, name="trip_report_new"),
    path("dot-di/cho-xac-nhan/", results.trips_to_confirm, name="trips_to_confirm"),
    path("dot-di/<int:pk>/", results.trip_detail, name="trip_detail"),
    path("dot-di/<int:pk>/bao-cao/", results.trip_report, name="trip_report"),
    path("dot-di/<int:pk>/xac-nhan/", results.trip_confirm, name="trip_confirm"),
    path("dot-di/<int:pk>/tra-lai/", results.trip_return, name="trip_return"),
    path("dot-di/<int:pk>/tep/<int:attachment_pk>/", results.trip_attachment, name="trip_attachment"),
    path("dot-di/<int:pk>/tep/<int:attachment_pk>/xoa/", results.trip_attachment_delete, name="trip_attachment_delete"),
    # Mẫu 3
    path("bao-cao-quy/", results.quarter_reports_overview, name="quarter_reports_overview"),
    path("bao-cao-quy/<int:department_pk>/quy-<int:quarter>/", results.quarter_report, name="quarter_report"),
    # Dashboards
    path("tong-quan/ca-nhan/", dashboards.cadre_dashboard, name="cadre_dashboard"),
    path("tong-quan/ban/", dashboards.department_home, name="department_home"),
    path("tong-quan/co-quan/", dashboards.organization_dashboard, name="organization_dashboard"),
    path("tong-quan/dia-ban/", dashboards.coverage, name="coverage"),
    # Calendar
    path("lich/", calendar.calendar_month, name="calendar"),
    path("lich/dat-lai-lien-ket/", calendar.calendar_token_reset, name="calendar_token_reset"),
    path("lich/<str:token>.ics", calendar.ical_feed, name="ical_feed"),
]
