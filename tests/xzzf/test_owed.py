"""One rule for what a unit owes (issue 21, item 5): a month is a unit's when the unit exists
on the month's last day (Unit.has_month); Obligations gives owed, counted, due and status
from it, and the matrix, the annual figures, the statuses of the run report, the workbook's
check and the registry's check all ask it. A chain of mergers carries the first unit's
history to the last. Dates are pinned by hand from the 2026 calendar."""

import datetime as dt

import pytest
import yaml

from tests.builders import basic_info
from tests.xzzf.test_annual import decision
from xzzf.adjustments import Obligations
from xzzf.annual import annual_figures
from xzzf.catalog import assign, load_catalog
from xzzf.intake import SubmissionFact, as_of_view, first_accepted
from xzzf.matrix import reporting_matrix
from xzzf.periods import BEIJING
from xzzf.template import unit_template
from xzzf.units import Registry, Unit, load_registry
from xzzf.vocabulary import FileStatus, UnitStatus
from xzzf.workbook import parse_workbook
from xzzf.workdays import WorkCalendar

D = dt.date
SFJ = Unit("SFJ", "司法局", "部门", True)
MID_MAY = Unit("XX", "新乡", "乡镇", True, start=D(2026, 5, 20))  # set up on 20 May: owes May
MID_JUNE = Unit("XZ", "旧镇", "乡镇", True, end=D(2026, 6, 15))  # abolished 15 June: owes May, not June
HEIR = Unit("XN", "新镇", "乡镇", True, start=D(2026, 6, 16), replaces=("XZ",))  # owes June on
REGISTRY = Registry((SFJ, MID_MAY, MID_JUNE, HEIR))
AS_OF = dt.datetime(2026, 9, 30, 12, tzinfo=BEIJING)  # January–August are past due (August: 7 September)


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=BEIJING)


def fact(id_, unit, period, arrived, status=FileStatus.ACCEPTED):
    return SubmissionFact(id_, unit, period, status, at(arrived))


@pytest.mark.parametrize(("unit", "period", "owes"), [
    (Unit("N", "新", "乡镇", True, start=D(2026, 5, 31)), "2026-05", True),  # there on the last day
    (Unit("N", "新", "乡镇", True, start=D(2026, 6, 1)), "2026-05", False),
    (Unit("E", "旧", "乡镇", True, end=D(2026, 5, 31)), "2026-05", True),
    (Unit("E", "旧", "乡镇", True, end=D(2026, 5, 30)), "2026-05", False),  # gone before the last day
    (Unit("E", "旧", "乡镇", True, end=D(2026, 2, 28)), "2026-02", True),
    (Unit("C", "不报", "部门", True, reports=False), "2026-05", False),
])
def test_a_month_is_owed_when_the_unit_exists_on_its_last_day(unit, period, owes):
    obligations = Obligations(Registry((unit,)), 5, WorkCalendar())
    assert unit.owes(period) is owes
    assert obligations.owes(unit.code, period) is owes
    assert obligations.counts(unit.code, period) is owes
    assert (unit.code in obligations.unit_statuses([], period, AS_OF)) is owes


