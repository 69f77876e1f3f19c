"""Who signs a report and to whom it goes (docs/domain.md §8, Hướng dẫn 29-HD/TWĐTN-VP).

The department leaders' blocks live in accounts/signatures.py (the on-screen forms use them too)
and are re-exported here. This module adds what only the documents need:
- "TM. BAN THƯỜNG VỤ TỈNH ĐOÀN" only when a Standing member signs for the committee (the
  organization's own report sent up, seed 002: "TM. BAN THƯỜNG VỤ TỈNH ĐOÀN / BÍ THƯ");
- the Board's reports (compliance, year-end, roll-up, whole-organization mẫu 2 and 3): signed by
  the head of the Board's department in their own title, one function (board_signer), with one
  list of recipients (board_recipients).
"""

from __future__ import annotations

from accounts.models import Department, Organization, Role, User
from accounts.selectors import people_with_role
from accounts.signatures import (  # noqa: F401 (re-exported)
    Signer,
    acts_as_chief,
    approver_signer,
    chief_title,
    head_signer,
    heads_of,
    in_charge,
    is_deputy,
    is_office,
    own_title_signer,
    sender_signer,
    upper,
)
from accounts.vietnamese import nfc


def union_body(org: Organization) -> str:
    """ "Tỉnh đoàn" of "Tỉnh đoàn Tây Ninh": the organization's name without its place."""
    name, place = nfc(org.name).strip(), nfc(org.place).strip()
    if place and name.casefold().endswith(place.casefold()) and len(name) > len(place):
        return name[: -len(place)].strip()
    return name


def standing_over(org: Organization) -> str:
    """ "TM. BAN THƯỜNG VỤ TỈNH ĐOÀN" (seed 002's signature)."""
    return f"TM. BAN THƯỜNG VỤ {union_body(org).upper()}"


def standing_signer(person: User | None, org: Organization, *, label: str = "") -> Signer:
    """A Standing Committee member signing for the committee: "TM. BAN THƯỜNG VỤ TỈNH ĐOÀN" /
    "BÍ THƯ" (or "PHÓ BÍ THƯ") over the name."""
    if person is None:
        return Signer(label=label, over=standing_over(org), title="")
    return Signer(
        label=label,
        over=standing_over(org),
        title=upper(person.position) or "BÍ THƯ",
        name=person.full_name,
        person_id=person.pk,
    )


def secretary_of(org: Organization) -> User | None:
    """Who signs for the Standing Committee: the Secretary, else the first Standing member."""
    people = list(
        people_with_role(org.pk, Role.STANDING, Role.SECRETARY).prefetch_related("roles").order_by("sort_key", "email")
    )
    return next((p for p in people if p.is_secretary), people[0] if people else None)


def board_department(organization) -> Department | None:
    """The Board's department (the issuer and signer of its reports), when the organization has one."""
    return Department.objects.filter(organization=organization, name__icontains="tổ chức").first()


def board_issuer(organization) -> str:
    board = board_department(organization)
    return board.name if board else "Ban Tổ chức – Kiểm tra"


def board_signer(organization) -> Signer:
    """The Board's reports are signed by the head of its department in their own title (a deputy:
    "KT. TRƯỞNG BAN / PHÓ TRƯỞNG BAN", or their own title when in charge); never "TM.": a Ban
    does not sign for a committee."""
    return head_signer(board_department(organization))


def board_recipients(organization) -> list[str]:
    """ "Nơi nhận:" of the Board's reports, in the seeds' words (seed 002: "- Lưu VP, Ban TCKT.")."""
    body = union_body(organization)
    return [
        f"Ban Thường vụ {body}",
        f"Ủy ban kiểm tra {body}",
        f"Các ban, văn phòng {body}",
        "Lưu VP, Ban TCKT.",
    ]
