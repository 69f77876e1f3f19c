"""import_cadres (docs/domain.md §10): the Board's list of people, as a spreadsheet.

Two steps, shared by the command and the web page:
- `read_cadres` parses the first sheet and compares it with the database: who is new, who
  changes (which fields, from what to what), which departments and exemptions will be
  created, and every error by sheet, row and column. It writes nothing.
- `apply_cadres` writes that preview in one transaction, through accounts.services.

All or nothing: a file with any error imports nothing. Re-importing updates people by
email; an identical second import changes nothing (and the preview says so).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import IO

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import rules
from accounts import services as people_services
from accounts.history import OWN_RECORD_LOCKED, field_label
from accounts.models import Department, Organization, Role, User
from accounts.vietnamese import format_date, nfc
from fieldwork.importers.base import finish_import, norm, open_or_collect, raise_if_errors
from fieldwork.importers.cadre_rows import COLUMNS, REQUIRED, ExemptionLine, Lookups, RowReader, clean
from fieldwork.importers.workbook import ImportFailed, RowError
from fieldwork.models import Exemption, Plan
from fieldwork.services.exemptions import notify_proposal
from fieldwork.services.history import record
from fieldwork.stored.changes import batch

__all__ = ["COLUMNS", "CadreImport", "PersonLine", "apply_cadres", "default_plan", "import_cadres", "read_cadres"]

FIELD_LABELS = {
    "full_name": gettext_lazy("Họ và tên"),
    "email": gettext_lazy("Email"),
    "department": gettext_lazy("Ban"),
    "position": gettext_lazy("Chức vụ"),
    "group_code": gettext_lazy("Đối tượng"),
    "active_from": gettext_lazy("Ngày bắt đầu"),
    "active_to": gettext_lazy("Ngày kết thúc"),
    "roles": gettext_lazy("Vai trò"),
}


@dataclass
class PersonLine:
    """One row of the file, resolved against the database."""

    row: int
    email: str
    full_name: str
    person: User | None = None  # None: a new person
    data: people_services.PersonData | None = None
    department_name: str = ""  # a department to create, when `data.department` is None and this is set
    roles: set[str] | None = None  # None: keep the existing roles
    changes: dict[str, tuple[str, str]] = field(default_factory=dict)  # label -> (old, new), as text
    exemption: ExemptionLine | None = None  # an individual exemption to create

    @property
    def role_text(self) -> str:
        codes = self.roles if self.roles is not None else (self.person.role_codes if self.person else {Role.CADRE})
        return ", ".join(str(Role(c).label) for c in sorted(codes))


@dataclass
class CadreImport:
    organization: Organization
    plan: Plan
    sheet: str = ""
    new: list[PersonLine] = field(default_factory=list)
    updated: list[PersonLine] = field(default_factory=list)
    unchanged: list[PersonLine] = field(default_factory=list)
    departments: list[str] = field(default_factory=list)
    exemptions: list[PersonLine] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def has_changes(self) -> bool:
        return bool(self.new or self.updated or self.departments or self.exemptions)

    def summary(self) -> str:
        return _(
            "%(new)s người mới, %(upd)s người thay đổi, %(same)s người không đổi, %(dep)s ban mới, %(ex)s quyết định miễn mới."
        ) % {
            "new": len(self.new),
            "upd": len(self.updated),
            "same": len(self.unchanged),
            "dep": len(self.departments),
            "ex": len(self.exemptions),
        }


def default_plan(organization: Organization, year: int | None = None) -> Plan:
    """docs/domain.md §10: --year names the plan; by default the organization's most recent."""
    qs = Plan.objects.filter(organization=organization)
    plan = qs.filter(year=year).first() if year else qs.order_by("-year").first()
    if plan is None:
        if year:
            raise ImportFailed(
                [
                    RowError(
                        _("Kế hoạch"),
                        None,
                        None,
                        _("%(org)s chưa có kế hoạch năm %(year)s.") % {"org": organization, "year": year},
                    )
                ]
            )
        raise ImportFailed(
            [
                RowError(
                    _("Kế hoạch"),
                    None,
                    None,
                    _("%(org)s chưa có kế hoạch năm nào: hãy tạo kế hoạch trước.") % {"org": organization},
                )
            ]
        )
    return plan


def _text_for(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, date):
        return format_date(value)
    if isinstance(value, Department):
        return value.name
    return str(value)


def _role_text(codes) -> str:
    return ", ".join(str(Role(c).label) for c in sorted(codes)) or "—"


