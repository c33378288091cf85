"""The 司法局's decisions and units over time (issue 15), on a hand-made year. Dates are
pinned by hand from the 2026 calendar, not from our own functions."""

import datetime as dt

import pytest
import yaml

from xzzf.adjustments import Adjustment, AdjustmentError, Obligations, check_adjustment, check_revocation, standing
from xzzf.annual_report import reporting
from xzzf.intake import SubmissionFact, as_of_view, in_force
from xzzf.matrix import reporting_matrix
from xzzf.periods import BEIJING
from xzzf.units import Registry, RegistryError, Unit, load_registry
from xzzf.vocabulary import AdjustmentKind, FileStatus, UnitStatus
from xzzf.workdays import WorkCalendar

D = dt.date
ENDS = Unit("XZ", "旧镇", "乡镇", False, end=D(2026, 6, 30))  # abolished at the end of June
STARTS = Unit("XX", "新乡", "乡镇", False, start=D(2026, 5, 20))  # set up on 20 May
SFJ = Unit("SFJ", "司法局", "部门", True)
REGISTRY = Registry((SFJ, ENDS, STARTS))
AS_OF = dt.datetime(2026, 9, 30, 12, tzinfo=BEIJING)


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=BEIJING)


def fact(id_, unit, period, arrived, status=FileStatus.ACCEPTED):
    return SubmissionFact(id_, unit, period, status, at(arrived))


def decision(id_, kind, unit="SFJ", period="2026-05", decided="2026-06-10T09:00", **values):
    return Adjustment(id_, kind, unit, period, values.pop("reason", "系统故障"), "张三", at(decided), **values)


def obligations(*decisions, as_of=AS_OF):
    return Obligations(REGISTRY, 5, WorkCalendar(), standing(decisions, as_of))


def test_an_extension_turns_a_late_file_on_time_up_to_the_end_of_its_day():
    # May is due Friday 5 June 2026; the file came on Monday 8 June.
    late = [fact(1, "SFJ", "2026-05", "2026-06-08T10:00")]
    assert obligations().status("SFJ", "2026-05", late, AS_OF) == UnitStatus.LATE
    extended = obligations(decision(1, AdjustmentKind.EXTENSION, until=D(2026, 6, 8)))
    assert extended.due("SFJ", "2026-05") == D(2026, 6, 8)
    assert extended.status("SFJ", "2026-05", late, AS_OF) == UnitStatus.ON_TIME
    too_late = [fact(1, "SFJ", "2026-05", "2026-06-09T00:00")]
    assert extended.status("SFJ", "2026-05", too_late, AS_OF) == UnitStatus.LATE
    # before the extended day passes, nothing in is not missing yet
    assert extended.status("SFJ", "2026-05", [], at("2026-06-08T18:00")) == UnitStatus.NOT_DUE


def test_an_extension_is_not_seen_before_it_was_made():
    late = [fact(1, "SFJ", "2026-05", "2026-06-08T10:00")]
    made_later = decision(1, AdjustmentKind.EXTENSION, decided="2026-06-20T09:00", until=D(2026, 6, 8))
    assert obligations(made_later, as_of=at("2026-06-15T00:00")).status(
        "SFJ", "2026-05", late, at("2026-06-15T00:00")) == UnitStatus.LATE


def test_an_exempt_month_leaves_the_rate_as_if_it_were_not_owed():
    view = as_of_view([fact(1, "SFJ", "2026-01", "2026-02-03T10:00"),  # on time
                       fact(2, "SFJ", "2026-02", "2026-03-20T10:00")],  # late; March onwards missing
                      AS_OF)
    plain = reporting_matrix(view, obligations(), 2026, AS_OF)
    exempt = reporting_matrix(view, obligations(decision(1, AdjustmentKind.EXEMPTION, period="2026-02",
                                                         reason="机构改革，当月停止执法")), 2026, AS_OF)
    sfj_plain, sfj_exempt = plain.rows[0], exempt.rows[0]
    assert sfj_plain.statuses[1] == UnitStatus.LATE and sfj_exempt.statuses[1] == UnitStatus.EXEMPT
    # 8 months due by 30 September (January–August): 1 on time of 8, and of 7 without February
    assert plain.on_time_rate(sfj_plain) == 1 / 8
    assert exempt.on_time_rate(sfj_exempt) == 1 / 7
    text = exempt.markdown("2026 年报送情况")
    assert "| 司法局（SFJ） | 14.3% | 按时 | 免报 | 未报送 |" in text
    assert "- 司法局（SFJ）：2月免报（机构改革，当月停止执法）" in text


