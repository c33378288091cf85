import datetime as dt
import re
from pathlib import Path

import pytest

from xzzf.catalog import assign, load_catalog, parse_deadline, resolve_owner
from xzzf.units import SAMPLE_REGISTRY, Registry, Unit, load_registry

SEED = Path(__file__).parents[3] / "shared" / "seed" / "hongsibao-enforcement-plan.txt"

# Every 完成时限 of the seed, as written, and what it means.
EXPECTED_DEADLINES = {
    "长期坚持": ("ongoing", None, None, False),
    "2024 年 6 月 15 日前并长期坚持": ("dated", dt.date(2024, 6, 15), None, True),
    "2024年2月底前并长期坚持": ("dated", dt.date(2024, 2, 29), None, True),
    "2024 年 1 月底前并长期坚持": ("dated", dt.date(2024, 1, 31), None, True),
    "2024 年 3 月底前": ("dated", dt.date(2024, 3, 31), None, False),
    "2024年5月底前": ("dated", dt.date(2024, 5, 31), None, False),
    "2024年3月底前并长期坚持": ("dated", dt.date(2024, 3, 31), None, True),
    "每年10月底前": ("yearly", None, 10, False),
    "每年2月底前": ("yearly", None, 2, False),
    "2025年11月底前": ("dated", dt.date(2025, 11, 30), None, False),
    "2024年12月底前并长期坚持": ("dated", dt.date(2024, 12, 31), None, True),
    "2024年10月底前并长期坚持": ("dated", dt.date(2024, 10, 31), None, True),
    "2024 年底前并长期坚持": ("dated", dt.date(2024, 12, 31), None, True),
    "2024 年 10 月底前并长期坚持": ("dated", dt.date(2024, 10, 31), None, True),
    "每年 1 月底前": ("yearly", None, 1, False),
    "每年 2 月底前": ("yearly", None, 2, False),
    "2024年6月底前并长期坚持": ("dated", dt.date(2024, 6, 30), None, True),
    "2024年5月底前并长期坚持": ("dated", dt.date(2024, 5, 31), None, True),
    "每年 12 月底前": ("yearly", None, 12, False),
}


def test_the_catalog_has_the_43_tasks_in_order():
    tasks = load_catalog()
    assert [t.no for t in tasks] == list(range(1, 44))
    assert all(t.title and t.section and t.text for t in tasks)


def test_every_deadline_phrase_of_the_catalog_is_parsed_as_expected():
    phrases = {t.deadline.phrase for t in load_catalog()}
    assert phrases == set(EXPECTED_DEADLINES)
    for phrase, (kind, due, month, ongoing) in EXPECTED_DEADLINES.items():
        deadline = parse_deadline(phrase)
        parsed = (deadline.kind, deadline.due, deadline.month, deadline.ongoing_after)
        assert parsed == (kind, due, month, ongoing)


def test_a_yearly_deadline_falls_on_that_years_month_end():
    assert parse_deadline("每年 2 月底前").due_in(2028) == dt.date(2028, 2, 29)
    assert parse_deadline("每年 12 月底前").due_in(2026) == dt.date(2026, 12, 31)


@pytest.mark.parametrize("phrase", ["尽快", "2024年13月底前", "每年底"])
def test_an_unknown_phrase_is_an_error_naming_it(phrase):
    with pytest.raises(ValueError, match="完成时限"):
        parse_deadline(phrase)


def test_the_stray_english_words_are_read_as_he_and_zeren():
    tasks = {t.no: t for t in load_catalog()}
    assert "民营企业和企业家权益" in tasks[18].text and "和" in tasks[18].note
    assert "依法追究责任" in tasks[40].text and "责任" in tasks[40].note
    assert not any(re.search("[A-Za-z]", t.text) for t in tasks.values())


@pytest.mark.skipif(not SEED.exists(), reason="shared/seed is not beside this checkout")
def test_the_catalog_matches_the_seed_plan():
    seed = SEED.read_text(encoding="utf-8")
    for task in load_catalog():
        assert f"{task.no}." in seed
        assert "完成时限" in seed and task.deadline.phrase in seed
        for phrases in task.owners.values():
            assert all(p in seed for p in phrases)


REGISTRY = Registry((
    Unit("SFJ", "司法局", "部门", True),
    Unit("SCJG", "市场监督管理分局", "部门", True),
    Unit("ZFB", "政府办", "部门", False, reports=False),
    Unit("XMJD", "新民街道", "街道", True),
    Unit("DHX", "大河乡", "乡镇", True),
))


@pytest.mark.parametrize(("phrase", "codes"), [
    ("各行政执法部门〔单位〕", ("SFJ", "SCJG")),
    ("各乡镇〔街道〕", ("XMJD", "DHX")),
    ("各行业主管部门", ("SFJ", "SCJG", "ZFB")),
    ("各行政主管部门〔单位〕", ("SFJ", "SCJG", "ZFB")),
    ("司法局", ("SFJ",)),
    ("财政局", ()),
])
def test_owner_phrases_resolve_against_the_registry(phrase, codes):
    assert resolve_owner(phrase, REGISTRY) == codes


def test_every_owner_phrase_of_the_plan_resolves_in_the_sample_registry():
    registry = load_registry(SAMPLE_REGISTRY)
    tasks = load_catalog()
    phrases = {p for t in tasks for ps in t.owners.values() for p in ps}
    assert all(resolve_owner(p, registry) for p in phrases), phrases
    assert assign(tasks, registry).unassigned == {}


def test_a_unit_keeps_its_strongest_role_and_unregistered_bureaus_are_unassigned():
    assignment = assign(load_catalog(), REGISTRY)
    assert assignment.roles[13]["SFJ"] == "lead"  # 牵头 and also one of 各行政执法部门
    assert assignment.roles[13]["SCJG"] == "responsible"
    assert assignment.roles[21] == {"XMJD": "cooperating", "DHX": "cooperating"}
    assert assignment.unassigned[21] == ("区委编办",)
    assert assignment.unassigned[41] == ("财政局", "人力资源和社会保障局")
    assert 33 in assignment.tasks_of("SFJ") and 33 not in assignment.tasks_of("SCJG")
