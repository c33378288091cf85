"""The Word draft's text for a small year made by hand (issue 13): 一 with units, 万元 and 同比;
二 grouped as the plan groups its tasks, with the units and their own words; 三 most serious
first; 四 a line for each problem, marked for the writer to complete."""

import datetime as dt
import re

import pandas as pd
import pytest

from tests.xzzf.test_annual import decision, person, training
from xzzf.adjustments import Adjustment, Obligations, standing
from xzzf.annual import annual_figures
from xzzf.catalog import assign, load_catalog
from xzzf.draft import annual_draft, cases_text, indicator_problems, problems, task_problems
from xzzf.periods import BEIJING
from xzzf.plans import plan_in_force
from xzzf.units import Registry, Unit
from xzzf.vocabulary import AdjustmentKind
from xzzf.workdays import WorkCalendar

D = dt.date
# 大河乡 comes before 自然资源局 in the registry, and sorts after it by character code.
REGISTRY = Registry((Unit("SFJ", "司法局", "部门", True), Unit("DHX", "大河乡", "乡镇", False),
                     Unit("ZRZY", "自然资源局", "部门", True), Unit("CZJ", "财政局", "部门", False, reports=False)))
AS_OF = dt.datetime(2027, 1, 10, 9, tzinfo=BEIJING)
CATALOG = load_catalog()  # the tasks these drafts are written from
LONG_NOTE = ("结合本单位执法职责制定年度行政执法工作计划明确目标任务责任分工和时间节点经局党组会议研究通过"
             "后印发执行并报司法局备案同时在门户网站公开")  # 68 characters, no full stop: cut with ……
SENTENCES = ("组织全员轮训两期，覆盖全部在岗执法人员和辅助人员。邀请自治区司法厅专家授课，"
             "围绕行政处罚法、行政许可法和行政强制法开展专题辅导，参训人员全部通过考试")  # cut after its first sentence


def progress(unit, period, no, state, completed=None, remark=None, evidence=None):
    return {"unit_code": unit, "period": period, "excel_row": 2, "task_no": no, "state": state,
            "completed_on": completed, "evidence": evidence, "remark": remark}


def case(unit, title, day):
    return {"unit_code": unit, "period": f"{day:%Y-%m}", "excel_row": 2, "title": title, "method": "首违不罚",
            "occurred_on": day, "summary": "说服教育，当场改正。"}


def activity(unit, title, kind, day):
    return {"unit_code": unit, "period": f"{day:%Y-%m}", "excel_row": 2, "held_on": day, "title": title,
            "activity_type": kind, "participants": 10}


