"""A write-only worksheet with the Union header block, styles and print setup.

Every workbook is written in openpyxl's write_only mode (rows streamed to disk): the same
code serves a one-page mẫu 1 and the 10,000-cadre compliance report.
"""

from __future__ import annotations

from copy import copy
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from reports.documents import Header, Signer

FONT_NAME = "Times New Roman"  # docs/domain.md §9; LibreOffice substitutes Liberation Serif
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
RULE_BORDER = Border(top=THIN)
RULE = object()  # the rule under the Union's name, in union_header
MM = 1 / 25.4  # openpyxl margins are in inches


# The register of issued documents (docs/signing.md) ------------------------------------------------------
def register_text(doc) -> str:
    """ "Mã văn bản: … · Xác minh tại …" for a document the register has given a code, else "":
    the PDF prints it in every page's footer; the workbook in every sheet's printed footer and
    under the signatures."""
    code = getattr(doc, "register_code", "")
    if not code:
        return ""
    from reports.register import verify_url

    return _("Mã văn bản: %(code)s · Xác minh tại %(url)s") % {"code": code, "url": verify_url()}


def new_workbook(doc) -> Workbook:
    """A write-only workbook whose properties carry the document's register code (File ›
    Properties shows it; `manage.py verify` reads the file's hash, not this)."""
    wb = Workbook(write_only=True)
    code = getattr(doc, "register_code", "")
    if code:
        wb.properties.identifier = code
    return wb


def footer_text(text: str) -> str:
    """Excel's header/footer language reads "&" as a code: a literal one is "&&"."""
    return text.replace("&", "&&")


# Cell values (docs/security.md “Files”) ---------------------------------------------------------------------
class Formula(str):
    """A formula the product itself writes (the "Tổng" =SUM): the only text written as a formula."""


# What a spreadsheet may take for the start of a formula (OWASP "CSV injection").
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")


def put(cell, value):
    """The one way a value reaches a cell of any workbook the product writes.

    Text from users and imports is text whatever it starts with: stored as a string (never a
    formula nor an error code such as "#N/A") and, when it starts like a formula, flagged with
    quotePrefix so that Excel keeps it text even when the cell is edited. Control characters
    XLSX cannot hold are dropped, so one bad trip never breaks a department's report."""
    if isinstance(value, Formula):
        cell.value = str(value)
    elif isinstance(value, str):
        if ILLEGAL_CHARACTERS_RE.search(value):
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
        # Bound as a string directly: openpyxl's own binding would make "=…" a formula and
        # "#N/A" an error. 32,767 characters is what a cell holds.
        cell._value = value[:32767]
        cell.data_type = "s"
        if value.startswith(FORMULA_TRIGGERS):
            cell.quotePrefix = True
    elif isinstance(value, Decimal):
        cell.value = float(value)
    else:
        cell.value = value
    return cell


def plain_value(ws, value):
    """`put` for an unstyled cell of a write-only sheet, without a cell object when none is needed."""
    if isinstance(value, str):
        if ILLEGAL_CHARACTERS_RE.search(value) or value.startswith(FORMULA_TRIGGERS) or value in ERROR_CODES:
            return put(WriteOnlyCell(ws), value)
        return value
    if isinstance(value, Decimal | Formula):
        return put(WriteOnlyCell(ws), value)
    return value


def font(size=12, bold=False, italic=False) -> Font:
    return Font(name=FONT_NAME, size=size, bold=bold, italic=italic)


F_BODY = font(13)
F_BOLD = font(13, bold=True)
F_ITALIC = font(13, italic=True)
F_BOLD_ITALIC = font(13, bold=True, italic=True)
F_TITLE = font(14, bold=True)
F_CELL = font(12)
F_CELL_BOLD = font(12, bold=True)
F_CELL_ITALIC = font(12, italic=True)
A_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
A_LEFT = Alignment(horizontal="left", vertical="top", wrap_text=True)
A_RIGHT = Alignment(horizontal="right", vertical="top", wrap_text=True)
A_CELL_CENTER = Alignment(horizontal="center", vertical="top", wrap_text=True)
A_PLAIN = Alignment(horizontal="left", vertical="center", wrap_text=False)
ALIGN = {"left": A_LEFT, "center": A_CELL_CENTER, "right": A_RIGHT}
DAYS_FORMAT = "days"  # a marker: SheetWriter.cell picks figure_format(value)
INT_FORMAT = "#,##0"  # Excel shows the locale's marks: 1.000 in Vietnamese
HALF_FORMAT = "#,##0.0"  # days with one decimal place where needed: 2,5


def figure_format(value) -> str | None:
    """STT and days are numbers (docs/rules.md “The seeds' cycle and rules”): whole ones as "30", halves with one decimal "2,5"."""
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return None
    return INT_FORMAT if value == int(value) else HALF_FORMAT


