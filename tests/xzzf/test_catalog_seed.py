"""The catalog against the seed plan itself: for every one of the 43 tasks, the owners of
each role and the 完成时限 are exactly what the plan writes under that task's number
(spec README: the seed is the source of the task catalog)."""

import re
from pathlib import Path

import pytest

from xzzf.catalog import load_catalog

SEED = Path(__file__).parents[3] / "shared" / "seed" / "hongsibao-enforcement-plan.txt"
pytestmark = pytest.mark.skipif(not SEED.exists(), reason="shared/seed is not beside this checkout")

ROLE_LABELS = {"牵头单位": "lead", "责任单位": "responsible", "配合单位": "cooperating"}
TASK_START = re.compile(r"^(\d{1,2})\.\s*\S")
FIELD = re.compile(r"^(牵头单位|责任单位|配合单位|完成时限)\s*[:：]\s*(.*?)\s*$")


def seed_tasks() -> dict[int, dict]:
    """Task number → {"lead", "responsible", "cooperating": owner phrases, "deadline": phrase},
    read from the plan's own lines (a task runs from its "N." line up to its 完成时限)."""
    tasks: dict[int, dict] = {}
    current = None
    for line in SEED.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if match := TASK_START.match(line):
            number = int(match.group(1))
            assert number not in tasks, f"task {number} starts twice in the seed"
            current = tasks[number] = {"lead": (), "responsible": (), "cooperating": (), "deadline": None}
        elif (match := FIELD.match(line)) and current is not None:
            label, value = match.groups()
            if label == "完成时限":
                assert current["deadline"] is None, f"two 完成时限 under one task: {value}"
                current["deadline"] = value
                current = None  # a task's block ends with its 完成时限
            else:
                role = ROLE_LABELS[label]
                assert current[role] == (), f"{label} given twice under one task"
                current[role] = tuple(p.strip() for p in value.split("、") if p.strip())
    return tasks


@pytest.fixture(scope="module")
def seed():
    return seed_tasks()


def test_the_seed_has_the_43_tasks_each_with_an_owner_and_a_deadline(seed):
    assert sorted(seed) == list(range(1, 44))
    for number, task in seed.items():
        assert task["deadline"], number
        assert task["lead"] or task["responsible"], number


def test_every_task_has_the_seed_owners_role_by_role(seed):
    """It rejects a catalog whose owners differ from the plan's for any task and role
    (a unit moved between 牵头/责任/配合, added, dropped or reordered)."""
    catalog = {t.no: t for t in load_catalog()}
    assert sorted(catalog) == sorted(seed)
    mismatches = {
        (number, role): (catalog[number].owners[role], seed[number][role])
        for number in seed for role in ROLE_LABELS.values()
        if catalog[number].owners[role] != seed[number][role]
    }
    assert mismatches == {}


def test_every_task_has_the_seed_deadline_as_written(seed):
    """It rejects a catalog whose 完成时限 for a task is not the one the plan writes under
    that task's number (stray spaces kept, as indicators.md requires)."""
    catalog = {t.no: t for t in load_catalog()}
    mismatches = {number: (catalog[number].deadline.phrase, seed[number]["deadline"])
                  for number in seed if catalog[number].deadline.phrase != seed[number]["deadline"]}
    assert mismatches == {}


def test_the_seed_reader_sees_each_task_in_its_own_block(seed):
    """Spot checks of the reader on tasks whose lines differ in shape (half-width colon,
    several leads, a line break inside the task text)."""
    assert seed[6] == {"lead": ("司法局",), "responsible": (),
                       "cooperating": ("各行政执法部门〔单位〕", "各乡镇〔街道〕"), "deadline": "长期坚持"}
    assert seed[3]["deadline"] == "2024 年 6 月 15 日前并长期坚持"
    assert seed[36]["lead"] == ("司法局",) and seed[36]["deadline"] == "长期坚持"
    assert seed[41]["lead"] == ("财政局", "人力资源和社会保障局")


SECTION = re.compile(r"^[（(][一二三四五六七八九十][)）]\s*(\S.*)$")


def test_every_task_carries_the_seed_section_it_sits_under():
    """The Word draft's 二、主要做法及成效 groups the tasks as the plan does: each task's section
    is the plan's （一）…（六） heading above it, as written."""
    section, seed = None, {}
    for line in SEED.read_text(encoding="utf-8").splitlines():
        if match := SECTION.match(line.strip()):
            section = match.group(1)
        elif match := TASK_START.match(line.strip()):
            seed[int(match.group(1))] = section
    assert {t.no: t.section for t in load_catalog()} == seed
    assert len(set(seed.values())) == 6
