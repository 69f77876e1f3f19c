"""The tree of organizations (docs/domain.md §10 `parent`): reads on the materialized path.

Every read here is a constant number of queries whatever the depth: the descendants of an
organization are the rows whose `path` starts with its own (Organization.path, kept by save()).
"""

from __future__ import annotations

from .models import Organization


def descendants(org: Organization):
    """Every organization below `org`, any depth, in one query."""
    return Organization.objects.filter(path__startswith=org.path).exclude(pk=org.pk)


def descendant_or_none(org: Organization, pk) -> Organization | None:
    """`pk` when it is a descendant of `org` (strictly below it), else None: the lookup is scoped
    to the subtree before the get, so another branch's organization is a 404."""
    return descendants(org).filter(pk=pk).first()


def is_descendant(org: Organization, other: Organization) -> bool:
    return bool(org.path) and other.pk != org.pk and (other.path or "").startswith(org.path)


def rebuild_paths(organizations=None) -> int:
    """Recompute every path and depth from the parent links in memory, then write the changed
    rows with bulk_update (bench/rollup.py after bulk_create, or a repair). Returns rows written."""
    rows = list(Organization.objects.all().only("pk", "parent_id", "path", "depth"))
    by_pk = {o.pk: o for o in rows}
    memo: dict[int, tuple[str, int]] = {}

    def resolve(o) -> tuple[str, int]:
        chain = []
        node = o
        while node is not None and node.pk not in memo:
            chain.append(node)
            node = by_pk.get(node.parent_id) if node.parent_id else None
            if len(chain) > len(by_pk):
                raise ValueError("cycle in the organization tree")
        base_path, base_depth = memo[node.pk] if node is not None else ("/", -1)
        for n in reversed(chain):
            base_path, base_depth = f"{base_path}{n.pk}/", base_depth + 1
            memo[n.pk] = (base_path, base_depth)
        return memo[o.pk]

    changed = []
    for o in rows:
        path, depth = resolve(o)
        if (o.path, o.depth) != (path, depth):
            o.path, o.depth = path, depth
            changed.append(o)
    Organization.objects.bulk_update(changed, ["path", "depth"], batch_size=1000)
    parents = {o.parent_id for o in rows if o.parent_id}
    Organization.objects.filter(pk__in=parents, has_children=False).update(has_children=True)
    Organization.objects.exclude(pk__in=parents).filter(has_children=True).update(has_children=False)
    return len(changed)
