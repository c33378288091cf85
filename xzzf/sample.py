"""Realistic sample submissions for the demo and benchmarks (fixed seed: same bytes each time)."""

from __future__ import annotations

import datetime as dt
import random
import zlib

from xzzf import credit_code as credit_code_rules
from xzzf.catalog import Assignment
from xzzf.periods import period_end, period_start
from xzzf.schema import BASIC_INFO, BASIC_INFO_SHEET, SHEETS, TEMPLATE_VERSIONS
from xzzf.units import Unit

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚"


def credit_code(rng: random.Random) -> str:
    """A 统一社会信用代码 with a valid GB 32100 check character."""
    body = "91640303MA7" + "".join(rng.choice(credit_code_rules.ALPHABET) for _ in range(6))
    return body + credit_code_rules.check_character(body)


def as_sheets(info: dict[str, object], tables: dict[str, list[dict]]) -> list[tuple[str, list[list]]]:
    """The (title, rows) a workbook writer takes: 基本信息 first, then each table with its header."""
    sheets = [(BASIC_INFO_SHEET, [[label, value] for label, value in info.items()])]
    for sheet in SHEETS:
        rows = tables.get(sheet.title, [])
        sheets.append((sheet.title, [list(sheet.headers), *([r.get(h) for h in sheet.headers] for r in rows)]))
    return sheets


def submission(unit: Unit, period: str, assignment: Assignment, seed: int = 2026,
               staff: int = 8) -> tuple[dict[str, object], dict[str, list[dict]]]:
    """基本信息 (by label) and rows (by sheet title, dicts by header) for one unit and month."""
    rng = random.Random(f"{seed}-{unit.code}-{period}")
    start, end = period_start(period), period_end(period)

    def day() -> dt.date:
        return start + dt.timedelta(days=rng.randrange((end - start).days + 1))

    info = dict(zip((c.header for c in BASIC_INFO), (
        unit.code, unit.name, period, TEMPLATE_VERSIONS[-1], rng.choice(SURNAMES) + rng.choice(GIVEN),
        "0953-" + str(rng.randrange(5000000, 5999999)), end + dt.timedelta(days=rng.randrange(1, 4)),
    ), strict=True))
    # A person keeps one name from month to month (one 执法证号 under two names is a data-quality
    # signal); the month's generator still draws its names, so every other value of the month
    # stays as it was (the demo's checked-in figures rest on them).
    named, people = random.Random(f"{seed}-{unit.code}"), []
    for n in range(staff):
        rng.choice(SURNAMES), rng.choice(GIVEN), rng.choice(GIVEN)  # noqa: B018 - the month's draws, kept
        people.append((named.choice(SURNAMES) + named.choice(GIVEN) + named.choice(GIVEN),
                       f"64{zlib.crc32(unit.code.encode()) % 10000:04d}{n:06d}"))
    roster = [{"姓名": name, "执法证号": cert, "证件状态": "有效", "证件有效期至": dt.date(end.year + 3, 12, 31),
               "是否执法人员": "是", "是否法制审核人员": "是" if n == 0 else "否", "是否公职律师": "否",
               "在岗状态": "在岗"} for n, (name, cert) in enumerate(people)]
    trainings = [{"姓名": name, "执法证号": cert, "培训日期": day(), "培训名称": f"{period} 业务培训",
                  "培训类别": rng.choice(("公共法律知识", "业务知识", "执法技能")), "学时": 6,
                  "组织方式": "本单位"} for name, cert in people]
    decisions = []
    for n in range(rng.randrange(2, 8)):
        decided = day()
        category = rng.choice(("行政处罚", "行政处罚", "行政许可", "行政检查"))
        published = decided + dt.timedelta(days=rng.randrange(1, 6))
        decisions.append({
            "决定文书号": f"红{unit.code}决〔{start.year}〕{start.month:02d}{n + 1:03d}号", "执法类别": category,
            "决定日期": decided, "当事人类型": "企业", "统一社会信用代码": credit_code(rng),
            "是否当场处罚": "否", "是否备案": None, "是否应公开": "是",
            "公开状态": "已公开" if published <= end else "未公开",
            "公开日期": published if published <= end else None, "是否重大执法决定": "否",
            "是否法制审核": "是", "是否录入监督平台": "是", "是否移送司法机关": "否",
            "罚没金额（元）": rng.randrange(1, 50) * 100 if category == "行政处罚" else None, "决定状态": "有效",
        })
    received = day()
    closed = received + dt.timedelta(days=rng.randrange(2, 20))  # most within the 15 days allowed
    complaints = [{"登记编号": f"{unit.code}-TS-{period}-1", "来源": "12345热线", "受理日期": received,
                   "是否涉民营企业": rng.choice("是否"), "规定办结日期": received + dt.timedelta(days=15),
                   "办结日期": closed if closed <= end else None, "办理结果": "属实已处理" if closed <= end else None}]
    cases = ([{"案例名称": f"{unit.name}{period}包容审慎监管案例", "执法方式": "首违不罚", "发生日期": day(),
               "简要情况": "对首次轻微违法的经营者进行说服教育，当场改正，不予处罚。"}]
             if rng.random() < 0.4 else [])
    activities = ([{"活动日期": day(), "活动名称": "执法人员心理健康讲座", "活动类型": "心理健康教育",
                    "参加人数": staff}] if start.month in (5, 11) else [])
    progress = [{"任务序号": no, "进展状态": "长期坚持", "完成日期": None, "佐证材料": None, "备注": None}
                for no in assignment.tasks_of(unit.code)]
    tables = dict(zip((s.title for s in SHEETS),
                      (roster, trainings, decisions, complaints, cases, activities, progress), strict=True))
    return info, tables