def test_a_unit_owes_only_the_months_it_exists_at_their_end():
    assert [ENDS.owes(f"2026-{m:02d}") for m in (5, 6, 7)] == [True, True, False]
    assert [STARTS.owes(f"2026-{m:02d}") for m in (4, 5, 6)] == [False, True, True]
    matrix = reporting_matrix([], obligations(), 2026, AS_OF)
    rows = {row.unit.code: row for row in matrix.rows}
    assert [s is not None for s in rows["XZ"].statuses] == [True] * 6 + [False] * 3
    assert [s is not None for s in rows["XX"].statuses] == [False] * 4 + [True] * 5
    # XX owes May–August by 30 September: four months missing, none else counted
    assert sum(rows["XX"].owed) == 4 and sum(rows["XZ"].owed) == 6
    assert REGISTRY.owing("2026-07") == (SFJ, STARTS)
    assert Registry((SFJ, ENDS)).in_year(2027) == (SFJ,)


def test_a_withdrawal_puts_the_earlier_file_back_in_force_from_when_it_was_made():
    facts = [fact(1, "SFJ", "2026-05", "2026-06-01T10:00"), fact(2, "SFJ", "2026-05", "2026-06-12T10:00")]
    withdrawal = decision(1, AdjustmentKind.WITHDRAWAL, decided="2026-06-15T09:00", submission_id=2)
    now = standing([withdrawal], AS_OF)
    view = as_of_view(facts, AS_OF, now.withdrawn)
    assert in_force(view) == {1}
    assert {f.id: f.status for f in view} == {1: FileStatus.ACCEPTED, 2: FileStatus.WITHDRAWN}
    before = at("2026-06-14T00:00")
    assert in_force(as_of_view(facts, before, standing([withdrawal], before).withdrawn)) == {2}
    # the store keeps the status of now: a withdrawn file read back as of before the decision
    stored = [facts[0], fact(2, "SFJ", "2026-05", "2026-06-12T10:00", FileStatus.WITHDRAWN)]
    assert in_force(as_of_view(stored, before, standing([withdrawal], before).withdrawn)) == {2}


def test_withdrawing_the_only_file_leaves_the_month_missing():
    facts = [fact(1, "SFJ", "2026-05", "2026-06-01T10:00")]
    now = standing([decision(1, AdjustmentKind.WITHDRAWAL, submission_id=1)], AS_OF)
    view = as_of_view(facts, AS_OF, now.withdrawn)
    assert Obligations(REGISTRY, 5, WorkCalendar(), now).status("SFJ", "2026-05", view, AS_OF) == UnitStatus.MISSING


def test_a_revoked_decision_holds_until_it_is_revoked():
    exemption = decision(1, AdjustmentKind.EXEMPTION)
    revocation = decision(2, AdjustmentKind.REVOCATION, decided="2026-07-01T09:00", revokes=1)
    assert standing([exemption, revocation], at("2026-06-30T00:00")).exemptions == {("SFJ", "2026-05"): "系统故障"}
    assert standing([exemption, revocation], AS_OF).exemptions == {}
    assert obligations(exemption, revocation).status("SFJ", "2026-05", [], AS_OF) == UnitStatus.MISSING


def test_refusals_say_what_to_fix():
    def refused(**changes):
        values = {"kind": AdjustmentKind.EXTENSION, "registry": REGISTRY, "unit_code": "SFJ", "period": "2026-05",
                  "reason": "系统故障", "operator": "张三", "normal_due": D(2026, 6, 5), "until": D(2026, 6, 12)}
        with pytest.raises(AdjustmentError) as error:
            check_adjustment(**{**values, **changes})
        return str(error.value)

    assert "未登记的单位编码：NOPE" in refused(unit_code="NOPE")
    assert "新乡（XX）不需报送 2026-04" in refused(unit_code="XX", period="2026-04")
    assert "旧镇（XZ）不需报送 2026-07" in refused(unit_code="XZ", period="2026-07")
    assert "不晚于 司法局（SFJ） 2026-05 的报送截止日 2026-06-05" in refused(until=D(2026, 6, 5))
    assert "请填写理由" in refused(reason="  ")
    assert "请填写经办人" in refused(operator="")
    check_adjustment(AdjustmentKind.EXTENSION, REGISTRY, "SFJ", "2026-05", "系统故障", "张三", D(2026, 6, 5),
                     D(2026, 6, 6))  # a day after the due day is fine


