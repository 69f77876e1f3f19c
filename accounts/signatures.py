"""Who signs for a department and how the signature block reads (docs/domain.md §8, Hướng dẫn
29-HD/TWĐTN-VP). One place for the PDF and XLSX forms (reports/signers.py re-exports it) and the
pages that show a form on screen (the on-screen mẫu 3).

- The signer's own title in capitals: "TRƯỞNG BAN", "CHÁNH VĂN PHÒNG" (a Văn phòng is led by a
  Chánh Văn phòng, never a "Trưởng Văn phòng").
- A deputy signs "KT. <the chief's title>" over their own title ("KT. TRƯỞNG BAN / PHÓ TRƯỞNG
  BAN") only when the department has a chief; a "Phó Trưởng Ban phụ trách" (in charge), or a deputy
  of a department with no chief, signs in their own title without "KT." (seed 000: "01 Phó Trưởng
  Ban phụ trách" leads a Ban).
- A department's heads: the chief (or the deputy in charge) first, then the other deputies.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import rules
from .models import Department, Role, User
from .selectors import people_with_role
from .vietnamese import nfc


@dataclass
class Signer:
    """One signature cell, top to bottom: the form's own caption (label, e.g. "Lãnh đạo
    Ban/Văn phòng phê duyệt"), over="KT. TRƯỞNG BAN" / "TM. BAN THƯỜNG VỤ …", the signer's
    title in capitals, a note, room to sign, the name in bold."""

    title: str
    label: str = ""
    over: str = ""
    note: str = ""
    name: str = ""
    # Who signs (docs/signing.md: the one who may sign the issued file digitally); not part of equality.
    person_id: int | None = field(default=None, compare=False)


def upper(text: str) -> str:
    return nfc(text).strip().upper()


def is_office(department: Department | None) -> bool:
    return department is not None and nfc(department.name).casefold().startswith("văn phòng")


def chief_title(department: Department | None) -> str:
    """The title of a department's chief, in capitals."""
    return "CHÁNH VĂN PHÒNG" if is_office(department) else "TRƯỞNG BAN"


def is_deputy(person: User) -> bool:
    return rules.has_deputy_title(person)


def in_charge(person: User) -> bool:
    """A deputy who leads the department ("Phó Trưởng Ban phụ trách")."""
    return is_deputy(person) and "phụ trách" in nfc(person.position).casefold()


def acts_as_chief(person: User) -> bool:
    return not is_deputy(person) or in_charge(person)


def heads_of(department: Department | None) -> list[User]:
    """The department's active heads: who leads it first (the chief, or the deputy in charge),
    then the other deputies, each in name order."""
    if department is None:
        return []
    heads = list(people_with_role(department.organization_id, Role.HEAD, department=department))
    return sorted(heads, key=lambda p: not acts_as_chief(p))  # stable: name order within each


def head_signer(
    department: Department | None, person: User | None = None, *, label: str = "", heads: list | None = None
) -> Signer:
    """A department leader's block. `person` defaults to whoever leads the department (else its
    first deputy); `heads` (the department's heads_of, when the caller has them) saves a query."""
    heads = heads_of(department) if heads is None else heads
    if person is None:
        person = heads[0] if heads else None
    chief = chief_title(department)
    if person is None:
        return Signer(label=label, title=chief)
    position = upper(person.position)
    if is_deputy(person):
        has_chief = any(not is_deputy(h) for h in heads if h.pk != person.pk)
        if in_charge(person) or not has_chief:
            return Signer(label=label, title=position, name=person.full_name, person_id=person.pk)
        return Signer(label=label, over=f"KT. {chief}", title=position, name=person.full_name, person_id=person.pk)
    # A head's own title when it names a leader ("TRƯỞNG BAN", "CHÁNH VĂN PHÒNG"); else the chief's.
    title = position if position.startswith(("TRƯỞNG", "CHÁNH", "GIÁM ĐỐC")) else chief
    return Signer(label=label, title=title, name=person.full_name, person_id=person.pk)


def sender_signer(department: Department | None, sender: User | None) -> Signer:
    """A department's form (mẫu 2, mẫu 3) is signed by whoever of its heads sent it, else by whoever
    leads the department: one rule for the file and the page that shows the form."""
    return head_signer(
        department, sender if sender is not None and sender.department_id == getattr(department, "pk", None) else None
    )


def own_title_signer(person: User | None, *, label: str = "", default: str = "") -> Signer:
    """Someone signing in their own capacity: their title in capitals over their name."""
    if person is None:
        return Signer(label=label, title="")
    return Signer(label=label, title=upper(person.position) or default, name=person.full_name, person_id=person.pk)


def approver_signer(approver: User | None, *, label: str) -> Signer:
    """The approver of a registration or a department's plan in their own capacity: a Standing
    member with their title ("PHÓ BÍ THƯ": approving is not signing for the committee), a
    department leader with theirs (KT. for a deputy of a department that has a chief)."""
    if approver is None:
        return Signer(label=label, title="")
    if approver.has_role(Role.STANDING):
        return own_title_signer(approver, label=label, default="BÍ THƯ")
    return head_signer(approver.department, approver, label=label)
