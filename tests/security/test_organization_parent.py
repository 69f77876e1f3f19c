"""docs/rules.md “Nobody certifies their own days”: a child organization's administrator cannot detach it from its parent in the
admin (its late submissions would vanish from the parent); the parent's administrator, or a
superuser, changes `parent`, and the change is in the history of the child and of both parents."""

import pytest
from django.urls import reverse

from accounts.models import Organization
from fieldwork.models import HistoryEntry
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree(people):
    child = Organization.objects.create(code="chau-thanh", name="Huyện đoàn Châu Thành", place="Châu Thành")
    child.parent = people["org"]
    child.save()
    child_admin = UserFactory(
        organization=child, department=None, email="qt@ct.vn", roles=["cadre", "admin"], is_staff=True
    )
    parent_admin = UserFactory(department=people["d2"], email="qt@tn.vn", roles=["cadre", "admin"], is_staff=True)
    return {"child": child, "child_admin": child_admin, "parent_admin": parent_admin, "parent": people["org"]}


def change(client, org, data):
    return client.post(reverse("admin:accounts_organization_change", args=[org.pk]), data)


def org_data(org, **over):
    data = {"code": org.code, "name": org.name, "place": org.place, "level": org.level, "superior_body": ""}
    data.update(over)
    return data


def test_a_childs_administrator_cannot_detach_it(client, tree):
    child = tree["child"]
    client.force_login(tree["child_admin"])
    html = client.get(reverse("admin:accounts_organization_change", args=[child.pk])).content.decode()
    assert 'name="parent"' not in html  # read-only
    change(client, child, org_data(child, parent=""))
    child.refresh_from_db()
    assert child.parent_id == tree["parent"].pk
    # Nor attach it elsewhere, nor reach the parent's record.
    assert client.get(reverse("admin:accounts_organization_change", args=[tree["parent"].pk])).status_code == 302
    assert not HistoryEntry.objects.filter(object_type="organization").exists()


def test_the_parents_administrator_detaches_it_with_history(client, tree, people):
    child, parent = tree["child"], tree["parent"]
    client.force_login(tree["parent_admin"])
    html = client.get(reverse("admin:accounts_organization_change", args=[child.pk])).content.decode()
    assert 'name="parent"' in html and 'name="name"' not in html  # only the link is the parent's to change
    # Never to attach it to another organization.
    other = people["other_plan"].organization
    resp = change(client, child, {"parent": other.pk})
    assert resp.status_code == 200
    child.refresh_from_db()
    assert child.parent_id == parent.pk
    resp = change(client, child, {"parent": ""})
    assert resp.status_code == 302
    child.refresh_from_db()
    assert child.parent_id is None
    entries = HistoryEntry.objects.filter(object_type="organization", object_id=child.pk, action="parent_changed")
    assert {e.organization_id for e in entries} == {child.pk, parent.pk}
    assert {e.actor_id for e in entries} == {tree["parent_admin"].pk}
    assert entries[0].comment == "Huyện đoàn Châu Thành: tổ chức cấp trên Tỉnh đoàn Tây Ninh → —"


def test_a_superuser_moves_it(client, tree, people, admin_user):
    child = tree["child"]
    other = people["other_plan"].organization
    client.force_login(admin_user)
    resp = change(client, child, org_data(child, parent=other.pk))
    assert resp.status_code == 302, resp.content.decode()[:2000]
    child.refresh_from_db()
    assert child.parent_id == other.pk
    entries = HistoryEntry.objects.filter(object_type="organization", object_id=child.pk)
    assert {e.organization_id for e in entries} == {child.pk, tree["parent"].pk, other.pk}
