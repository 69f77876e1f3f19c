"""The seeds' cycle (docs/domain.md §5; docs/rules.md “The seeds' cycle and rules”): the Tây Ninh plan registers once for the year (annual cycle).

Existing plans made from the tay-ninh template (template_code "tay-ninh-…", or the organization
loaded from it, code "tay-ninh") become annual, but only when nobody has registered a quarter yet:
a plan with quarterly registrations (Registration.quarter 1–4) keeps the quarterly cycle, so no
registration, mẫu 2 or history is orphaned. Their study exemption reason ("hoc-tap") gets the
seed's minimum of 6 months when it has none. Rules that change figures (immersion trips of groups
2.1 and 2.2) are left to the Board's plan edit page (docs/rules.md “The seeds' cycle and rules”).
"""

from django.db import migrations
from django.db.models import Q


def tay_ninh_plans(Plan):
    return Plan.objects.filter(Q(template_code__startswith="tay-ninh") | Q(organization__code="tay-ninh"))


def forward(apps, schema_editor):
    Plan = apps.get_model("fieldwork", "Plan")
    Registration = apps.get_model("fieldwork", "Registration")
    DepartmentPlan = apps.get_model("fieldwork", "DepartmentPlan")
    ExemptionReason = apps.get_model("fieldwork", "ExemptionReason")
    for plan in tay_ninh_plans(Plan):
        quarterly = (
            Registration.objects.filter(plan=plan, quarter__gte=1).exists()
            or DepartmentPlan.objects.filter(plan=plan, quarter__gte=1).exists()
        )
        if not quarterly and plan.registration_cycle != "annual":
            plan.registration_cycle = "annual"
            plan.save(update_fields=["registration_cycle"])
        ExemptionReason.objects.filter(plan=plan, code="hoc-tap", scope="individual", min_months__isnull=True).update(
            min_months=6
        )


def backward(apps, schema_editor):
    Plan = apps.get_model("fieldwork", "Plan")
    Registration = apps.get_model("fieldwork", "Registration")
    for plan in tay_ninh_plans(Plan).filter(registration_cycle="annual"):
        if not Registration.objects.filter(plan=plan, quarter=0).exists():
            plan.registration_cycle = "quarterly"
            plan.save(update_fields=["registration_cycle"])


class Migration(migrations.Migration):
    dependencies = [("fieldwork", "0002_plan_cycle_document_min_months")]

    operations = [migrations.RunPython(forward, backward)]
