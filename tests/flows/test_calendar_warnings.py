"""A run whose due days, reminders or publication deadlines fall in a year without official
calendar data (2027: chinesecalendar 1.11.0 lacks it) says so — in its log, on its page, in
the summary mail and in the reminders' log —, naming the year and XZZF_CALENDAR; once the
calendar file fills the year, it does not."""

import datetime as dt
import logging
from email import policy
from email.parser import BytesParser

import yaml

from flows.reminders import reminders
from tests.flows.test_artifacts import artifacts, run_logs
from xzzf.workdays import WorkCalendar

# December 2026 is due in January 2027. The runs that record may not be dated after today:
# the first days of December 2026 are as late as a test may go, and always in the past.
AS_OF = dt.date(2026, 12, 6)
WARNING = ("2027 年的节假日安排尚无官方数据（chinesecalendar 未收录，XZZF_CALENDAR 也未填写）：截止日、提醒日和"
           "公开时限按周一至周五推算，可能有误；国务院公布安排后请填写 XZZF_CALENDAR")


def calendar_file(tmp_path):
    path = tmp_path / "calendar.yaml"
    path.write_text(yaml.safe_dump({"years": {2027: {
        "notice": "国务院办公厅关于2027年部分节假日安排的通知", "holidays": [dt.date(2027, 1, 1)], "workdays": []}}},
        allow_unicode=True), encoding="utf-8")
    return path


def warnings(state) -> list[str]:
    return [log.message for log in run_logs(state) if log.level == logging.WARNING]


def summary_text(env) -> str:
    [eml] = sorted((env.out / "outbox").glob("summary-2026-12-*.eml"), key=lambda p: p.stat().st_mtime)[-1:]
    return BytesParser(policy=policy.default).parsebytes(eml.read_bytes()).get_body(("plain",)).get_content()


def test_a_month_due_in_2027_warns_in_the_log_the_page_and_the_summary_mail(env, tmp_path):
    assert not WorkCalendar.covers(2027)
    env.use(sfj_recipients="sfj@hsb.example.gov.cn")
    state = env.monthly_state("2026-12", AS_OF, resend=True)  # the summary asked for now
    assert WARNING in warnings(state)
    [units] = artifacts("units-2026-12")[:1]
    assert f"注意：{WARNING}" in units.description
    assert f"注意：{WARNING}" in summary_text(env)

    env.use(calendar=calendar_file(tmp_path))
    state = env.monthly_state("2026-12", AS_OF, resend=True)
    assert not any("节假日" in line for line in warnings(state))
    [units] = artifacts("units-2026-12")[:1]
    assert "注意" not in units.description
    assert "节假日安排" not in summary_text(env)


def test_a_month_due_in_2026_does_not_warn(env):
    state = env.monthly_state("2026-10", AS_OF)
    assert not any("节假日" in line for line in warnings(state))
    [units] = artifacts("units-2026-10")[:1]
    assert "注意" not in units.description


def test_the_reminders_warn_when_a_month_they_remind_of_is_due_in_2027(env, tmp_path):
    state = reminders(as_of=AS_OF, return_state=True)
    assert WARNING in warnings(state)
    [page] = artifacts("reminders")[:1]
    assert f"注意：{WARNING}" in page.data

    env.use(calendar=calendar_file(tmp_path))
    state = reminders(as_of=AS_OF, return_state=True)
    assert not any("节假日" in line for line in warnings(state))
