"""`xzzf calendar --year Y [--json]`: each month's due day and first reminder day, and whether
they rest on official data; a bad calendar file stops any command with one line naming
XZZF_CALENDAR, before any work."""

from __future__ import annotations

import json

import yaml

from tests.test_cli_errors import xzzf

CALENDAR_2027 = {"years": {2027: {"notice": "国务院办公厅关于2027年部分节假日安排的通知",
                                  "holidays": ["2027-01-01", "2027-02-05"], "workdays": ["2027-02-06"]}}}


def calendar_file(tmp_path, data=None):
    path = tmp_path / "calendar.yaml"
    path.write_text(yaml.safe_dump(data or CALENDAR_2027, allow_unicode=True), encoding="utf-8")
    return str(path)


def test_without_official_data_2027_is_computed_on_weekdays_and_says_so(tmp_path):
    done = xzzf(tmp_path, "calendar", "--year", "2027", "--json")
    assert done.returncode == 0, done.stderr
    shown = json.loads(done.stdout)
    assert set(shown) == {"year", "periods"} and shown["year"] == 2027
    assert list(shown["periods"]) == [f"2027-{m:02d}" for m in range(1, 13)]
    assert all(set(p) == {"due", "remind_from", "official"} and p["official"] is False
               for p in shown["periods"].values())
    assert shown["periods"]["2027-01"] == {"due": "2027-02-05", "remind_from": "2027-02-02", "official": False}
    assert shown["periods"]["2027-12"] == {"due": "2028-01-05", "remind_from": "2027-12-31", "official": False}
    assert "2027 年的节假日安排尚无官方数据" in done.stderr and "请填写 XZZF_CALENDAR" in done.stderr


def test_the_calendar_file_makes_2027_official_and_moves_the_due_day(tmp_path):
    path = calendar_file(tmp_path)
    for args, settings in ((["--calendar", path], {}), ([], {"XZZF_CALENDAR": path})):
        done = xzzf(tmp_path, "calendar", "--year", "2027", "--json", *args, **settings)
        periods = json.loads(done.stdout)["periods"]
        assert periods["2027-01"] == {"due": "2027-02-06", "remind_from": "2027-02-02", "official": True}
        assert [p["official"] for p in periods.values()] == [True] * 11 + [False]  # 2027-12: due in 2028
        assert "2027 年" not in done.stderr and "2028 年的节假日安排尚无官方数据" in done.stderr


def test_2026_is_official_but_its_december_is_due_in_2027(tmp_path):
    periods = json.loads(xzzf(tmp_path, "calendar", "--year", "2026", "--json").stdout)["periods"]
    assert periods["2026-09"] == {"due": "2026-10-08", "remind_from": "2026-09-28", "official": True}
    assert periods["2026-12"]["official"] is False


def test_the_table_names_where_each_month_s_dates_come_from(tmp_path):
    done = xzzf(tmp_path, "calendar", "--year", "2027", "--calendar", calendar_file(tmp_path))
    lines = done.stdout.splitlines()
    assert lines[0] == "2027 年各月月报：次月 5 日截止（遇节假日顺延至工作日），截止日前 3 个工作日起提醒"
    assert lines[2] == ("2027-01   2027-02-06（周六）  2027-02-02（周二）  "
                        "官方数据：国务院办公厅关于2027年部分节假日安排的通知")
    assert lines[13].endswith("无官方数据，按周一至周五推算") and lines[13].startswith("2027-12")
    assert lines[14].startswith("注意：2028 年的节假日安排尚无官方数据")


def test_a_bad_calendar_file_stops_any_command_naming_the_setting(tmp_path):
    bad = calendar_file(tmp_path, {"years": {2027: {"notice": "通知", "holidays": ["2027-02-06"],
                                                    "workdays": ["2027-02-06"]}}})
    expected = "错误：设置 XZZF_CALENDAR 无效：2027 年的 2027-02-06 同时列在 holidays 和 workdays 中\n"
    done = xzzf(tmp_path, "calendar", "--year", "2027", "--calendar", bad)
    assert (done.returncode, done.stdout, done.stderr) == (2, "", expected)
    (tmp_path / "inbox").mkdir()
    done = xzzf(tmp_path, "intake", "--inbox", str(tmp_path / "inbox"), "--out", str(tmp_path / "out"),
                XZZF_CALENDAR=bad)
    assert (done.returncode, done.stderr) == (2, expected)
    assert not (tmp_path / "out").exists()  # nothing was done


def test_the_year_is_checked(tmp_path):
    done = xzzf(tmp_path, "calendar", "--year", "27")
    assert done.returncode == 2 and done.stderr.startswith("错误：--year 27 无效")