ROWS = {
    # 7 of 8 certified (SFJ's C2 expired); 2 reviewers of 8, none at 大河乡.
    "roster": [person("SFJ", "2026-12", "C1", reviewer=True), person("SFJ", "2026-12", "C2", until=D(2026, 12, 1)),
               person("SFJ", "2026-12", "C3"), person("SFJ", "2026-12", "C4"),
               person("DHX", "2026-12", "X1"), person("DHX", "2026-12", "X2"),
               person("ZRZY", "2026-12", "Z1", reviewer=True), person("ZRZY", "2026-12", "Z2")],
    # Everyone trained 60 qualifying hours, in three sessions.
    "trainings": [*(training("SFJ", "2026-03", c, D(2026, 3, 5), 60, "执法技能", "执法技能培训")
                    for c in ("C1", "C2", "C3", "C4")),
                  *(training("DHX", "2026-04", c, D(2026, 4, 8), 60, "业务知识", "综合执法业务培训")
                    for c in ("X1", "X2")),
                  *(training("ZRZY", "2026-05", c, D(2026, 5, 9), 60, "公共法律知识", "法律知识讲座")
                    for c in ("Z1", "Z2"))],
    # 3 of 4 published; fines 1,527,700.00 元.
    "decisions": [decision("2026-03", "D1", "行政处罚", D(2026, 3, 1), fine=1000000),
                  decision("2026-04", "D2", "行政处罚", D(2026, 4, 1), fine=527700),
                  decision("2026-05", "D3", "行政许可", D(2026, 5, 1)),
                  decision("2026-06", "D4", "行政检查", D(2026, 6, 1), publication="未公开")],
    "complaints": [],
    # 司法局 3 (met), 自然资源局 1, 大河乡 0 of the 3 each must have.
    "flexible_cases": [case("SFJ", "某餐馆首次超范围经营不予处罚案", D(2026, 3, 3)),
                       case("SFJ", "某超市标签不规范责令改正案", D(2026, 5, 6)),
                       case("SFJ", "某药店首违不罚案", D(2026, 7, 7)),
                       case("ZRZY", "农户轻微违法占地劝导整改案", D(2026, 6, 1))],
    # 大河乡 has none that counts: a 心理咨询 is shown but not counted.
    "psych_activities": [activity("SFJ", "执法人员心理健康讲座", "心理健康教育", D(2026, 5, 5)),
                         activity("ZRZY", "执法人员减压训练", "心理训练", D(2026, 9, 9)),
                         activity("DHX", "个别心理咨询", "心理咨询", D(2026, 9, 10))],
    "task_progress": [
        progress("SFJ", "2026-06", 13, "已完成", D(2026, 5, 30), remark="旧的说明：已完成自查评估"),
        progress("SFJ", "2026-12", 13, "推进中"),  # the snapshot in force takes the completion back
        progress("SFJ", "2026-12", 11, "已完成", D(2026, 3, 10), remark="制定本部门行政裁量权基准并向社会公布。"),
        progress("ZRZY", "2026-12", 11, "已完成", D(2026, 4, 1), evidence="  制定本部门行政裁量权基准并向社会公布 "),
        progress("SFJ", "2026-12", 19, "已完成", D(2026, 2, 20), remark=LONG_NOTE),
        progress("DHX", "2026-12", 19, "已完成", D(2026, 2, 25), remark=SENTENCES),
        progress("ZRZY", "2026-12", 19, "已完成", D(2025, 2, 10), remark="上一年度的计划"),  # not this year's
    ],
}
ON_TIME = {(u, f"2026-{m:02d}"): dt.datetime(2026 + (m == 12), m % 12 + 1, 3, 10, tzinfo=BEIJING)
           for u in ("SFJ", "DHX", "ZRZY") for m in range(1, 13)}
LATE = {("DHX", "2026-02"): dt.datetime(2026, 3, 20, tzinfo=BEIJING),
        ("DHX", "2026-12"): dt.datetime(2027, 1, 8, tzinfo=BEIJING),
        ("ZRZY", "2026-12"): dt.datetime(2027, 1, 9, tzinfo=BEIJING)}
ARRIVALS = {k: v for k, v in (ON_TIME | LATE).items()
            if k not in {("ZRZY", "2026-03"), ("ZRZY", "2026-08"), ("ZRZY", "2026-11")}}
# The year before, for 同比: as many staff, five decisions, 80 % published, 136 万元 of fines.
PREVIOUS = {"district": {"indicators": {"staff_enforcement": 8, "decisions_total": 5, "publication_rate": 0.8,
                                        "fines_total": "1360000.00", "certified_rate": None}}}


def year_draft(previous=PREVIOUS):
    tasks = load_catalog()
    report = annual_figures(2026, AS_OF, REGISTRY, assign(tasks, REGISTRY), tasks, ROWS, ARRIVALS,
                            Obligations(REGISTRY, 5, WorkCalendar()))
    return annual_draft(report, previous, ROWS, tasks, district="吴忠市红寺堡区",
                        addressee="区委全面依法治区委员会办公室", issuer="吴忠市红寺堡区司法局")


@pytest.fixture(scope="module")
def draft():
    return year_draft()


def part(draft, heading):
    return next(p for p in draft.parts if p.heading == heading)


def test_the_draft_is_titled_addressed_signed_and_dated(draft):
    assert draft.title == "吴忠市红寺堡区2026年度行政执法工作报告"
    assert draft.addressee == "区委全面依法治区委员会办公室"
    assert (draft.issuer, draft.date) == ("吴忠市红寺堡区司法局", "2027年1月10日")
    assert "数据截至2027年1月10日" in draft.opening
    assert [p.heading for p in draft.parts] == ["一、基本情况", "二、主要做法及成效", "三、存在问题", "四、下一步工作"]


