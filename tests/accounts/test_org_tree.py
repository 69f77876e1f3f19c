"""Organizations in a tree (docs/rules.md “Organizations in a tree and the roll-up”): the materialized path, moves, cycles, load_plan's `parent`."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from accounts.models import Organization
from accounts.tree import descendant_or_none, descendants, is_descendant, rebuild_paths
from fieldwork.services.plans import read_plan_source

pytestmark = pytest.mark.django_db


def org(code, parent=None):
    return Organization.objects.create(code=code, name=f"Đơn vị {code}", place="Tây Ninh", parent=parent)


def test_paths_descendants_and_moves(django_assert_num_queries):
    tw = org("tw")
    a, b = org("a", tw), org("b", tw)
    a1 = org("a1", a)
    a11 = org("a11", a1)
    assert (tw.path, a.path, a1.path, a11.path) == (
        f"/{tw.pk}/",
        f"/{tw.pk}/{a.pk}/",
        f"/{tw.pk}/{a.pk}/{a1.pk}/",
        f"/{tw.pk}/{a.pk}/{a1.pk}/{a11.pk}/",
    )
    assert (tw.depth, a.depth, a1.depth, a11.depth) == (0, 1, 2, 3)
    with django_assert_num_queries(1):  # any depth: one query
        assert {o.code for o in descendants(tw)} == {"a", "b", "a1", "a11"}
    assert {o.code for o in descendants(a)} == {"a1", "a11"}
    assert list(descendants(b)) == []
    # Moving a subtree rewrites every path below it in one update.
    a1.parent = b
    a1.save()
    a11.refresh_from_db()
    assert a11.path == f"/{tw.pk}/{b.pk}/{a1.pk}/{a11.pk}/" and a11.depth == 3
    assert {o.code for o in descendants(a)} == set()
    assert {o.code for o in descendants(b)} == {"a1", "a11"}
    assert is_descendant(tw, a11) and not is_descendant(a, a11) and not is_descendant(a11, a11)
    assert descendant_or_none(a, a11.pk) is None and descendant_or_none(tw, a11.pk) == a11
    # A stale in-memory copy saved later does not write its old path back.
    stale = Organization.objects.get(pk=a11.pk)
    a1.parent = a
    a1.save()
    stale.name = "Tên mới"
    stale.save()
    stale.refresh_from_db()
    assert stale.path == f"/{tw.pk}/{a.pk}/{a1.pk}/{a11.pk}/"


def test_cycles_are_refused():
    tw = org("tw")
    a = org("a", tw)
    a1 = org("a1", a)
    tw.parent = a1
    with pytest.raises(ValidationError, match="không được là chính nó hoặc một đơn vị trực thuộc"):
        tw.save()
    tw.refresh_from_db()
    assert tw.parent_id is None and tw.path == f"/{tw.pk}/"
    a.parent = a
    with pytest.raises(ValidationError):
        a.full_clean()


def test_rebuild_paths_after_bulk_create():
    tw = org("tw")
    rows = Organization.objects.bulk_create(
        [Organization(code=f"p{i}", name=f"Tỉnh {i}", place="X", parent=tw) for i in range(3)]
    )
    Organization.objects.bulk_create(
        [Organization(code=f"c{i}", name="C", place="X", parent=rows[i]) for i in range(3)]
    )
    assert rebuild_paths() == 6
    c2 = Organization.objects.get(code="c2")
    assert c2.path == f"/{tw.pk}/{rows[2].pk}/{c2.pk}/" and c2.depth == 2
    assert descendants(tw).count() == 6
    assert rebuild_paths() == 0


def plan_file(tmp_path, code, name, parent="absent"):
    data = read_plan_source("tay-ninh-2023")
    data["organization"] = {"code": code, "name": name, "place": "Tây Ninh"}
    if parent != "absent":
        data["organization"]["parent"] = parent
    path = tmp_path / f"{code}.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


def test_load_plan_parent(tmp_path):
    # A parent must exist before its children are loaded (docs/domain.md §10).
    with pytest.raises(CommandError, match="Chưa có tổ chức cấp trên mã “tay-ninh”"):
        call_command("load_plan", plan_file(tmp_path, "khoi", "Đoàn Khối", "tay-ninh"))
    assert not Organization.objects.filter(code="khoi").exists()
    call_command("load_plan", "tay-ninh-2023")
    call_command("load_plan", plan_file(tmp_path, "khoi", "Đoàn Khối", "tay-ninh"))
    tn, khoi = Organization.objects.get(code="tay-ninh"), Organization.objects.get(code="khoi")
    assert khoi.parent == tn and khoi.path == f"{tn.path}{khoi.pk}/"
    # Idempotent; an absent key keeps the parent; null detaches.
    call_command("load_plan", plan_file(tmp_path, "khoi", "Đoàn Khối", "tay-ninh"))
    call_command("load_plan", plan_file(tmp_path, "khoi", "Đoàn Khối"))
    khoi.refresh_from_db()
    assert khoi.parent == tn
    call_command("load_plan", plan_file(tmp_path, "khoi", "Đoàn Khối", None))
    khoi.refresh_from_db()
    assert khoi.parent is None and khoi.path == f"/{khoi.pk}/"
    with pytest.raises(CommandError, match="không thể là cấp trên của chính nó"):
        call_command("load_plan", plan_file(tmp_path, "khoi", "Đoàn Khối", "khoi"))
    # A cycle through the file is refused too, and nothing changes.
    call_command("load_plan", plan_file(tmp_path, "khoi", "Đoàn Khối", "tay-ninh"))
    with pytest.raises(CommandError, match="đơn vị trực thuộc của nó"):
        call_command("load_plan", plan_file(tmp_path, "tay-ninh", "Tỉnh đoàn Tây Ninh", "khoi"))
    tn.refresh_from_db()
    assert tn.parent is None


def test_has_children_follows_moves_and_deletes():
    tw = org("tw")
    a, b = org("a", tw), org("b", tw)
    a1 = org("a1", a)
    assert [Organization.objects.get(pk=o.pk).has_children for o in (tw, a, b, a1)] == [True, True, False, False]
    a1.parent = b
    a1.save()
    assert [Organization.objects.get(pk=o.pk).has_children for o in (a, b)] == [False, True]
    a1.delete()
    assert not Organization.objects.get(pk=b.pk).has_children