class _Reader:
    """The whole file against the database: lookups read once, whatever the number of rows."""

    def __init__(self, result: CadreImport, sheet, actor):
        org = result.organization
        self.result, self.sheet, self.actor = result, sheet, actor
        self.lookups = Lookups(result.plan)
        self.departments = {norm(d.name): d for d in Department.objects.filter(organization=org)}
        emails = [e for e in (r.text("email").strip().lower() for r in sheet.rows) if e]
        self.existing = {
            u.email.lower(): u
            for u in User.objects.filter(email__in=emails).select_related("department").prefetch_related("roles")
        }
        self.exemptions = set(
            Exemption.objects.filter(
                person__organization=org, status__in=[Exemption.Status.APPROVED, Exemption.Status.PROPOSED]
            ).values_list("person_id", "reason_id", "start", "end")
        )
        self.seen_email: dict[str, int] = {}
        self.new_departments: dict[str, str] = {}

    def department(self, rd: RowReader, text: str):
        """An existing department of the organization, or None and a new one to create."""
        if not text:
            return None
        department = self.departments.get(norm(text))
        if department is None:
            self.new_departments.setdefault(norm(text), text)
        elif not department.is_active:
            rd.error(
                "department",
                _("Ban “%(v)s” đã ngừng hoạt động: hãy kích hoạt lại ban trong trang Các ban hoặc sửa tên ban.")
                % {"v": department.name},
            )
        return department

    def check_roles(self, rd: RowReader, roles, person, department, dept_text) -> None:
        effective = roles if roles is not None else (person.role_codes if person else {Role.CADRE})
        if Role.HEAD in effective and not dept_text:
            rd.error(
                "roles" if rd.has("roles") else "department",
                _("Lãnh đạo ban phải có cột Ban: ban mà người này lãnh đạo."),
            )
        elif self.actor is not None and roles is not None:
            try:  # the same rules as the person form (administrator role, one's own Board role)
                people_services.validate_roles(
                    actor=self.actor, person=person, roles=roles, department=department or dept_text or None
                )
            except ValidationError as exc:
                for m in exc.messages:
                    rd.error("roles", m)

    def clashing_exemption(self, person, ex: ExemptionLine):
        if person is None:
            return None
        return next(
            (e for e in self.exemptions if e[0] == person.pk and e[2] <= ex.end and e[3] >= ex.start),
            None,
        )

    def read_row(self, row) -> None:
        result = self.result
        rd = RowReader(self.sheet.title, row, result.errors, self.lookups)
        full_name = clean(row.text("name"))
        if not full_name:
            rd.error("name", _("Thiếu họ và tên."))
        email = rd.email(self.seen_email)
        person = self.existing.get(email)
        if person is not None and person.organization_id != result.organization.pk:
            rd.error("email", _("Email “%(v)s” đã được dùng cho một tài khoản khác.") % {"v": email})
            person = None
        dept_text = clean(row.text("department"))
        department = self.department(rd, dept_text)
        group_code = rd.group()
        roles = rd.roles()
        if roles is not None and Role.STANDING in roles and _is_secretary_position(row.text("position")):
            # Files in the layout of docs/domain.md §10 name the Secretary by position: the import turns
            # it into the role (granted under the same rules as any role: docs/security.md).
            roles = roles | {Role.SECRETARY}
        self.check_roles(rd, roles, person, department, dept_text)
        active_from, active_to = rd.active_dates(person)
        exemption, position = rd.exemption(clean(row.text("position")))
        if exemption and (
            person and (person.pk, exemption.reason.pk, exemption.start, exemption.end) in self.exemptions
        ):
            exemption = None  # already recorded: re-importing changes nothing
        clash = exemption and self.clashing_exemption(person, exemption)
        if clash:
            rd.error(
                "exempt_from",
                _(
                    "Trùng thời gian với quyết định miễn đã có (%(fr)s – %(to)s): hãy thu hồi quyết định cũ "
                    "trong trang Miễn thực hiện hoặc sửa ngày."
                )
                % {"fr": format_date(clash[2]), "to": format_date(clash[3])},
            )
        if exemption and self.actor is not None and person is not None and person.pk == self.actor.pk:
            # Separation of duties (docs/security.md): nobody brings their own exemption in through a file.
            rd.error(
                "exempt_reason" if rd.has("exempt_reason") else "name",
                _(
                    "Bạn không thể tự nhập quyết định miễn cho chính mình: Ban Tổ chức – Kiểm tra khác đề nghị, Thường trực quyết định."
                ),
            )
        if rd.failed:
            return

        data = people_services.PersonData(
            full_name=full_name,
            email=email,
            department=department,
            position=position,
            group_code=group_code,
            active_from=active_from,
            active_to=active_to,
        )
        line = PersonLine(
            row=row.number,
            email=email,
            full_name=full_name,
            person=person,
            data=data,
            roles=roles,
            department_name=dept_text if department is None else "",
            exemption=exemption,
        )
        if exemption:
            result.exemptions.append(line)
        if person is None:
            result.new.append(line)
            return
        for f, (old, new) in people_services.person_changes(person, data).items():
            line.changes[str(FIELD_LABELS[f])] = (_text_for(old), _text_for(new))
        if line.department_name:  # a department created by this import
            line.changes[str(FIELD_LABELS["department"])] = (_text_for(person.department), line.department_name)
        if roles is not None and roles != person.role_codes:
            line.changes[str(FIELD_LABELS["roles"])] = (_role_text(person.role_codes), _role_text(roles))
        if (line.changes or exemption) and self.actor is not None and not rules.can_edit_person(self.actor, person):
            rd.error(
                "email",
                _(
                    "%(name)s có nhiều quyền hơn bạn (Thường trực, quản trị viên): chỉ người cùng cấp trở lên "
                    "mới sửa được tài khoản này."
                )
                % {"name": person.full_name},
            )
            return
        if self.actor is not None and person.pk == self.actor.pk and not self.actor.is_superuser:
            # docs/rules.md “Nobody certifies their own days”: nobody changes what decides what they owe on their own record.
            own = people_services.person_changes(person, data)
            locked = [f for f in OWN_RECORD_LOCKED if f in own] + (["department"] if line.department_name else [])
            if locked:
                rd.error(
                    "name",
                    _(
                        "Bạn không thể tự đổi %(fields)s của chính mình: những thông tin này quyết định số ngày phải đi. "
                        "Hãy nhờ một người quản lý cán bộ khác sửa."
                    )
                    % {"fields": ", ".join(str(field_label(f)) for f in dict.fromkeys(locked))},
                )
                return
        (result.updated if line.changes else result.unchanged).append(line)


