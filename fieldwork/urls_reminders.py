"""Reminders and delegation of approval (docs/rules.md “Reminders, digests and delegation of approval”)."""

from django.urls import path

from .views import reminders

urlpatterns = [
    path("nhac-viec/", reminders.reminder_log, name="reminder_log"),
    path("nhac-viec/tuy-chon/", reminders.reminder_preferences, name="reminder_preferences"),
    path("uy-quyen/", reminders.delegations, name="delegations"),
    path("uy-quyen/<int:pk>/ket-thuc/", reminders.delegation_end, name="delegation_end"),
]
urlpatterns.append(path("ke-hoach/<int:pk>/nhac-viec/", reminders.plan_reminders, name="plan_reminders"))