def test_basic_figures_carry_their_units_money_in_wan_yuan_and_year_on_year(draft):
    text = "".join(part(draft, "一、基本情况").paragraphs)
    assert "在岗行政执法人员8人，与上年持平" in text
    assert "人均参加公共法律知识、业务知识和执法技能培训60.0学时" in text
    assert "全年作出行政执法决定4件，同比下降 20.0%" in text
    assert "其中行政处罚2件、行政许可1件、行政检查1件" in text
    assert "罚没金额合计152.77万元，同比增长 12.3%" in text and "1527700" not in text
    assert "行政执法决定公开率75.0%，同比下降 5.0 个百分点" in text
    assert "持证率87.5%；" in text  # the year before had no rate: no 同比
    assert "总结柔性执法典型案例4个" in text and "开展心理健康教育和心理训练活动2次" in text


def test_without_the_year_before_there_is_no_year_on_year():
    text = "".join(part(year_draft(None), "一、基本情况").paragraphs)
    assert "同比" not in text and "上年" not in text


def test_practice_groups_the_tasks_completed_in_the_year_under_the_plans_sections(draft):
    practice = part(draft, "二、主要做法及成效")
    assert [p.heading for p in practice.parts] == [
        "（一）全面提升行政执法人员能力素质", "（二）全面推进严格规范公正文明执法", "（三）健全完善行政执法工作体系",
        "（四）加快构建行政执法协调监督工作体系", "（五）健全行政执法和行政执法监督科技保障体系",
        "（六）不断强化行政执法保障能力"]
    strict, system = practice.parts[1].paragraphs, practice.parts[2].paragraphs
    # The same words from two units are said once, with both names; 佐证材料 when no 备注.
    assert strict[0] == ("第11项“建立完善行政裁量权基准”：司法局、自然资源局已完成。"
                         "司法局、自然资源局：制定本部门行政裁量权基准并向社会公布。")
    # 第 19 项: done this year by 司法局 and 大河乡 (in the registry's order), not by 自然资源局 (2025).
    assert system[0].startswith("第19项“制定年度行政执法工作计划”：司法局、大河乡已完成。")
    assert f"司法局：{LONG_NOTE[:58]}……" in system[0] and LONG_NOTE not in system[0]
    assert "大河乡：组织全员轮训两期，覆盖全部在岗执法人员和辅助人员。" in system[0]  # cut at the sentence's end
    assert "邀请" not in system[0]
    assert "上一年度的计划" not in system[0]
    every = "".join(p for sub in practice.parts for p in sub.paragraphs)
    assert "第13项" not in every and "旧的说明" not in every  # taken back by the snapshot in force
    assert "达到目标" not in every


def test_practice_shows_trainings_cases_and_activities_from_the_records(draft):
    people, strict, _, _, _, support = (p.paragraphs for p in part(draft, "二、主要做法及成效").parts)
    assert people[0] == "各单位组织开展培训3期、8人次，累计480学时。"
    assert strict[1] == ("各单位总结推广柔性执法典型案例4个：“某餐馆首次超范围经营不予处罚案”、"
                          "“某超市标签不规范责令改正案”、“农户轻微违法占地劝导整改案”、“某药店首违不罚案”。")  # by date
    assert "“执法人员心理健康讲座”、“执法人员减压训练”" in support[0] and "心理咨询" not in support[0]


def test_problems_put_the_indicators_furthest_from_target_first(draft):
    """Issue 22: each a finding — how far the district is, who falls short with their figures,
    what it means."""
    problems = part(draft, "三、存在问题").paragraphs
    indicators = [p.split("。")[0] + "。" for p in problems[:6]]
    assert indicators == [
        # Counts judged per unit: 大河乡 has 0 of 3, 自然资源局 1 of 3.
        "柔性执法典型案例数按单位考核，每个单位不低于3个：大河乡（0个）、自然资源局（1个）未达标。",
        "心理健康教育和心理训练活动次数按单位考核，每个单位不低于1次：大河乡（0次）未达标。",
        "全区行政执法决定公开率为75.0%，低于100%的目标25.0个百分点；司法局（75.0%）未达标。",
        "全区按时报送率为83.3%，低于100%的目标16.7个百分点；自然资源局（66.7%）、大河乡（83.3%）未达标。",
        "全区持证率为87.5%，低于100%的目标12.5个百分点；司法局（75.0%）未达标。",
        "全区法制审核人员占比为25.0%，达到5%的目标，但大河乡（0.0%）未达标。",
    ]
    assert problems[0].endswith("。柔性执法工作推进不平衡，部分单位尚未形成可推广的经验。")  # what it means
    overdue = problems[6]
    assert overdue.startswith("三年行动任务方面，19项任务到期未报已完成")
    assert "第11项“建立完善行政裁量权基准”：大河乡未报已完成，完成时限 2024年3月31日，已逾期。" in overdue
    assert ("第19项“制定年度行政执法工作计划”：自然资源局未报已完成，完成时限 2026年2月28日 未完成；"
            "下一次 2027年2月28日。") in overdue
    assert "第8项“落实‘三项制度’和‘六个清单’”：" in overdue  # quotation marks nest
    assert problems[-1] == ("月度数据报送方面，自然资源局未报送3个月（3月、8月、11月）、逾期报送1个月（12月）；"
                            "大河乡逾期报送2个月（2月、12月）。月度数据报送不及时，影响全区执法数据的统计和分析。")