def test_a_revocation_is_refused_for_a_missing_revoked_or_revoking_decision():
    exemption, revocation = decision(1, AdjustmentKind.EXEMPTION), decision(2, AdjustmentKind.REVOCATION, revokes=1)
    with pytest.raises(AdjustmentError, match="没有第 7 号决定"):
        check_revocation(None, 7, [exemption])
    with pytest.raises(AdjustmentError, match="已被撤回"):
        check_revocation(exemption, 1, [exemption, revocation])
    with pytest.raises(AdjustmentError, match="本身是撤回决定"):
        check_revocation(revocation, 2, [exemption, revocation])


def write(tmp_path, units):
    path = tmp_path / "units.yaml"
    path.write_text(yaml.safe_dump({"units": units}, allow_unicode=True), encoding="utf-8")
    return path


def test_the_registry_reads_dates_and_mergers(tmp_path):
    registry = load_registry(write(tmp_path, [
        {"code": "A", "name": "甲乡", "kind": "乡镇", "enforcement": False, "until": D(2026, 6, 30)},
        {"code": "B", "name": "乙乡", "kind": "乡镇", "enforcement": False, "until": "2026-06-30"},
        {"code": "AB", "name": "甲乙镇", "kind": "乡镇", "enforcement": False, "from": D(2026, 7, 1),
         "replaces": ["A", "B"]},
    ]))
    assert registry.get("B").end == D(2026, 6, 30) and registry.get("AB").replaces == ("A", "B")
    assert registry.history("AB") == ("AB", "A", "B")
    assert [(u.code, what, day) for u, what, day in registry.changes_in(2026)] == [
        ("A", "撤销，并入甲乙镇", D(2026, 6, 30)), ("B", "撤销，并入甲乙镇", D(2026, 6, 30)),
        ("AB", "合并/更名，承接甲乡（A）、乙乡（B）", D(2026, 7, 1))]


@pytest.mark.parametrize(("units", "message"), [
    ([{"code": "A", "name": "甲", "kind": "乡镇", "enforcement": False, "from": "2026-13-01"}], "from 应为日期"),
    ([{"code": "A", "name": "甲", "kind": "乡镇", "enforcement": False, "from": D(2026, 7, 1),
       "until": D(2026, 6, 30)}], "until 2026-06-30 早于 from 2026-07-01"),
    ([{"code": "N", "name": "新", "kind": "乡镇", "enforcement": False, "from": D(2026, 7, 1),
       "replaces": ["GONE"]}], "GONE 不在名册中"),
    ([{"code": "A", "name": "甲", "kind": "乡镇", "enforcement": False},
      {"code": "N", "name": "新", "kind": "乡镇", "enforcement": False, "from": D(2026, 7, 1),
       "replaces": ["A"]}], "被承接的 A 应写明 until"),
    ([{"code": "A", "name": "甲", "kind": "乡镇", "enforcement": False, "until": D(2026, 6, 30)},
      {"code": "N", "name": "新", "kind": "乡镇", "enforcement": False, "replaces": ["A"]}], "应写明 from"),
])
def test_a_broken_history_is_refused_naming_the_entry(tmp_path, units, message):
    with pytest.raises(RegistryError, match=message):
        load_registry(write(tmp_path, units))