def test_the_matrix_the_annual_figures_and_the_run_reports_statuses_agree_month_by_month():
    """A unit set up mid-May owes May; one abolished mid-June does not owe June (its heir
    does). The matrix, the annual figures and the statuses a run reports each say so, and
    agree on every cell and count."""
    view = as_of_view([
        fact(1, "XX", "2026-05", "2026-06-03T10:00"),  # due Friday 5 June: on time
        fact(2, "XZ", "2026-05", "2026-06-08T10:00"),  # late
        fact(3, "XN", "2026-06", "2026-07-03T10:00"),  # on time (due Monday 6 July)
        fact(4, "XN", "2026-07", "2026-08-04T10:00", FileStatus.REJECTED),  # only rejected
        fact(5, "SFJ", "2026-08", "2026-09-01T10:00"),
    ], AS_OF)
    obligations = Obligations(REGISTRY, 5, WorkCalendar())
    matrix = reporting_matrix(view, obligations, 2026, AS_OF)
    tasks = load_catalog()
    report = annual_figures(2026, AS_OF, REGISTRY, assign(tasks, REGISTRY), tasks, {}, first_accepted(view),
                            obligations)
    rows = {row.unit.code: row for row in matrix.rows}
    run_reports = {p: obligations.unit_statuses(view, p, AS_OF) for p in matrix.periods}

    # by hand: which months each unit owes, and what became of them
    assert [s is not None for s in rows["XX"].statuses] == [False] * 4 + [True] * 5
    assert [s is not None for s in rows["XZ"].statuses] == [True] * 5 + [False] * 4
    assert [s is not None for s in rows["XN"].statuses] == [False] * 5 + [True] * 4
    assert rows["XX"].statuses[4] == UnitStatus.ON_TIME and rows["XZ"].statuses[4] == UnitStatus.LATE
    assert rows["XN"].statuses[5:] == (UnitStatus.ON_TIME, UnitStatus.REJECTED, UnitStatus.MISSING,
                                       UnitStatus.NOT_DUE)
    assert set(run_reports["2026-05"]) == {"SFJ", "XX", "XZ"}
    assert set(run_reports["2026-06"]) == {"SFJ", "XX", "XN"}
    assert sorted(report["units"]["XX"]["months"]) == [f"2026-{m:02d}" for m in range(5, 9)]
    assert sorted(report["units"]["XZ"]["months"]) == ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05"]
    assert report["units"]["XZ"]["not_owed"] == [f"2026-{m:02d}" for m in range(6, 13)]
    assert report["units"]["XX"]["not_owed"] == ["2026-01", "2026-02", "2026-03", "2026-04"]

    # and every place agrees with the others, cell by cell
    for code, row in rows.items():
        own = report["units"][code]
        for period, status, counted in zip(matrix.periods, row.statuses, row.owed, strict=True):
            assert run_reports[period].get(code) == status, (code, period)
            assert (period in own["not_owed"]) is (status is None), (code, period)
            if counted:  # the annual figures count a month with only rejected files as missing
                assert own["months"][period] == (UnitStatus.MISSING if status == UnitStatus.REJECTED else status)
            else:
                assert own["months"].get(period) in (None, UnitStatus.EXEMPT), (code, period)
    for code in ("SFJ", "XX", "XZ"):  # XN carries XZ's months: its counts are the chain's
        assert report["units"][code]["indicators"]["submissions_expected"] == sum(rows[code].owed)
        assert report["units"][code]["indicators"]["submission_timeliness_rate"] == matrix.on_time_rate(rows[code])
    assert report["units"]["XN"]["indicators"]["submissions_expected"] == sum(rows["XN"].owed) + sum(rows["XZ"].owed)
    assert report["district"]["indicators"]["submission_timeliness_rate"] == matrix.on_time_rate()


def test_a_file_for_a_month_the_unit_does_not_own_is_refused_naming_the_heir():
    """The workbook's check asks the same rule: 旧镇, abolished on 15 June, reports May but not
    June, which is 新镇's; 新乡, set up on 20 May, reports May."""
    def errors(code, period):
        info = basic_info(code, period, 单位名称=REGISTRY.get(code).name, 填报日期=D(2026, 7, 3))
        parsed = parse_workbook({"基本信息": [list(line) for line in info.items()]}, code, REGISTRY, D(2026, 7, 3))
        return [p.message for p in parsed.errors if p.column == "报送期间"]

    assert errors("XZ", "2026-05") == [] and errors("XX", "2026-05") == []
    assert errors("XZ", "2026-06") == ["旧镇（XZ）已于 2026-06-15 撤销，2026-06 不在单位名册所列的存续期间内："
                                       "请以承接单位 新镇（XN）的名义，在其文件夹报送"]
    assert errors("XX", "2026-04") == ["新乡（XX）自 2026-05-20 设立，2026-04 不在单位名册所列的存续期间内："
                                       "请核对报送期间"]