def test_next_steps_give_each_problem_an_action_for_the_writer_to_complete(draft):
    steps = part(draft, "四、下一步工作").paragraphs
    assert steps[0].startswith("【待完善】")
    assert len(steps) == 1 + 6 + 19 + 1  # six indicators, 19 tasks, the reporting
    assert [s.split(".")[0] for s in steps[1:]] == [str(n) for n in range(1, 27)]
    assert steps[1] == "1.督促大河乡、自然资源局提高柔性执法典型案例数，确保达到3个。"
    assert any(s.endswith(".督促大河乡加快推进第11项“建立完善行政裁量权基准”，尽快完成并报送佐证材料。") for s in steps)
    assert "22.督促自然资源局在2027年2月28日前完成第19项“制定年度行政执法工作计划”并报送佐证材料。" in steps
    assert steps[-1] == "26.督促自然资源局、大河乡按时报送月度数据。"


def test_the_prose_never_spaces_inside_a_task_number(draft):
    """Issue 22: "第11项", never "第 11 项", in every part of the draft."""
    text = "".join(p for part_ in draft.parts for p in (*part_.paragraphs, *(q for sub in part_.parts
                                                                               for q in sub.paragraphs)))
    assert "第11项" in text and not re.search(r"第\s+\d+\s*项|第\d+\s+项", text)


def many_units(count: int) -> dict:
    """`count` units with 司法局 as the first: complaint rates 40 %, 41 %, … (all below 90 % but
    the last three), each behind on 第 11 项, each a month late."""
    units = {}
    for n in range(count):
        rate = 0.40 + n / 100 if n < count - 3 else 0.95
        units[f"U{n}"] = {"name": f"单位{n}", "failing": ["complaint_ontime_rate"] if rate < 0.9 else [],
                          "indicators": {"complaint_ontime_rate": rate, "tasks_overdue": [11],
                                         "flexible_cases": n % 3},
                          "tasks": {11: "overdue", 20: "overdue"}, "months": {"2025-03": "late"}}
        if n % 3 < 3 and n % 3 != 0 or n == 0:
            units[f"U{n}"]["failing"].append("flexible_cases")
    return units


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"[。！？]", text) if s]


def test_no_sentence_names_more_than_five_units():
    """Issue 22: 22 of 25 units below target are counted, the five furthest named with their
    figures; an action names those five; a task all 25 are behind on is counted."""
    units = many_units(25)
    report = {"year": 2025, "as_of": "2026-01-20", "units": units,
              "district": {"indicators": {"complaint_ontime_rate": 0.55, "flexible_cases": 30},
                           "failing": ["complaint_ontime_rate"]}}
    found = problems(report, tuple(t for t in load_catalog() if t.no in (11, 20)))
    names = [u["name"] for u in units.values()]
    for text in [p.finding for p in found] + [a for p in found for a in p.actions]:
        for sentence in sentences(text):
            assert sum(name in re.findall(r"单位\d+", sentence) for name in names) <= 5, sentence
    complaints = next(p for p in found if "投诉举报按时办结率" in p.finding)
    assert complaints.finding.startswith(
        "全区投诉举报按时办结率为55.0%，低于90%的目标35.0个百分点；除单位22、单位23、单位24外的22个单位未达标，"
        "差距最大的是单位0（40.0%）、单位1（41.0%）。")
    assert complaints.actions == ("督促未达标的22个单位，重点督促单位0、单位1、单位2、单位3、单位4"
                                  "提高投诉举报按时办结率，确保达到90%。",)
    reporting = found[-1]
    assert reporting.finding.count("逾期报送1个月") == 5 and "另有20个单位逾期或未报送" in reporting.finding


