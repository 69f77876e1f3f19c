"""Who signs a form and how the signature block reads (docs/domain.md §8, Hướng dẫn 29-HD/TWĐTN-VP).

- The signer's own title in capitals: "TRƯỞNG BAN", "CHÁNH VĂN PHÒNG" (a Văn phòng is led by a
  Chánh Văn phòng, never a "Trưởng Văn phòng").
- A deputy signs "KT. <the chief's title>" over their own title: "KT. TRƯỞNG BAN / PHÓ TRƯỞNG BAN".
- "TM. BAN THƯỜNG VỤ" only when a Standing Committee member signs for the committee.
- A department's heads: the chief before a deputy (docs/rules.md, issue 14 — signatures).
"""

from __future__ import annotations

from accounts import rules
from accounts.models import Department, Role, User
from accounts.vietnamese import nfc

from .documents import Signer

STANDING_OVER = "TM. BAN THƯỜNG VỤ"


def is_office(department: Department | None) -> bool:
    return department is not None and nfc(department.name).casefold().startswith("văn phòng")


def chief_title(department: Department | None) -> str:
    """The title of a department's chief, in capitals."""
    return "CHÁNH VĂN PHÒNG" if is_office(department) else "TRƯỞNG BAN"


def is_deputy(person: User) -> bool:
    return rules.has_deputy_title(person)


def upper(text: str) -> str:
    return nfc(text).strip().upper()


def heads_of(department: Department | None) -> list[User]:
    """The department's active heads, the chief first, then deputies, each in name order."""
    if department is None:
        return []
    heads = list(
        User.objects.filter(department=department, is_active=True, roles__code=Role.HEAD)
        .distinct()
        .order_by("sort_key", "email")
    )
    return sorted(heads, key=is_deputy)  # stable: name order within each


def head_signer(department: Department | None, person: User | None = None, *, label: str = "") -> Signer:
    """A department leader's block: "TRƯỞNG BAN" / "CHÁNH VĂN PHÒNG" for the chief, "KT. … /
    PHÓ …" for a deputy. `person` defaults to the department's chief (else its first deputy)."""
    if person is None:
        heads = heads_of(department)
        person = heads[0] if heads else None
    chief = chief_title(department)
    if person is None:
        return Signer(label=label, title=chief)
    if is_deputy(person):
        return Signer(label=label, over=f"KT. {chief}", title=upper(person.position), name=person.full_name)
    position = upper(person.position)
    # A head's own title when it names a leader ("TRƯỞNG BAN", "CHÁNH VĂN PHÒNG"); else the chief's.
    title = position if position.startswith(("TRƯỞNG", "CHÁNH", "GIÁM ĐỐC")) else chief
    return Signer(label=label, title=title, name=person.full_name)


def standing_signer(person: User | None, *, label: str = "") -> Signer:
    """A Standing Committee member signing for the committee: "TM. BAN THƯỜNG VỤ" / "PHÓ BÍ THƯ"."""
    if person is None:
        return Signer(label=label, over=STANDING_OVER, title="")
    return Signer(label=label, over=STANDING_OVER, title=upper(person.position) or "BÍ THƯ", name=person.full_name)


def approver_signer(approver: User | None, *, label: str) -> Signer:
    """The approver of one person's registration (mẫu 1) in their own capacity: a Standing
    member with their title ("PHÓ BÍ THƯ": approving one registration is not signing for the
    committee), a department leader with theirs (KT. for a deputy)."""
    if approver is None:
        return Signer(label=label, title="")
    if approver.has_role(Role.STANDING):
        return Signer(label=label, title=upper(approver.position) or "BÍ THƯ", name=approver.full_name)
    return head_signer(approver.department, approver, label=label)
