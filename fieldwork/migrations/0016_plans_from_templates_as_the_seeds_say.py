"""docs/rules.md “The rules as the documents say them” (docs/domain.md §5, §6, §7.6, §7.9): plans made from the shipped templates get what
the templates now say, only where the Board left the old value:
- Đà Nẵng: "không thực hiện 02 đợt liên tiếp" is at least one clear day (gap 2), not 30 days; no
  mẫu 3 day (the plan names none, so nothing is late); the 10th of "đầu mỗi quý" is the last day on
  time ("by");
- both: 1.3 "Theo chuyên đề" is `any_group`; the duty reasons (thi đua khen thưởng, quản trị hành
  chính, công tác Đảng) are "either"; Tây Ninh gains a "khác" reason.
"""

from django.db import migrations
from django.db.models import Q

DUTY_REASONS = ("thi-dua", "quan-tri", "cong-tac-dang")


def forward(apps, schema_editor):
    Plan = apps.get_model("fieldwork", "Plan")
    Category = apps.get_model("fieldwork", "Category")
    ExemptionReason = apps.get_model("fieldwork", "ExemptionReason")
    da_nang = Plan.objects.filter(Q(template_code__startswith="da-nang") | Q(organization__code="da-nang"))
    tay_ninh = Plan.objects.filter(Q(template_code__startswith="tay-ninh") | Q(organization__code="tay-ninh"))
    da_nang.filter(immersion_min_gap_days=30).update(immersion_min_gap_days=2)
    da_nang.filter(quarter_report_day=27).update(quarter_report_day=None)
    da_nang.update(deadline_wording="by")
    both = Plan.objects.filter(Q(pk__in=da_nang.values("pk")) | Q(pk__in=tay_ninh.values("pk")))
    Category.objects.filter(plan__in=both, code="1.3", name="Theo chuyên đề").update(any_group=True)
    ExemptionReason.objects.filter(plan__in=both, code__in=DUTY_REASONS, scope="position").update(scope="either")
    for plan in tay_ninh:
        ExemptionReason.objects.get_or_create(
            plan=plan,
            code="khac",
            defaults={"name": "Lý do khác (theo quyết định của Thường trực Tỉnh đoàn)", "scope": "individual"},
        )


class Migration(migrations.Migration):
    dependencies = [("fieldwork", "0015_deadline_wording_any_group_either_reasons")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