def test_nearly_all_units_short_are_said_as_all_but_the_few():
    units = many_units(25)
    units["U22"]["failing"].append("complaint_ontime_rate")
    units["U23"]["failing"].append("complaint_ontime_rate")
    report = {"year": 2025, "as_of": "2026-01-20", "units": units,
              "district": {"indicators": {"complaint_ontime_rate": 0.55}, "failing": ["complaint_ontime_rate"]}}
    [complaints] = [p for p in indicator_problems(report) if "投诉举报按时办结率" in p.finding]
    assert ("；除单位24外的24个单位未达标，差距最大的是单位0（40.0%）、单位1（41.0%）、单位2（42.0%）、单位3（43.0%）。"
            in complaints.finding)


def test_a_task_every_one_of_many_owners_has_overdue_is_said_of_all_of_them_not_listed():
    """Issue 21: "第32项…：24 个责任单位均未报已完成", never two dozen names in a sentence; the
    deadline named by its day. Issue 22: of many behind but not all, the first five named."""
    tasks = tuple(t for t in load_catalog() if t.no in (11, 13))

    def unit(name, overdue):
        return {"name": name, "tasks": {11: "overdue" if 11 in overdue else "done", 13: "done"},
                "indicators": {"tasks_overdue": overdue}}

    many = {f"U{n}": unit(f"单位{n}", [11]) for n in range(6)}
    [problem] = task_problems({"year": 2025, "units": many}, tasks)
    assert problem.finding.endswith("第11项“建立完善行政裁量权基准”：6 个责任单位均未报已完成，"
                                    "完成时限 2024年3月31日，已逾期。")
    assert problem.actions[0].startswith("督促全部 6 个责任单位加快推进第11项")
    few = {f"U{n}": unit(f"单位{n}", [11] if n else []) for n in range(6)}  # one has done it
    [problem] = task_problems({"year": 2025, "units": few}, tasks)
    assert "：单位1、单位2、单位3、单位4、单位5未报已完成，" in problem.finding
    most = {f"U{n}": unit(f"单位{n}", [11] if n else []) for n in range(8)}
    [problem] = task_problems({"year": 2025, "units": most}, tasks)
    assert "：8 个责任单位中 7 个未报已完成，如单位1、单位2、单位3、单位4、单位5，" in problem.finding
    assert problem.actions[0].startswith("督促未完成的 7 个责任单位加快推进")


def test_a_task_some_units_do_not_owe_says_so_beside_the_count():
    """Issue 22: "24 个" for one task beside "25 个" for another explains itself."""
    tasks = tuple(t for t in load_catalog() if t.no == 11)
    units = {f"U{n}": {"name": f"单位{n}", "tasks": {11: "overdue"}, "indicators": {"tasks_overdue": [11]}}
             for n in range(24)}
    for unit in units.values():
        unit["months"] = {"2025-01": "on_time"}
    units["HDJD"] = {"name": "弘德街道", "tasks": {}, "indicators": {"tasks_overdue": []},
                     "months": {"2025-06": "on_time"}}
    units["ZFB"] = {"name": "政府办", "tasks": {}, "indicators": {"tasks_overdue": []}, "months": {}}  # reports not
    [problem] = task_problems({"year": 2025, "units": units}, tasks)
    assert "：弘德街道不承担此项，其余24 个责任单位均未报已完成，" in problem.finding


def test_a_yearly_task_names_the_years_deadline_and_the_next_one():
    """Issue 21: the 2025 report's 第32项 (每年1月底前) was due 2025年1月31日; the next is
    2026年1月31日 — the draft says which, never "逾期" alone."""
    tasks = tuple(t for t in load_catalog() if t.no == 32)
    units = {f"U{n}": {"name": f"单位{n}", "tasks": {32: "overdue"}, "indicators": {"tasks_overdue": [32]}}
             for n in range(24)}
    [problem] = task_problems({"year": 2025, "units": units}, tasks)
    assert problem.finding.endswith("第32项“行政执法工作年度报告”：24 个责任单位均未报已完成，"
                                    "完成时限 2025年1月31日 未完成；下一次 2026年1月31日。")
    assert problem.actions == ("督促全部 24 个责任单位在2026年1月31日前完成第32项“行政执法工作年度报告”"
                               "并报送佐证材料。",)
    assert "单位3" not in problem.finding + problem.actions[0]


