from django.urls import path

from . import views, views_yearend

app_name = "reports"

urlpatterns = [
    path("", views.jobs, name="jobs"),
    path("tao/", views.request_report, name="request"),
    path("tao/can-bo/", views.cadre_options, name="cadre_options"),
    path("quy/", views.quarter, name="quarter"),
    path("quy/tao-lai/", views.regenerate, name="regenerate"),
    path("cuoi-nam/", views_yearend.year_end, name="year_end"),
    path("cuoi-nam/nhan-xet/", views_yearend.remarks, name="remarks"),
    path("cuoi-nam/nhan-xet/<int:person_id>/", views_yearend.remark_save, name="remark_save"),
    path("<uuid:pk>/", views.job_detail, name="job_detail"),
    path("<uuid:pk>/trang-thai/", views.job_status, name="job_status"),
    path("<uuid:pk>/tai-ve/", views.download, name="download"),
    path("<uuid:pk>/thu-lai/", views.retry, name="retry"),
]