def setup(ws, *, landscape: bool, widths: list[int], title_rows: str | None = None, register: str = ""):
    """A4, fit to width, margins of docs/domain.md §9 (top/bottom 20, left 30, right 15 mm); the
    register's line (register_text) in the footer of every printed page, the first one included."""
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_margins.left = 30 * MM
    ws.page_margins.right = 15 * MM
    ws.page_margins.top = 20 * MM
    ws.page_margins.bottom = 20 * MM
    ws.page_margins.header = 10 * MM
    ws.page_margins.footer = 10 * MM
    ws.print_options.horizontalCentered = True
    # docs/domain.md §9: page number centred at the top (Excel cannot skip page 1 without a
    # different first page, which openpyxl sets with differentFirst).
    ws.oddHeader.center.text = "&P"
    ws.oddHeader.center.font = FONT_NAME
    ws.HeaderFooter.differentFirst = True
    if register:
        for footer in (ws.oddFooter, ws.firstFooter):
            footer.right.text = footer_text(register)
            footer.right.font = FONT_NAME
            footer.right.size = 8
    for i, w in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = w
    if title_rows:
        ws.print_title_rows = title_rows


class SheetWriter:
    """Streams rows to a write-only worksheet, remembering merges (written at save)."""

    def __init__(self, ws, ncols: int, register: str = ""):
        self.ws = ws
        self.register = register  # register_text(doc): written under the signatures
        self.ncols = ncols
        self.row = 0
        self._styles: dict = {}

    def cell(self, value, font=F_CELL, align=A_LEFT, border=None, number_format=None, formula=False):
        """A styled cell. A user's text is never a formula (docs: every user string is hostile):
        only our own "Tổng" passes formula=True."""
        if number_format == DAYS_FORMAT:
            number_format = figure_format(value)  # numbers per value: "30", "2,5"
        # Styles are resolved once per combination and copied as a StyleArray: assigning
        # Font/Alignment objects to every cell of a 10,000-row table costs seconds.
        key = (id(font), id(align), id(border), number_format)
        style = self._styles.get(key)
        if style is None:
            proto = WriteOnlyCell(self.ws)
            proto.font = font
            proto.alignment = align
            if border is not None:
                proto.border = border
            if number_format:
                proto.number_format = number_format
            style = self._styles[key] = proto._style
        if formula and isinstance(value, str) and not isinstance(value, Formula):
            value = Formula(value)  # our own "Tổng" =SUM (docs/security.md “Files”: the only formula)
        c = WriteOnlyCell(self.ws)
        c._style = copy(style)
        return put(c, value)

    def values(self, values) -> int:
        """A row of plain values (no style). A value that openpyxl would bind as it is (a number,
        or text that cannot be read as a formula or an error code) goes as the value, which
        openpyxl writes fastest; anything else becomes a cell through `put`."""
        return self.append([plain_value(self.ws, v) for v in values])

    def append(self, cells, height=None) -> int:
        self.row += 1
        if height:
            self.ws.row_dimensions[self.row].height = height
        self.ws.append(cells)
        return self.row

    def merge(self, c1: int, c2: int, r1: int | None = None, r2: int | None = None):
        r1 = r1 or self.row
        r2 = r2 or r1
        if c1 == c2 and r1 == r2:
            return
        self.ws.merged_cells.add(f"{get_column_letter(c1)}{r1}:{get_column_letter(c2)}{r2}")

    def line(self, value, font=F_BODY, align=A_CENTER, height=None, first=1, last=None):
        """One text line merged across columns first..last."""
        last = last or self.ncols
        cells = [None] * (first - 1) + [self.cell(value, font, align)]
        cells += [self.cell(None, font, align) for _ in range(last - first)]
        self.append(cells, height)
        self.merge(first, last)

    def blank(self):
        self.append([])

    def pair(self, left, right, left_font, right_font, split: int, height=None):
        """Left text merged over 1..split, right text over split+1..ncols."""
        cells = [self.cell(left, left_font, A_CENTER)] + [
            self.cell(None, left_font, A_CENTER) for _ in range(split - 1)
        ]
        cells += [self.cell(right, right_font, A_CENTER)]
        cells += [self.cell(None, right_font, A_CENTER) for _ in range(self.ncols - split - 1)]
        self.append(cells, height)
        self.merge(1, split)
        self.merge(split + 1, self.ncols)

    def union_header(self, h: Header, split: int):
        """docs/domain.md §8: left superior (when any) / issuer (bold) / *** / number; right Union
        (bold) / a short rule under it / place-date (italic). Always four rows and a blank one."""
        lefts = [(h.superior, F_BODY)] if h.superior else []
        lefts += [(h.issuer, F_BOLD), ("***", F_BODY), (h.number or None, F_BODY)]
        lefts += [(None, F_BODY)] * (4 - len(lefts))
        rights = [(h.union, F_BOLD), RULE, (h.place_date, F_ITALIC), (None, F_BODY)]
        for (lt, lf), right in zip(lefts, rights, strict=True):
            if right is RULE:
                self.rule_row(lt, lf, split)
            else:
                self.pair(lt, right[0], lf, right[1], split)
        self.blank()

    def rule_row(self, left, left_font, split: int):
        """The left text, and on the right the rule under "ĐOÀN TNCS HỒ CHÍ MINH": a top border on
        the middle third of the right cells (the Word form's short line)."""
        cells = [self.cell(left, left_font, A_CENTER)] + [
            self.cell(None, left_font, A_CENTER) for _ in range(split - 1)
        ]
        width = self.ncols - split
        side = width // 3 if width >= 3 else 0
        for j in range(width):
            ruled = side <= j < width - side
            cells.append(self.cell(None, F_BODY, A_CENTER, RULE_BORDER if ruled else None))
        self.append(cells)
        self.merge(1, split)

    def titles(self, title: str, subtitle: str, reference: str):
        self.line(title.upper(), F_TITLE, height=20)
        if subtitle:
            self.line(subtitle, F_BOLD, height=34)
        if reference:
            self.line(reference, F_ITALIC, height=34)
        self.blank()

    def table_header(self, titles: list[str], height=None) -> int:
        return self.append([self.cell(t, F_CELL_BOLD, A_CENTER, BORDER) for t in titles], height)

    def numbering(self, labels: list[str]):
        self.append([self.cell(t or None, F_CELL_ITALIC, A_CENTER, BORDER) for t in labels])

    def signatures(self, left: Signer | None, right: Signer | None, split: int, recipients: list[str] | None = None):
        """Signature cells side by side; "Nơi nhận:" (bold italic) and its lines on the left."""
        self.blank()
        lefts: list[tuple[str, object]] = []
        if recipients:
            lefts.append(("Nơi nhận:", F_BOLD_ITALIC))
            lefts += [(f"- {r}" if r.endswith((".", ";")) else f"- {r};", font(11)) for r in recipients]
        heading = max(heading_size(None if recipients else left), heading_size(right))
        if not recipients and left:
            lefts = signer_lines(left, heading)
        rights = signer_lines(right, heading) if right else []
        for i in range(max(len(lefts), len(rights))):
            lt, lf = lefts[i] if i < len(lefts) else (None, F_BODY)
            rt, rf = rights[i] if i < len(rights) else (None, F_BODY)
            la = A_LEFT if recipients else A_CENTER
            cells = [self.cell(lt, lf, la)] + [self.cell(None, lf, la) for _ in range(split - 1)]
            cells += [self.cell(rt, rf, A_CENTER)] + [
                self.cell(None, rf, A_CENTER) for _ in range(self.ncols - split - 1)
            ]
            self.append(cells)
            self.merge(1, split)
            self.merge(split + 1, self.ncols)
        if self.register:
            self.blank()
            self.line(self.register, font(9, italic=True), A_LEFT)