# A chain of mergers: 甲乡 (A) until 31 March, then 乙镇 (B, replaces A) until 30 June, then
# 丙镇 (C, replaces B) from 1 July.
CHAIN = [
    {"code": "SFJ", "name": "司法局", "kind": "部门", "enforcement": True},
    {"code": "A", "name": "甲乡", "kind": "乡镇", "enforcement": True, "until": D(2026, 3, 31)},
    {"code": "B", "name": "乙镇", "kind": "乡镇", "enforcement": True, "from": D(2026, 4, 1),
     "until": D(2026, 6, 30), "replaces": ["A"]},
    {"code": "C", "name": "丙镇", "kind": "乡镇", "enforcement": True, "from": D(2026, 7, 1), "replaces": ["B"]},
]


@pytest.fixture
def chain(tmp_path) -> Registry:
    path = tmp_path / "units.yaml"
    path.write_text(yaml.safe_dump({"units": CHAIN}, allow_unicode=True), encoding="utf-8")
    return load_registry(path)


def test_a_chain_of_mergers_carries_the_first_units_history_to_the_last(chain):
    assert chain.history("C") == ("C", "B", "A")
    assert chain.history("B") == ("B", "A")
    assert chain.history("A") == ("A",)
    assert [u.code for u in chain.successors("A")] == ["B"]


def test_the_last_unit_of_a_chain_reports_the_figures_and_months_of_all_of_it(chain):
    """丙镇's figures and on-time counts include 甲乡's: its decision of March, its months
    January–March; the district still counts every decision and month once."""
    rows = {"decisions": [{**decision("2026-03", "甲-1", "行政处罚", D(2026, 3, 2)), "unit_code": "A"},
                          {**decision("2026-05", "乙-1", "行政检查", D(2026, 5, 6)), "unit_code": "B"},
                          {**decision("2026-09", "丙-1", "行政许可", D(2026, 9, 2)), "unit_code": "C"}]}
    arrivals = {(code, f"2026-{m:02d}"): at(f"2026-{m + 1:02d}-02T10:00")
                for code, months in (("A", range(1, 4)), ("B", range(4, 7)), ("C", range(7, 12)))
                for m in months}
    arrivals[("A", "2026-02")] = at("2026-03-20T10:00")  # late: due 5 March
    tasks, as_of = load_catalog(), dt.datetime(2027, 1, 10, 9, tzinfo=BEIJING)
    report = annual_figures(2026, as_of, chain, assign(tasks, chain), tasks, rows, arrivals,
                            Obligations(chain, 5, WorkCalendar()))
    a, b, c = (report["units"][code]["indicators"] for code in "ABC")
    assert (a["decisions_total"], b["decisions_total"], c["decisions_total"]) == (1, 2, 3)
    assert (c["submissions_expected"], c["submissions_on_time"], c["submissions_late"],
            c["submissions_missing"]) == (12, 10, 1, 1)  # A's late February, C's missing December
    assert (b["submissions_expected"], b["submissions_late"]) == (6, 1)
    assert sorted(report["units"]["C"]["months"]) == [f"2026-{m:02d}" for m in range(7, 13)]  # its own months
    district = report["district"]["indicators"]
    assert district["decisions_total"] == 3 and district["submissions_expected"] == 12 + 12


def test_the_template_of_the_last_unit_of_a_chain_starts_from_the_first_units_staff(chain):
    """Only 甲乡 ever reported a roster: 丙镇's first template starts from it."""
    person = {"name": "李四", "cert_no": "64010001", "cert_status": "有效", "cert_valid_until": D(2028, 1, 1),
              "is_enforcer": True, "is_legal_reviewer": False, "is_public_lawyer": False, "duty_status": "在岗"}
    stored = {"roster": [{**person, "unit_code": "A", "period": "2026-03", "excel_row": 2}]}
    template = unit_template(chain.get("C"), "2026-07", D(2026, 8, 5), assign(load_catalog(), chain), stored, chain)
    assert [r["name"] for r in template.rows["roster"]] == ["李四"]
    assert template.rows["roster"][0]["is_enforcer"] == "是"
