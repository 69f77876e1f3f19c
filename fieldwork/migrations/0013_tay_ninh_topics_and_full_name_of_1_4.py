"""docs/domain.md §4, §10: Tây Ninh plans made from the shipped template get what the template now
says as seed 002 writes it — the nine topics under 1.3 ("Theo chuyên đề") and the full name of
1.4 — but only where the Board has not changed them: 1.3 without topics, 1.4 still named as the
old template shortened it. Nothing else moves.
"""

from django.db import migrations
from django.db.models import Q

OLD_1_4 = "Dự họp và sinh hoạt chuyên đề của hội nghị Ban Chấp hành, Ban Thường vụ đoàn cấp huyện, xã"
FULL_1_4 = (
    "Dự họp và sinh hoạt chuyên đề của hội nghị Ban Chấp hành, Ban Thường vụ đoàn cấp huyện, thị, "
    "thành phố; xã, phường, thị trấn và tương đương"
)
TOPICS_1_3 = [
    "Khảo sát tình hình thực hiện hồ sơ đoàn vụ của cấp cơ sở; các chủ trương mới của Đoàn đã triển khai trong "
    "nhiệm kỳ: chủ trương “1 + 1”, cập nhật, sử dụng các phần mềm, ứng dụng chuyển đổi số do Trung ương Đoàn triển "
    "khai, Đoàn cơ sở “3 chủ động”, đoàn viên tham gia hoạt động Đoàn nơi cư trú",
    "Khảo sát tình hình hoạt động của các câu lạc bộ, tổ, đội, nhóm sở thích trên địa bàn tỉnh",
    "Khảo sát tình hình đoàn viên, thanh niên trên địa bàn tỉnh Tây Ninh",
    "Khảo sát tình hình hoạt động của các chi đoàn, chi hội trong các doanh nghiệp ngoài khu vực nhà nước; chi đoàn, "
    "chi hội công nhân trên địa bàn dân cư; công tác giới thiệu đoàn viên ưu tú cho Đảng, phát triển đảng viên trong "
    "trường học",
    "Khảo sát tình hình thực hiện nội dung công trình thanh niên của cấp cơ sở",
    "Khảo sát tình hình hoạt động của Đội “Thanh niên tình nguyện, thắp sáng niềm tin” của cơ sở",
    "Thẩm định việc thực hiện các mô hình Đoàn, Hội đã thực hiện và đăng ký thực hiện mô hình của cơ sở",
    "Tham gia đồng hành cùng cơ sở trong Tháng Thanh niên và Chiến dịch thanh niên tình nguyện hè",
    "Củng cố các cơ sở Đoàn yếu, kém",
]


def forward(apps, schema_editor):
    Plan = apps.get_model("fieldwork", "Plan")
    Category = apps.get_model("fieldwork", "Category")
    plans = Plan.objects.filter(Q(template_code__startswith="tay-ninh") | Q(organization__code="tay-ninh"))
    for category in Category.objects.filter(plan__in=plans, code="1.3", name="Theo chuyên đề"):
        if not category.topics:
            category.topics = TOPICS_1_3
            category.save(update_fields=["topics"])
    Category.objects.filter(plan__in=plans, code="1.4", name=OLD_1_4).update(name=FULL_1_4)


def backward(apps, schema_editor):
    Category = apps.get_model("fieldwork", "Category")
    Category.objects.filter(code="1.4", name=FULL_1_4).update(name=OLD_1_4)


class Migration(migrations.Migration):
    dependencies = [("fieldwork", "0012_category_topics_trip_topic")]

    operations = [migrations.RunPython(forward, backward)]
