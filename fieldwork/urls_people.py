# Owned by the people area (issue 3 part 6); gathered into the "fieldwork" namespace by fieldwork/urls.py.
from django.urls import path

from .views import people_import

urlpatterns = [
    path("can-bo/them/", people_import.person_create, name="person_create"),
    path("can-bo/<int:pk>/sua/", people_import.person_edit, name="person_edit"),
    path("can-bo/nhap-excel/", people_import.people_import, name="people_import"),
    path("can-bo/nhap-excel/xac-nhan/", people_import.people_import_confirm, name="people_import_confirm"),
]
