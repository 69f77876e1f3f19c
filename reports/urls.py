from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.jobs, name="jobs"),
    path("tao/", views.request_report, name="request"),
    path("quy/", views.quarter, name="quarter"),
    path("quy/tao-lai/", views.regenerate, name="regenerate"),
    path("<uuid:pk>/", views.job_detail, name="job_detail"),
    path("<uuid:pk>/trang-thai/", views.job_status, name="job_status"),
    path("<uuid:pk>/tai-ve/", views.download, name="download"),
    path("<uuid:pk>/thu-lai/", views.retry, name="retry"),
]
