from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone


@login_required
def notifications(request):
    qs = request.user.notifications.all()
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    ids = [n.pk for n in page.object_list if n.read_at is None]
    response = render(request, "accounts/notifications.html", {"page": page})
    if ids:
        request.user.notifications.filter(pk__in=ids).update(read_at=timezone.now())
    return response
