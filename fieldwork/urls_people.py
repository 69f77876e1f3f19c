# Owned by the people area (docs/domain.md §2 part 6); gathered into the "fieldwork" namespace by fieldwork/urls.py.
from django.urls import path

from .views import people_import, privacy

urlpatterns = [
    path("can-bo/them/", people_import.person_create, name="person_create"),
    path("can-bo/<int:pk>/sua/", people_import.person_edit, name="person_edit"),
    path("can-bo/nhap-excel/", people_import.people_import, name="people_import"),
    path("can-bo/nhap-excel/xac-nhan/", people_import.people_import_confirm, name="people_import_confirm"),
    # Personal data (docs/privacy.md): deletion on request, the Board's correction requests.
    path("can-bo/<int:pk>/an-danh/", privacy.person_anonymize, name="person_anonymize"),
    path("yeu-cau-dieu-chinh/", privacy.corrections, name="corrections"),
    path("yeu-cau-dieu-chinh/<int:pk>/tra-loi/", privacy.correction_answer, name="correction_answer"),
]
