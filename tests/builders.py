"""Real .xlsx workbooks for tests, written with openpyxl as a clerk's Excel would save them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from connectors.xlsx_writer import write_sheets
from xzzf.cells import normalise_header
from xzzf.schema import BASIC_INFO_SHEET, SHEETS, SHEETS_BY_TITLE

VALID_ROWS = {
    "执法人员": [
        {"姓名": "张三", "执法证号": "640300123456", "证件状态": "有效",
         "证件有效期至": dt.date(2028, 12, 31),
         "是否执法人员": "是", "是否法制审核人员": "否", "是否公职律师": "否", "在岗状态": "在岗"},
        {"姓名": "李四", "执法证号": "000123", "证件状态": "有效", "证件有效期至": "2028/6/30",
         "是否执法人员": "是", "是否法制审核人员": "是", "是否公职律师": "否", "在岗状态": "在岗"},
    ],
    "培训记录": [
        {"姓名": "张三", "执法证号": "640300123456", "培训日期": dt.date(2026, 10, 12),
         "培训名称": "行政处罚法专题",
         "培训类别": "公共法律知识", "学时": 8, "组织方式": "司法局统一"},
    ],
    "执法决定": [
        {"决定文书号": "红市监罚〔2026〕12号", "执法类别": "行政处罚", "决定日期": "2026年10月9日",
         "当事人类型": "企业", "统一社会信用代码": "91640300MA76XQ7K5J", "是否当场处罚": "否",
         "是否备案": None, "是否应公开": "是", "公开状态": "已公开", "公开日期": "2026.10.13",
         "是否重大执法决定": "否", "是否法制审核": "是", "是否录入监督平台": "是",
         "是否移送司法机关": "否", "罚没金额（元）": "５０００", "决定状态": "有效"},
    ],
    "投诉举报": [
        {"登记编号": "TS-2026-031", "来源": "12345热线", "受理日期": dt.date(2026, 10, 8),
         "是否涉民营企业": "是", "规定办结日期": dt.date(2026, 10, 22), "办结日期": dt.date(2026, 10, 20),
         "办理结果": "属实已处理"},
    ],
    "柔性执法案例": [
        {"案例名称": "首违不罚助企业整改", "执法方式": "首违不罚", "发生日期": dt.date(2026, 10, 15),
         "简要情况": "对首次轻微违法的个体工商户进行教育，当场整改。"},
    ],
    "心理健康活动": [
        {"活动日期": dt.date(2026, 10, 28), "活动名称": "执法人员心理健康讲座", "活动类型": "心理健康教育",
         "参加人数": 35},
    ],
    "任务进展": [
        {"任务序号": 3, "进展状态": "长期坚持", "完成日期": None, "佐证材料": None, "备注": None},
        # a yearly task: 2026 has no plan imported, so the 2023–2025 plan's dated tasks (11, 13,
        # 20) are not owed in 2026 (xzzf.plans.plan_in_force)
        {"任务序号": 19, "进展状态": "已完成", "完成日期": dt.date(2026, 2, 20),
         "佐证材料": "年度执法工作计划",
         "备注": None},
    ],
}


def basic_info(unit="SFJ", period="2026-10", **changes) -> dict[str, object]:
    info = {"单位编码": unit, "单位名称": "司法局", "报送期间": period, "模板版本": "2026.1",
            "填报人": "王五", "联系电话": "0953-1234567", "填报日期": dt.date(2026, 11, 3)}
    info.update(changes)
    return {k: v for k, v in info.items() if v is not ...}


def _cells(row: dict, header: list[str]) -> list:
    """The row's values under a (possibly respelled) header: matched as the reader matches."""
    by_header = {normalise_header(k): v for k, v in row.items()}
    return [by_header.get(normalise_header(h)) for h in header]


def write_workbook(path: Path, unit="SFJ", period="2026-10", *, info: dict | None = None,
                   rows: dict[str, list[dict]] | None = None, headers: dict[str, list[str]] | None = None,
                   drop_sheets=(), extra_sheets=(), sheet_order=None) -> Path:
    """A workbook of template 2026.1. `rows` replaces a sheet's rows (dicts by header; a None
    in the list writes a blank row); `headers` replaces a sheet's header row."""
    sheets = []
    for title in sheet_order or [BASIC_INFO_SHEET, *(s.title for s in SHEETS), *extra_sheets]:
        if title in drop_sheets:
            continue
        if title == BASIC_INFO_SHEET:
            lines = list((info or basic_info(unit, period)).items())
        elif title in SHEETS_BY_TITLE:
            header = (headers or {}).get(title, list(SHEETS_BY_TITLE[title].headers))
            lines = [header, *([None] * len(header) if row is None else _cells(row, header)
                               for row in (rows or {}).get(title, VALID_ROWS[title]))]
        else:
            lines = [["填报说明：请按模板填写。"]]
        sheets.append((title, lines))
    return write_sheets(path, sheets)