def signer_lines(s: Signer, heading: int = 0) -> list[tuple[str | None, object]]:
    """The block's lines; the heading (caption, over, title, note) padded to `heading` lines so
    that two blocks side by side have their names on one row."""
    out = []
    if s.label:
        out.append((s.label, F_BOLD))
    if s.over:
        out.append((s.over, F_BOLD))
    if s.title:
        out.append((s.title, F_BOLD))
    if s.note:
        out.append((s.note, F_ITALIC))
    out += [(None, F_BODY)] * (max(0, heading - len(out)) + 3)  # room to sign
    out.append((s.name or None, F_BOLD))
    return out


def heading_size(s: Signer | None) -> int:
    return 0 if s is None else sum(1 for x in (s.label, s.over, s.title, s.note) if x)


def fit_widths(columns, rows, cap=60) -> list[int]:
    """Column widths fitting Vietnamese text: the declared width, widened to the longest
    word of the header and the content (up to `cap`), never narrower than 5."""
    widths = []
    for i, col in enumerate(columns):
        longest_word = max((len(w) for w in col.title.split()), default=4)
        content = 0
        for r in rows[:500]:  # a sample is enough to size a column
            v = r[i]
            if isinstance(v, str):
                content = max(content, min(len(v), cap))
        w = max(col.width, longest_word + 2, 5)
        if content and content + 2 < w and not col.numeric:
            w = max(content + 2, longest_word + 2, 5)
        widths.append(min(w, cap))
    return widths
