"""From a workbook's raw cell grids to typed rows, with every problem located.

The file-level contract of submission.md: sheets present, headers exact, 基本信息 complete
and consistent with the inbox folder, period not in the future, cells readable as their
column's kind. Row rules (enumerations, conditions, uniqueness) are the validation stage's.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from operator import itemgetter

from xzzf import cells
from xzzf.periods import period_end
from xzzf.problems import Problem, bounded, in_reading_order
from xzzf.schema import BASIC_INFO, BASIC_INFO_SHEET, SHEETS, TEMPLATE_VERSIONS, Column, Kind, Sheet
from xzzf.units import Registry

EXCEL_ROW = "_excel_row"
SHEET_ORDER = (BASIC_INFO_SHEET, *(sheet.title for sheet in SHEETS))
COLUMN_ORDER = {BASIC_INFO_SHEET: tuple(c.header for c in BASIC_INFO), **{s.title: s.headers for s in SHEETS}}


@dataclass
class ParsedWorkbook:
    info: dict[str, object] = field(default_factory=dict)  # 基本信息 by internal name
    tables: dict[str, list[dict]] = field(default_factory=dict)  # sheet name → typed rows
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    # (sheet, row, column header) → the text typed in a date or number cell that was read,
    # where it differs from how the read value shows ("2026/9/30", "５０００"): a row rule's
    # problem shows the cell as the clerk typed it.
    typed_as: dict[tuple[str, int, str], str] = field(default_factory=dict)

    @property
    def period(self) -> str | None:
        return self.info.get("period")

    def listed(self) -> tuple[list[dict], list[dict]]:
        """Errors and warnings as dicts, in the order a clerk reads the workbook, each list
        bounded (the first ones, and a line counting the rest)."""
        return tuple(bounded(in_reading_order([p.as_dict() for p in problems], SHEET_ORDER, COLUMN_ORDER), kind)
                     for problems, kind in ((self.errors, "错误"), (self.warnings, "提醒")))


def parse_workbook(
    grids: dict[str, list[list]], folder_unit: str, registry: Registry, as_of: dt.date,
    *, hidden: frozenset[str] = frozenset(),
) -> ParsedWorkbook:
    """Read 基本信息 and every table sheet; sheets are found by name, in any order. `hidden`
    names the sheets hidden in the workbook."""
    parsed = ParsedWorkbook()
    by_title: dict[str, list[str]] = {}
    for name in grids:
        by_title.setdefault(cells.normalise_header(name), []).append(name)
    info_sheet = _template_sheet(BASIC_INFO_SHEET, by_title, hidden, parsed)
    if info_sheet is not None:
        _read_info(grids[info_sheet], parsed, folder_unit, registry, as_of)
    year = int(parsed.period[:4]) if parsed.period else as_of.year  # of the date examples the clerk is given
    for sheet in SHEETS:
        actual = _template_sheet(sheet.title, by_title, hidden, parsed)
        if actual is not None:
            records, problems = read_table(sheet, grids[actual], year, parsed.typed_as)
            parsed.tables[sheet.name] = records
            parsed.errors += problems
    return parsed


def _template_sheet(title: str, by_title: dict[str, list[str]], hidden: frozenset[str],
                    parsed: ParsedWorkbook) -> str | None:
    """The one sheet to read as `title`, or None when there is none; either way the clerk is
    told what is wrong. Two look-alike names are refused, not resolved: a hidden `执法人员 `
    would otherwise replace the 执法人员 the clerk sees and checked."""
    names = by_title.get(title, [])
    if not names:
        parsed.errors.append(_missing_sheet(title))
        return None
    if len(names) > 1:
        parsed.errors.append(_look_alike_sheets(title, names, hidden))
        return None
    if names[0] in hidden:
        parsed.warnings.append(Problem(
            f"工作表“{names[0]}”是隐藏的工作表，其数据已读取；请取消隐藏并核对", sheet=title))
    return names[0]


def _missing_sheet(title: str) -> Problem:
    return Problem(f"缺少工作表“{title}”：请使用下发的模板，不要删除或改名工作表", sheet=title)


def _look_alike_sheets(title: str, names: list[str], hidden: frozenset[str]) -> Problem:
    quoted = [f"“{name}”（隐藏）" if name in hidden else f"“{name}”" for name in names]
    listed = "、".join(quoted[:-1]) + "与" + quoted[-1]
    where_hidden = "；隐藏的工作表要先在工作表标签上右键“取消隐藏”才能看到" if hidden & set(names) else ""
    return Problem(f"工作表{listed}名称相同（只差空格或括号写法），无法确定应读取哪一个："
                   f"请删除多余的工作表，只保留一个“{title}”{where_hidden}", sheet=title)


def _read_info(grid, parsed: ParsedWorkbook, folder_unit, registry: Registry, as_of) -> None:
    by_label = {c.header: c for c in BASIC_INFO}
    found: dict[str, tuple[int, object]] = {}
    for index, line in enumerate(grid, start=1):
        if line and isinstance(line[0], cells.CellProblem):
            parsed.warnings.append(Problem(f"{line[0].message}（A 列的项目名称无法读取，该行已忽略）",
                                           sheet=BASIC_INFO_SHEET, row=index, column="A",
                                           value=line[0].shown))
            continue
        label = cells.normalise_label(line[0]) if line and not cells.is_blank(line[0]) else ""
        value = line[1] if len(line) > 1 else None
        if not label:
            continue
        if label not in by_label:
            parsed.warnings.append(Problem(
                f"未知的项目“{label}”，已忽略", sheet=BASIC_INFO_SHEET, row=index, column=label))
            continue
        found[label] = (index, value)
    for column in BASIC_INFO:
        row, value = found.get(column.header, (None, None))
        problem = _info_value(column, row, value, parsed)
        if problem:
            parsed.errors.append(problem)
    _check_identity(parsed, found, folder_unit, registry, as_of)


def _info_value(column: Column, row, value, parsed: ParsedWorkbook) -> Problem | None:
    where = {"sheet": BASIC_INFO_SHEET, "row": row, "column": column.header}
    if isinstance(value, cells.CellProblem):
        return Problem(value.message, **where)
    if cells.is_blank(value):
        if column.required:
            return Problem(f"“{column.header}”必须填写", **where, value="")
        return None
    try:
        if column.name == "period":
            parsed.info["period"] = cells.as_period(value)
        elif column.kind is Kind.DATE:
            parsed.info[column.name] = cells.as_date(value)
        else:
            parsed.info[column.name] = cells.as_text(value)
    except cells.CellError as error:
        year = int(parsed.period[:4]) if parsed.period else None
        return Problem(f"“{column.header}”{_expected(column, error, year)}", **where, value=cells.as_text(value))
    return None


def _check_identity(parsed: ParsedWorkbook, found, folder_unit, registry: Registry, as_of):
    info = parsed.info

    def problem(header: str, message: str) -> None:
        row, value = found.get(header, (None, ""))
        parsed.errors.append(Problem(message, sheet=BASIC_INFO_SHEET, row=row, column=header,
                                     value=cells.as_text(value) if value is not None else ""))

    code = info.get("unit_code")
    if code and code not in registry:
        problem("单位编码", f"单位编码 {code} 未在单位名册中登记，请填写本单位的单位编码 {folder_unit}")
    elif code and code != folder_unit:
        problem("单位编码", f"单位编码 {code} 与所在文件夹 {folder_unit} 不一致："
                           f"每个单位只能报送本单位的数据，请填写 {folder_unit}")
    period = info.get("period")
    current = f"{as_of.year:04d}-{as_of.month:02d}"
    if period and period > current:
        problem("报送期间", f"报送期间 {period} 晚于当前月份 {current}，不能报送未来月份的数据")
    elif period and code == folder_unit and (unit := registry.get(code)) and not unit.has_month(period):
        # Accepted, it would belong to no unit: the registry's dates say who reports that month.
        successors = [u for u in registry.successors(code) if u.has_month(period)]
        advice = (f"请以承接单位 {successors[0].name}（{successors[0].code}）的名义，在其文件夹报送" if successors
                  else "请核对报送期间")
        since = f"自 {unit.start.isoformat()} 设立" if unit.start and period_end(period) < unit.start else \
            f"已于 {unit.end.isoformat()} 撤销" if unit.end else ""
        problem("报送期间", f"{unit.name}（{code}）{since}，{period} 不在单位名册所列的存续期间内：{advice}")
    version = info.get("template_version")
    if version and version not in TEMPLATE_VERSIONS:
        problem("模板版本", f"模板版本 {version} 无法识别（当前版本为 {TEMPLATE_VERSIONS[-1]}），"
                           "请下载最新模板重新填报")


def read_table(sheet: Sheet, grid: list[list], year: int | None = None,
               typed_as: dict | None = None) -> tuple[list[dict], list[Problem]]:
    """Typed rows of one table sheet (header in row 1), with `_excel_row`; blank rows skipped;
    a date that cannot be read is told with examples in `year` (the period's); `typed_as`
    (ParsedWorkbook.typed_as) gets the text of each date or number typed as text.
    Plain records, not a DataFrame: a run pools every file's rows into one frame per sheet."""
    positions, problems = _header_positions(sheet, grid)
    if problems:
        return [], problems
    # Column by column: a column's kind, reader and header are looked up once, not per cell
    # (the per-cell dispatch was most of the parse). Problems are then put back in the order
    # a row-by-row reading finds them.
    body = grid[1:]
    shortest = min(map(len, body), default=0)
    names, typed, located = [EXCEL_ROW], [range(2, len(body) + 2)], []
    for order, (column, index) in enumerate(positions.values()):
        values = (list(map(itemgetter(index), body)) if index < shortest
                  else [line[index] if index < len(line) else None for line in body])
        names.append(column.name)
        typed.append(_typed_column(column, values, sheet.title, order, located, year))
        if typed_as is not None and column.kind in _TYPED_AS_TEXT:
            typed_as.update({(sheet.title, row, column.header): text.strip()
                             for row, (text, value) in enumerate(zip(values, typed[-1], strict=True), start=2)
                             if type(text) is str and value is not None and text.strip() != cells.shown(value)})
    # A row is blank when every cell is: typed as None, with no problem found in it.
    width, troubled = len(positions), {row for row, _, _ in located}
    records = [dict(zip(names, values, strict=True)) for values in zip(*typed, strict=True)
               if values.count(None) < width or values[0] in troubled]
    located.sort(key=itemgetter(0, 1))
    return records, [problem for _, _, problem in located]


def _expected_headers(sheet: Sheet) -> tuple[dict[str, Column], frozenset[str]]:
    """The sheet's columns by normalised header, and the normalised headers shown only.
    Kept by the sheet's identity (the entry keeps the sheet alive, so its id stays its own):
    hashing a Sheet hashes every Column, which would cost what the keeping saves."""
    kept = _EXPECTED_HEADERS.get(id(sheet))
    if kept is None:
        kept = _EXPECTED_HEADERS[id(sheet)] = (
            sheet, {cells.normalise_header(c.header): c for c in sheet.columns},
            frozenset(cells.normalise_header(c.header) for c in sheet.display))
    return kept[1], kept[2]


_EXPECTED_HEADERS: dict[int, tuple[Sheet, dict[str, Column], frozenset[str]]] = {}


def _header_positions(sheet: Sheet, grid: list[list]) -> tuple[dict[str, tuple[Column, int]], list[Problem]]:
    """Column name → the column and its index in the grid, in the header row's order; and
    what is wrong with the header row."""
    problems: list[Problem] = []
    expected, shown_only = _expected_headers(sheet)
    positions: dict[str, tuple[Column, int]] = {}
    for index, text in enumerate(grid[0] if grid else []):
        if cells.is_blank(text) or isinstance(text, cells.CellProblem):
            if any(len(line) > index and not cells.is_blank(line[index]) for line in grid[1:]):
                problems.append(Problem(f"第 {_letter(index)} 列没有列名却填有数据：模板不允许增加列",
                                        sheet=sheet.title, row=1, column=_letter(index)))
            continue
        normalised = cells.normalise_header(text)
        if isinstance(text, str) and normalised in shown_only:
            continue  # the template's reading aid (e.g. 任务内容), not data
        column = expected.get(normalised)
        if column is None:
            problems.append(Problem(
                f"多出的列“{cells.as_text(text)}”：模板不允许增加或改名列，请恢复模板原有列名",
                sheet=sheet.title, row=1, column=cells.as_text(text), value=cells.as_text(text)))
        elif column.name in positions:
            problems.append(Problem(f"列“{column.header}”重复出现", sheet=sheet.title, row=1,
                                    column=column.header))
        else:
            positions[column.name] = (column, index)
    for column in sheet.columns:
        if column.name not in positions:
            problems.append(Problem(f"缺少列“{column.header}”：请使用下发的模板，不要删除或改名列",
                                    sheet=sheet.title, row=1, column=column.header))
    return positions, problems


def _typed_column(column: Column, values: list, title: str, order: int,
                  located: list[tuple[int, int, Problem]], year: int | None = None) -> list:
    """A column's typed values, None for a blank or unreadable cell; each unreadable cell's
    problem goes to `located` with its row and column order."""
    types = set(map(type, values))
    if types <= _ONLY_TEXT:
        texts = list(map(str.strip, values))  # cells.as_text of text; "" is a blank cell
        if column.kind in _TEXT_KINDS:
            return [text or None for text in texts]
        if column.kind is Kind.YESNO and _YES_NO.keys() >= set(texts) - {""}:
            return [_YES_NO[text] if text else None for text in texts]
    read = _READERS[column.kind]
    if not any(issubclass(kind, cells.CellProblem) for kind in types):
        try:  # every cell at once; only a column with an unreadable cell is read cell by cell
            return [None if value is None or isinstance(value, str) and not value.strip() else read(value)
                    for value in values]  # blank as cells.is_blank says, without a call per cell
        except cells.CellError:
            pass
    typed = []
    for row, value in enumerate(values, start=2):
        if isinstance(value, cells.CellProblem):
            located.append((row, order, Problem(
                value.message, title, row, column.header, value.shown,
                "cell.error_value" if value.shown else "cell.formula_without_value")))
            typed.append(None)
        elif cells.is_blank(value):
            typed.append(None)
        else:
            try:
                typed.append(read(value))
            except cells.CellError as error:
                located.append((row, order, Problem(f"“{column.header}”{_expected(column, error, year)}", title,
                                                    row, column.header, cells.as_text(value),
                                                    _CELL_RULES[column.kind])))
                typed.append(None)
    return typed


def _expected(column: Column, error: cells.CellError, year: int | None) -> str:
    """What the cell takes: a date's examples in the period's year, when it is known."""
    return cells.date_expected(year) if column.kind is Kind.DATE and year else str(error)


_YES_NO = {"是": True, "否": False}


def _yes_no(value) -> bool:
    text = cells.as_text(value)
    if text not in _YES_NO:
        raise cells.CellError(cells.YES_NO_EXPECTED)
    return _YES_NO[text]


def _number(value) -> float:
    if type(value) is float and math.isfinite(value):
        return value  # what float(cells.as_decimal(value)) gives, without the Decimal
    return float(cells.as_decimal(value))


_READERS = {
    Kind.TEXT: cells.as_text,
    Kind.IDENT: cells.as_text,
    Kind.ENUM: cells.as_text,
    Kind.YESNO: _yes_no,
    Kind.DATE: cells.as_date,
    Kind.NUMBER: _number,
    Kind.INTEGER: cells.as_integer,
    Kind.MONEY: cells.as_money,
}


_ONLY_TEXT = frozenset({str})
_TYPED_AS_TEXT = frozenset({Kind.DATE, Kind.NUMBER, Kind.INTEGER, Kind.MONEY})  # read into another type
_TEXT_KINDS = frozenset({Kind.TEXT, Kind.IDENT, Kind.ENUM})  # read by cells.as_text

_CELL_RULES = {Kind.DATE: "cell.date", Kind.NUMBER: "cell.number", Kind.MONEY: "cell.number",
               Kind.INTEGER: "cell.integer", Kind.YESNO: "cell.yes_no"}


def _letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