def test_a_merger_carries_the_old_units_history_into_the_new_units_figures():
    """旧镇 (XZ) is abolished at the end of June and 新镇 (XN) takes it over on 1 July: XN's
    figures and on-time counts include XZ's; each keeps its own months; the district counts
    every decision once."""
    from tests.xzzf.test_annual import decision
    from xzzf.annual import annual_figures
    from xzzf.catalog import assign, load_catalog

    old, new = Unit("XZ", "旧镇", "乡镇", True, end=D(2026, 6, 30)), Unit("XN", "新镇", "乡镇", True,
                                                                       start=D(2026, 7, 1), replaces=("XZ",))
    registry = Registry((SFJ, old, new))
    rows = {"decisions": [{**decision("2026-03", "旧-1", "行政处罚", D(2026, 3, 2)), "unit_code": "XZ"},
                          {**decision("2026-09", "新-1", "行政许可", D(2026, 9, 2)), "unit_code": "XN"}]}
    arrivals = {("XZ", f"2026-{m:02d}"): at(f"2026-{m + 1:02d}-02T10:00") for m in range(1, 7)}
    arrivals |= {("XN", f"2026-{m:02d}"): at(f"2026-{m + 1:02d}-02T10:00") for m in range(7, 12)}  # 12: missing
    tasks, as_of = load_catalog(), dt.datetime(2027, 1, 10, 9, tzinfo=BEIJING)
    report = annual_figures(2026, as_of, registry, assign(tasks, registry), tasks, rows, arrivals,
                            Obligations(registry, 5, WorkCalendar()))
    xz, xn = report["units"]["XZ"]["indicators"], report["units"]["XN"]["indicators"]
    district = report["district"]["indicators"]
    assert (xz["decisions_total"], xn["decisions_total"], district["decisions_total"]) == (1, 2, 2)
    assert sorted(report["units"]["XZ"]["months"]) == [f"2026-{m:02d}" for m in range(1, 7)]
    assert sorted(report["units"]["XN"]["months"]) == [f"2026-{m:02d}" for m in range(7, 13)]
    assert (xn["submissions_expected"], xn["submissions_on_time"], xn["submissions_missing"]) == (12, 11, 1)
    assert district["submissions_expected"] == 12 + 6 + 6  # SFJ's twelve, XZ's six, XN's six: each month once
    assert report["unit_changes"] == [["旧镇", "XZ", "撤销，并入新镇", "2026-06-30"],
                                      ["新镇", "XN", "合并/更名，承接旧镇（XZ）", "2026-07-01"]]
    sheet = {row[0]: row for row in reporting(report).rows[1:]}  # 单位, 1月 … 12月, 按时报送率, 说明
    assert sheet["旧镇"][7:13] == ["—"] * 6 and "—" not in sheet["旧镇"][1:7]
    assert sheet["旧镇"][-1] == "2026-06-30 撤销，并入新镇；应报送 1—6月"
    assert sheet["新镇"][1:7] == ["—"] * 6 and sheet["新镇"][12] == "未报送"
    assert sheet["新镇"][-1] == "2026-07-01 合并/更名，承接旧镇（XZ）；应报送 7—12月"
    assert "—" not in sheet["司法局"] and sheet["司法局"][-1] == ""


@pytest.mark.parametrize(("unit", "note"), [
    (Unit("N", "新乡", "乡镇", True, start=D(2026, 5, 20)), "2026-05-20 设立；应报送 5—12月"),
    (Unit("E", "旧乡", "乡镇", True, end=D(2026, 6, 15)), "2026-06-15 撤销；应报送 1—5月"),
    (Unit("E", "旧乡", "乡镇", True, end=D(2026, 6, 30)), "2026-06-30 撤销；应报送 1—6月"),
    (Unit("S", "短乡", "乡镇", True, start=D(2026, 3, 1), end=D(2026, 3, 31)),
     "2026-03-01 设立；2026-03-31 撤销；应报送 3月"),
    (Unit("G", "去乡", "乡镇", True, end=D(2026, 1, 20)), "2026-01-20 撤销；本年各月均不需报送"),
    (Unit("O", "老乡", "乡镇", True, start=D(2025, 5, 1)), ""),
])
def test_the_note_beside_a_units_months_says_which_it_owed(unit, note):
    """A month a unit owes is one that it exists on the last day of (Unit.owes): the 说明 of the
    报送情况 sheet and the matrix say which, so the — beside them needs no guessing."""
    registry = Registry((SFJ, unit))
    assert Obligations(registry, 5, WorkCalendar()).notes(unit.code, 2026) == note