def read_cadres(fileobj: IO[bytes] | str, *, organization: Organization, plan: Plan, actor=None) -> CadreImport:
    """Parse and compare; write nothing. Errors are collected in `result.errors`."""
    result = CadreImport(organization=organization, plan=plan)
    sheet = open_or_collect(result, fileobj, COLUMNS, REQUIRED)
    if sheet is None:
        return result
    reader = _Reader(result, sheet, actor)
    for row in sheet.rows:
        reader.read_row(row)
    result.departments = sorted(reader.new_departments.values())
    return result


def apply_cadres(result: CadreImport, *, actor=None) -> CadreImport:
    """Write a preview without errors, all or nothing."""
    raise_if_errors(result)
    org = result.organization
    # batch(): the stored standings of every imported person refreshed once, at the end, in this
    # transaction (docs/rules.md “Stored standings”), not once per saved person and exemption.
    with transaction.atomic(), batch():
        created = {}
        for name in result.departments:
            d = people_services.create_department(actor=actor, organization=org, name=name)
            created[norm(name)] = d
        try:
            for line in [*result.new, *result.updated]:
                if line.data.department is None and line.department_name:
                    line.data.department = created[norm(line.department_name)]
                if line.person is None:
                    line.person = people_services.create_person(
                        actor=actor, organization=org, data=line.data, roles=line.roles or {Role.CADRE}
                    )
                else:
                    people_services.update_person(
                        actor=actor,
                        person=line.person,
                        data=line.data,
                        roles=line.roles,
                        reason=_("Nhập từ tệp danh sách cán bộ, dòng %(row)s") % {"row": line.row},
                    )
        except ValidationError as exc:
            raise ImportFailed([RowError(result.sheet, line.row, None, " ".join(exc.messages))]) from exc
        # docs/security.md: an administrator's import (or the command line, run by one) records decisions
        # already taken; anyone else's import only proposes them to the Standing Committee.
        decided = actor is None or rules.is_administrator(actor)
        for line in result.exemptions:
            if actor is not None and line.person.pk == actor.pk:
                raise ImportFailed([RowError(result.sheet, line.row, None, _("Không tự nhập miễn cho chính mình."))])
            status = Exemption.Status.APPROVED if decided else Exemption.Status.PROPOSED
            ex = Exemption.objects.create(
                person=line.person,
                reason=line.exemption.reason,
                start=line.exemption.start,
                end=line.exemption.end,
                status=status,
                proposed_by=actor,
                decided_by=actor if decided else None,
                decided_at=timezone.now() if decided else None,
                note=(
                    _(
                        "Nhập từ danh sách cán bộ (dòng %(row)s): quyết định miễn do quản trị viên ghi nhận khi nhập tệp."
                    )
                    if decided
                    else _("Nhập từ danh sách cán bộ (dòng %(row)s): đề nghị miễn chờ Thường trực quyết định.")
                )
                % {"row": line.row},
            )
            record(
                ex,
                actor=actor,
                action="imported" if decided else "proposed",
                from_state="",
                to_state=status,
                comment=_("Nhập từ danh sách cán bộ"),
                organization_id=org.pk,
            )
            if not decided:
                notify_proposal(ex, actor=actor)
    return result


def _is_secretary_position(text) -> bool:
    pos = " ".join(nfc(str(text or "")).casefold().split())
    return pos == "bí thư" or pos.startswith("bí thư ")


def import_cadres(fileobj, *, organization: Organization, plan: Plan, actor=None, dry_run: bool = False) -> CadreImport:
    """Read, then (unless dry_run) write. Raises ImportFailed listing every error."""
    result = read_cadres(fileobj, organization=organization, plan=plan, actor=actor)
    return finish_import(result, apply_cadres, actor=actor, dry_run=dry_run)
