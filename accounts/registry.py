"""What each app declares for the pages that `accounts` assembles (docs/style.md “Each app owns its
pages”): the menus and the pages in them, and the fragments one app's page shows from another.

`accounts` is the bottom app (docs/style.md: imports point one way), so it names no page or template of
the apps above it. Each app lists its own in its `navigation.py` (NetBox's way) and registers them from
its `AppConfig.ready()`; the menu (accounts/context_processors.py) and the `{% slot %}` tag
(accounts/templatetags/page_slots.py) only read what was registered. An app that is not installed
registers nothing: its pages leave the menu and its fragments leave the pages of the others.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache

from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class Menu:
    """A menu of the top bar. Its items join it by `key`; menus are shown by `order`."""

    key: str
    label: str  # gettext_lazy
    icon: str  # a Bootstrap Icons name, without "bi-"
    order: int


@dataclass(frozen=True)
class MenuItem:
    """A page in a menu, shown to the people `shows` accepts (a predicate of accounts/rules.py)."""

    menu: str  # Menu.key
    url_name: str  # "app:name", a URL without arguments
    label: str  # gettext_lazy
    shows: Callable[[object], bool]
    order: int  # place in its menu, among the items of every app


@dataclass(frozen=True)
class Fragment:
    """A template that an app offers to the pages of the others at a named slot (`{% slot name %}`)."""

    slot: str
    template: str


@dataclass(frozen=True)
class _Declared:
    menus: tuple[Menu, ...]
    items: tuple[MenuItem, ...]
    fragments: tuple[Fragment, ...]


_declared: dict[str, _Declared] = {}


def register(
    app_label: str,
    *,
    menus: Iterable[Menu] = (),
    items: Iterable[MenuItem] = (),
    fragments: Iterable[Fragment] = (),
) -> None:
    """Record what `app_label` declares (again: replaces, so a second ready() changes nothing)."""
    _declared[app_label] = _Declared(tuple(menus), tuple(items), tuple(fragments))
    menus_and_items.cache_clear()
    fragments_at.cache_clear()


@cache
def menus_and_items() -> tuple[tuple[Menu, tuple[MenuItem, ...]], ...]:
    """Every menu in order, each with its items of every app in order."""
    menus = {}
    for declared in _declared.values():
        for menu in declared.menus:
            if menu.key in menus:
                raise ImproperlyConfigured(f"Menu {menu.key!r} is declared twice.")
            menus[menu.key] = menu
    items: dict[str, list[MenuItem]] = {key: [] for key in menus}
    for declared in _declared.values():
        for item in declared.items:
            if item.menu not in items:
                raise ImproperlyConfigured(f"{item.url_name} names menu {item.menu!r}, which no app declares.")
            items[item.menu].append(item)
    for key, listed in items.items():
        orders = [item.order for item in listed]
        if len(set(orders)) != len(orders):
            raise ImproperlyConfigured(f"Two items of menu {key!r} have the same order: {sorted(orders)}.")
    return tuple(
        (menu, tuple(sorted(items[menu.key], key=lambda item: item.order)))
        for menu in sorted(menus.values(), key=lambda menu: menu.order)
    )


@cache
def fragments_at(slot: str) -> tuple[Fragment, ...]:
    """The fragments offered at `slot`, in the order the apps were registered."""
    return tuple(f for declared in _declared.values() for f in declared.fragments if f.slot == slot)