def test_practice_groups_alike_titles_and_asks_for_more_where_the_data_are_thin():
    """Issue 22: ten "…2025-01包容审慎监管案例" said once with how many units and two examples;
    a section of the plan with fewer than two tasks completed gets a 【待完善】 prompt."""
    names = {f"U{n}": f"单位{n}" for n in range(10)}
    rows = pd.DataFrame([{"unit_code": code, "title": f"{name}2025-01包容审慎监管案例",
                          "occurred_on": dt.date(2025, 1, 5)} for code, name in names.items()]
                        + [{"unit_code": "U0", "title": "某药店首违不罚案", "occurred_on": dt.date(2025, 2, 1)}])
    assert cases_text({"flexible_cases": rows}, names) == (
        "各单位总结推广柔性执法典型案例11个：10个单位报送了包容审慎监管案例，如“单位02025-01包容审慎监管案例”、"
        "“单位12025-01包容审慎监管案例”；“某药店首违不罚案”。")
    practice = year_draft().parts[1]
    prompts = {p.heading: p.paragraphs[-1].startswith("【待完善】") for p in practice.parts}
    assert prompts == {"（一）全面提升行政执法人员能力素质": True, "（二）全面推进严格规范公正文明执法": True,
                       "（三）健全完善行政执法工作体系": True, "（四）加快构建行政执法协调监督工作体系": True,
                       "（五）健全行政执法和行政执法监督科技保障体系": True, "（六）不断强化行政执法保障能力": True}


def test_not_applicable_figures_are_left_out_of_the_prose(draft):
    """Issue 22: no "当场处罚备案率不适用" in 一: a figure with nothing to count is not said."""
    text = "".join(part(draft, "一、基本情况").paragraphs)
    assert "不适用" not in text and "当场处罚备案率" not in text and "行政执法决定公开率75.0%" in text


def test_exempt_months_and_unit_changes_are_said_in_the_basic_part():
    """Issue 15: a 免报 month is out of 应报送月数 and the draft says so; the units set up,
    abolished or merged in the year are named with the day."""
    tasks = load_catalog()
    registry = Registry((*REGISTRY.units, Unit("HDJD", "弘德街道", "街道", True, start=dt.date(2026, 5, 1))))
    exemption = Adjustment(1, AdjustmentKind.EXEMPTION, "ZRZY", "2026-03", "机构改革", "张三",
                           dt.datetime(2026, 4, 1, tzinfo=BEIJING))
    obligations = Obligations(registry, 5, WorkCalendar(), standing([exemption], AS_OF))
    report = annual_figures(2026, AS_OF, registry, assign(tasks, registry), tasks, ROWS, ARRIVALS, obligations)
    assert report["units"]["ZRZY"]["months"]["2026-03"] == "exempt"
    assert report["units"]["ZRZY"]["notes"] == "3月免报（机构改革）"
    text = "".join(part(annual_draft(report, None, ROWS, tasks, district="吴忠市红寺堡区", addressee="", issuer=""),
                        "一、基本情况").paragraphs)
    assert "另有1个月经司法局决定免报，不计入应报送月数" in text
    assert "年内单位变动：弘德街道设立（2026年5月1日）。" in text


def test_a_year_no_plan_covers_says_so_in_one_marked_line_opening_part_two(draft):
    """The draft says what the summary and the mail say: the year's tasks are another plan's."""
    notice = plan_in_force([], "2026-12").notice
    tasks = plan_in_force([], "2026-12").tasks
    report = annual_figures(2026, AS_OF, REGISTRY, assign(tasks, REGISTRY), tasks, ROWS, ARRIVALS,
                            Obligations(REGISTRY, 5, WorkCalendar()))
    carried = annual_draft(report, PREVIOUS, ROWS, tasks, district="吴忠市红寺堡区", addressee="", issuer="",
                           plan_notice=notice)
    said = [paragraph for p in carried.parts for paragraph in p.paragraphs]
    assert part(carried, "二、主要做法及成效").paragraphs[0] == f"【待完善】{notice}"
    assert notice.startswith("2026 年没有导入的行动方案") and said.count(f"【待完善】{notice}") == 1
    assert not [p for p in part(draft, "二、主要做法及成效").paragraphs if "行动方案" in p]  # a year its plan covers
