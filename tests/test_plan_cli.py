"""`xzzf plan import / show`: the seed's text imports to the shipped catalog; a faulty plan is
refused naming each problem, nothing stored; a fixed one imports, replaces from a month with
its record; a year no plan covers says so; show --json has the documented shape."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app
from xzzf.catalog import ROLES, load_catalog, task_entry
from xzzf.plans import known_titles, parse_plan, plan_in_force, seed_plan

SEED = Path(__file__).parents[2] / "shared" / "seed" / "hongsibao-enforcement-plan.txt"
if not SEED.exists():  # its text is read as the module loads
    pytest.skip("shared/seed is not beside this checkout", allow_module_level=True)
# The shipped catalog reads the seed's two stray English words (its notes say so).
CORRECTED = {18: (" and ", "和"), 40: (" responsibility", "责任")}


@pytest.fixture
def flags(tmp_path):
    return ["--db", f"sqlite:///{tmp_path / 'x.db'}", "--out", str(tmp_path / "out")]


def run(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


def test_the_seeds_text_gives_the_shipped_catalog():
    """Numbers, sections, owners, deadlines: equal for all 43 tasks; texts equal but for the
    catalog's two readings of English words; titles (carried over by text) equal for the 41
    tasks whose text is unchanged."""
    parsed = parse_plan(SEED.read_text(encoding="utf-8").splitlines(), known_titles([seed_plan()]))
    assert parsed.problems == ()
    shipped = {t.no: task_entry(t) for t in load_catalog()}
    assert [e["number"] for e in parsed.entries] == list(shipped)
    for entry in parsed.entries:
        want = shipped[entry["number"]]
        fields = ("section", "deadline", *ROLES)
        assert {k: entry[k] for k in fields} == {k: want[k] for k in fields}
        old, new = CORRECTED.get(entry["number"], ("", ""))
        assert entry["text"].replace(old, new) == want["text"]
        if entry["number"] not in CORRECTED:
            assert entry["title"] == want["title"]


FAULTY = (SEED.read_text(encoding="utf-8")
          .replace("\n12. ", "\n13. ", 1)  # a gap: 11 then 13
          .replace("完成时限：2024 年 3 月底前\n", "完成时限：2027年第二季度\n", 1)  # task 11: unreadable
          .replace("发展和改革局、市场监督管理分局", "发展和改革局、市场监管管理分局")
          .replace("各乡镇〔街道〕", "各乡镇（街道）"))


def test_a_faulty_plan_is_refused_naming_each_problem_then_imported_once_fixed(tmp_path, flags):
    plan = tmp_path / "plan.txt"
    plan.write_text(FAULTY, encoding="utf-8")
    refused = run("plan", "import", plan, "--years", "2026-2028", *flags)
    assert refused.exit_code == 2
    message = refused.output
    assert "第 11 项之后是第 13 项" in message and "第 13 项出现了两次" in message
    assert "“2027年第二季度”无法识别" in message
    assert "“市场监管管理分局”不是名册中的名称，与“市场监督管理分局”相近" in message
    assert "各乡镇" not in message  # （） brackets are read as 〔〕
    assert "Traceback" not in message
    shown = json.loads(run("plan", "show", "--year", "2026", "--json", *flags).output)
    assert len(shown["tasks"]) == 40  # nothing stored: 2023–2025 carried on

    fixed = (FAULTY.replace("\n13. 严格落实自治区", "\n12. 严格落实自治区", 1)
             .replace("2027年第二季度", "2027年6月底前").replace("市场监管管理分局", "市场监督管理分局"))
    plan.write_text(fixed, encoding="utf-8")
    imported = run("plan", "import", plan, "--years", "2026-2028", *flags)
    assert imported.exit_code == 0, imported.output
    assert "已导入第 1 号方案" in imported.output and "自 2026-01 起适用" in imported.output
    shown = json.loads(run("plan", "show", "--year", "2026", "--json", *flags).output)
    assert shown["years"] == [2026, 2028] and len(shown["tasks"]) == 43
    task = next(t for t in shown["tasks"] if t["number"] == 11)
    assert task["deadline"] == {"phrase": "2027年6月底前", "kind": "dated", "due": "2027-06-30", "month": None,
                                "ongoing_after": False}
    assert set(task) == {"number", "title", "deadline", "owners", "unresolved"}
    assert "XMJD" in task["owners"]["responsible"] and task["owners"]["lead"] == []
    assert next(t for t in shown["tasks"] if t["number"] == 15)["owners"]["lead"] == ["ZFB", "FGJ", "SCJG"]


def test_importing_again_replaces_from_a_month_with_its_record(tmp_path, flags):
    plan = tmp_path / "plan.txt"
    plan.write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    assert run("plan", "import", plan, "--years", "2026-2028", *flags).exit_code == 0
    changed = SEED.read_text(encoding="utf-8").replace("完成时限: 每年10月底前", "完成时限: 每年9月底前")
    plan.write_text(changed, encoding="utf-8")
    again = ("plan", "import", plan, "--years", "2026-2028", "--from", "2027-03", *flags)
    assert run(*again).exit_code == 2  # a replacement needs who and why
    replaced = run(*again, "--operator", "张三", "--reason", "区政府印发修订后的方案")
    assert replaced.exit_code == 0, replaced.output
    assert "自 2027-03 起替换第 1 号方案" in replaced.output
    month = {y: json.loads(run("plan", "show", "--year", y, "--json", *flags).output) for y in (2026, 2027)}
    assert [t["deadline"]["month"] for t in month[2026]["tasks"] if t["number"] == 17] == [10]
    assert [t["deadline"]["month"] for t in month[2027]["tasks"] if t["number"] == 17] == [9]
    record = run("plan", "show", "--year", "2027", *flags).output
    assert "2027 年 1 月起适用第 1 号方案" in record and "2027 年 3 月起适用第 2 号方案" in record
    assert "导入记录：第 2 号" in record and "替换第 1 号方案，经办人 张三，理由：区政府印发修订后的方案" in record


def test_a_year_no_plan_covers_carries_the_last_plans_ongoing_and_yearly_tasks(flags):
    shown = run("plan", "show", "--year", "2026", *flags).output
    assert shown.splitlines()[0] == (
        "2026 年没有导入的行动方案：沿用《吴忠市红寺堡区关于提升行政执法质量三年行动任务分工方案》"
        "（2023—2025 年）中长期坚持和每年完成的任务；请用 xzzf plan import 导入新方案")
    carried = plan_in_force([], "2026-05")
    assert {t.no for t in load_catalog()} - {t.no for t in carried.tasks} == {11, 13, 20}  # dated only
    assert {t.deadline.kind for t in carried.tasks} == {"ongoing", "yearly"}
    assert plan_in_force([], "2025-12").notice is None and len(plan_in_force([], "2025-12").tasks) == 43


def test_a_word_plan_imports_as_its_text_does(tmp_path):
    """The seed as the 司法局 receives it, a .docx (one paragraph a line, as Word keeps it):
    imported for the same years, it gives what the .txt gives, task by task."""
    import docx

    document = docx.Document()
    for line in SEED.read_text(encoding="utf-8").splitlines():
        document.add_paragraph(line)
    word = tmp_path / "三年行动任务分工方案.docx"
    document.save(word)
    text = tmp_path / "三年行动任务分工方案.txt"
    text.write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    shown = {}
    for source in (word, text):
        flags = ["--db", f"sqlite:///{tmp_path / f'{source.suffix[1:]}.db'}", "--out", str(tmp_path / "out")]
        imported = run("plan", "import", source, "--years", "2026-2028", *flags)
        assert imported.exit_code == 0, imported.output
        assert "共 43 项任务" in imported.output
        shown[source.suffix] = json.loads(run("plan", "show", "--year", "2027", "--json", *flags).output)
    assert shown[".docx"] == shown[".txt"] and len(shown[".docx"]["tasks"]) == 43
    assert shown[".docx"]["years"] == [2026, 2028]
