from django.urls import reverse

from . import registry, rules


def navigation(request):
    """The menus of the top bar: what each app registered (accounts/registry.py), the pages the user
    may see; the longest address that begins the path is the page you are on. A menu with no page
    the user may see is not shown."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    menus = []
    best = ""  # the longest URL that prefixes the path is the active page
    for menu, items in registry.menus_and_items():
        links = []
        for item in items:
            if item.shows(user):
                url = reverse(item.url_name)
                links.append({"url": url, "label": item.label})
                if request.path.startswith(url) and len(url) > len(best):
                    best = url
        if links:
            menus.append({"label": menu.label, "icon": menu.icon, "links": links})
    for menu in menus:
        for link in menu["links"]:
            link["active"] = link["url"] == best
        menu["active"] = any(link["active"] for link in menu["links"])
    unread = user.notifications.filter(read_at__isnull=True).count()
    return {"nav_menus": menus, "unread_notifications": unread, "read_only_user": rules.is_read_only(user)}
