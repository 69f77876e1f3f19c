from django.urls import path

from . import views, views_privacy, views_rollup, views_yearend

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
    path("<uuid:pk>/ky-so/", views.sign, name="sign"),
    # docs/rules.md “Organizations in a tree and the roll-up”: the roll-up of the descendants, and reporting up to the parent.
    path("tong-hop/", views_rollup.rollup, name="rollup"),
    path("tong-hop/tao/", views_rollup.rollup_request, name="rollup_request"),
    path("tong-hop/don-vi/<int:pk>/", views_rollup.rollup_node, name="rollup_node"),
    path("tong-hop/bao-cao/<int:pk>/", views_rollup.submission_detail, name="rollup_submission"),
    path(
        "tong-hop/bao-cao/<int:pk>/tai-ve/<str:fmt>/",
        views_rollup.submission_download,
        name="rollup_submission_download",
    ),
    path("gui-cap-tren/", views_rollup.submissions, name="rollup_submissions"),
    path("gui-cap-tren/gui/", views_rollup.submit, name="rollup_submit"),
    # Personal data (docs/privacy.md): what the organization keeps about me.
    path("du-lieu-cua-toi/", views_privacy.my_data, name="my_data"),
    path("du-lieu-cua-toi/tai-ve/<str:fmt>/", views_privacy.my_data_download, name="my_data_download"),
    path("du-lieu-cua-toi/dieu-chinh/", views_privacy.correction_request, name="correction_request"),
]
