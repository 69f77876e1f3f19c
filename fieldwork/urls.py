"""The fieldwork namespace gathers one URL module per area, so pages can grow apart."""

from . import urls_people, urls_plans, urls_registration, urls_reminders, urls_results

app_name = "fieldwork"

urlpatterns = [
    *urls_plans.urlpatterns,
    *urls_registration.urlpatterns,
    *urls_results.urlpatterns,
    *urls_people.urlpatterns,
    *urls_reminders.urlpatterns,
]
