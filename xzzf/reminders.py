"""Reminders: which unit is reminded of what, on which day, and what each mail says.

- 报送提醒: from XZZF_REMIND_DAYS working days before its due day for a month (an extension
  moves it) up to that day, a unit that owes the month, is not 免报, has an e-mail address and
  has no accepted file for it yet is reminded, with its pre-filled template attached.
- 催报: once its own due day has passed, a unit still without an accepted file for the month
  being collected is told so, and the 司法局 gets the list of those units (with those that have
  no address, to reach another way).
- 任务提醒: from TASK_NOTICE_DAYS days before a task's 完成时限, each unit that owns the task and
  has not reported it 已完成 is reminded of it.

Each notice has its own key in the mail ledger, so it goes out once, from whichever run first
finds it due: a run missed on the day itself loses nothing. Everything a unit or the registry
wrote is HTML-escaped here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from html import escape

from xzzf.adjustments import Obligations
from xzzf.annual import as_frames
from xzzf.calendars import first_reminder_day
from xzzf.catalog import ROLES, Assignment, Task
from xzzf.intake import past_due
from xzzf.periods import period_of, previous_period
from xzzf.task_notice import NOTICE_HEADING
from xzzf.task_status import latest_progress, task_status
from xzzf.template import long_date
from xzzf.units import Registry, Unit
from xzzf.vocabulary import TaskStatus, UnitStatus

TASK_NOTICE_DAYS = 30
SIGNATURE = "本邮件由 xzzf 自动发送，请勿直接回复。"
# No accepted file for the month (yet): only rejected ones, or none.
_WITHOUT_FILE = (UnitStatus.NOT_DUE, UnitStatus.REJECTED, UnitStatus.MISSING)
_DONE = (TaskStatus.DONE, TaskStatus.DONE_LATE)
Told = Callable[[Unit], list[str]]  # a unit's 任务提示 (task_notice.unit_task_notice)


class NoticeKind(StrEnum):
    DUE = "报送提醒"
    OVERDUE = "催报"
    OVERDUE_LIST = "催报名单"
    TASK = "任务提醒"


@dataclass(frozen=True)
class TemplateFor:
    """The pre-filled template a notice carries: `unit`'s for `period`, due on `due`."""

    unit: Unit
    period: str
    due: dt.date


@dataclass(frozen=True)
class Notice:
    key: str  # in the mail ledger: the notice goes out once
    kind: NoticeKind
    to: tuple[str, ...]
    whom: str  # the unit (or the 司法局), as the run's page lists it
    about: str  # what it is about, as the run's page lists it
    subject: str
    html: str
    text: str
    template: TemplateFor | None = None


def reminder_periods(day: dt.date) -> tuple[str, str]:
    """The months whose 报送提醒 may be due on `day`: the month being collected (the one
    before), and `day`'s own month, whose due day early next month may already be that many
    working days away in its last days (a due day on a Monday, or after the 国庆 holiday)."""
    return previous_period(day), period_of(day)


def due_notices(obligations: Obligations, period: str, statuses: dict[str, UnitStatus], as_of: dt.datetime,
                days: int, told: Told) -> list[Notice]:
    """The 报送提醒 due as of `as_of` for `period`; `statuses`: the status of every unit that
    owes it (免报 ones are 免报, and get none); `told`: each unit's 任务提示, which every mail to
    a unit carries."""
    notices = []
    for code, status in statuses.items():
        unit, due = obligations.registry.get(code), obligations.due(code, period)
        start = first_reminder_day(due, days, obligations.calendar)
        if (unit.email and status in _WITHOUT_FILE and start <= as_of.date()
                and not obligations.past_due(code, period, as_of)):
            extended = due != obligations.normal_due(period)
            notices.append(Notice(f"remind/{period}/{code}", NoticeKind.DUE, unit.email, _whom(unit),
                                  f"{period} 月报（截止 {due.isoformat()}）",
                                  *_due_mail(unit, period, due, extended, status == UnitStatus.REJECTED, as_of,
                                             told(unit)),
                                  TemplateFor(unit, period, due)))
    return notices


def overdue_notices(obligations: Obligations, period: str, statuses: dict[str, UnitStatus], as_of: dt.datetime,
                    sfj: tuple[str, ...], told: Told, with_list: bool = True) -> list[Notice]:
    """The 催报 due as of `as_of` for `period`: one to each unit whose own due day has passed
    without an accepted file, and, when `with_list` (a run over every unit: the list is sent
    once), the list of them to the 司法局, naming also the units whose 延期 has not run out."""
    overdue, extended = [], []
    for code, status in statuses.items():
        unit, due = obligations.registry.get(code), obligations.due(code, period)
        if status in _WITHOUT_FILE and obligations.past_due(code, period, as_of):
            overdue.append((unit, due, status))
        elif status in _WITHOUT_FILE and past_due(obligations.normal_due(period), as_of):
            extended.append((unit, due))
    notices = [Notice(f"overdue/{period}/{unit.code}", NoticeKind.OVERDUE, unit.email, _whom(unit),
                      f"{period} 月报（截止 {due.isoformat()}）",
                      *_overdue_mail(unit, period, due, status == UnitStatus.REJECTED, as_of, told(unit)))
               for unit, due, status in overdue if unit.email]
    if with_list and overdue:
        notices.append(Notice(f"overdue-list/{period}", NoticeKind.OVERDUE_LIST, sfj, "司法局",
                              f"{period} 月报逾期未报送单位 {len(overdue)} 个",
                              *_overdue_list(period, overdue, extended, as_of)))
    return notices


def task_notices(tasks: tuple[Task, ...], assignment: Assignment, registry: Registry, progress: list[dict],
                 as_of: dt.datetime, told: Told) -> list[Notice]:
    """The 任务提醒 due as of `as_of`: for each deadline in the next TASK_NOTICE_DAYS days, each
    owning unit that exists then, has an address and has not reported the task done
    (`progress`: the 任务进展 rows of the files in force)."""
    today = as_of.date()
    latest = latest_progress(as_frames({"task_progress": progress})["task_progress"], today)
    notices = []
    for task in tasks:
        for day in task.deadline.days_between(today, today + dt.timedelta(days=TASK_NOTICE_DAYS)):
            for code, role in assignment.roles.get(task.no, {}).items():
                unit = registry.get(code)
                if (not unit.email or not (unit.exists_on(today) and unit.exists_on(day))
                        or task_status(task, latest.get((code, task.no)), day.year, today, None) in _DONE):
                    continue
                notices.append(Notice(f"task/{task.no}/{day.isoformat()}/{code}", NoticeKind.TASK, unit.email,
                                      _whom(unit), f"{task.label}（完成时限 {day.isoformat()}）",
                                      *_task_mail(unit, task, ROLES[role], day, today, told(unit))))
    return notices


def _whom(unit: Unit) -> str:
    return f"{unit.name}（{unit.code}）"


def _month(period: str) -> str:
    year, month = period.split("-")
    return f"{year}年{int(month)}月"


def _mail(subject: str, lines: list[str], tasks: list[str]) -> tuple[str, str, str]:
    """Subject, HTML and text of a notice made of plain lines (escaped for the HTML), then the
    unit's 任务提示."""
    lines = [*lines, NOTICE_HEADING, *tasks, SIGNATURE]
    return subject, "".join(f"<p>{escape(line)}</p>" for line in lines), "\n".join([subject, "", *lines])


def _folder(unit: Unit) -> str:
    return f"填好后请放入共享文件夹中本单位的文件夹“{unit.code}”（以单位编码命名），文件名可自取。"


def _due_mail(unit: Unit, period: str, due: dt.date, extended: bool, rejected: bool,
              as_of: dt.datetime, tasks: list[str]) -> tuple[str, str, str]:
    subject = f"【报送提醒】{unit.name} {period} 月报请于 {long_date(due)}前报送"
    return _mail(subject, [
        f"{unit.name}：",
        f"本单位 {_month(period)} 的行政执法月报请于 {long_date(due)}前报送"
        + ("（已批准延期至该日）。" if extended else "（遇节假日已顺延至工作日）。"),
        "已收到的文件均被退回，尚无已受理的文件：请按回执逐条修改后重新报送。" if rejected
        else f"截至 {as_of:%Y-%m-%d}，尚未收到本单位该月的文件。",
        "附件是本单位该月的月报模板：基本信息已填好，并预填了上月的执法人员、未办结的投诉举报和各项任务的最近进展。"
        + _folder(unit),
        "如已报送，请忽略本提醒。",
    ], tasks)


def _overdue_mail(unit: Unit, period: str, due: dt.date, rejected: bool,
                  as_of: dt.datetime, tasks: list[str]) -> tuple[str, str, str]:
    subject = f"【催报】{unit.name} {period} 月报已过报送截止日，尚未收到已受理的文件"
    return _mail(subject, [
        f"{unit.name}：",
        f"本单位 {_month(period)} 的行政执法月报报送截止日为 {long_date(due)}，截至 {as_of:%Y-%m-%d} 仍未收到"
        + ("已受理的文件：已收到的文件均被退回，请按回执逐条修改后重新报送。" if rejected else "本单位该月的文件。"),
        "请尽快报送，" + _folder(unit) + "截止日后收到的文件计为逾期报送。",
        "如已报送，请忽略本通知。",
    ], tasks)


def _overdue_list(period: str, overdue: list[tuple[Unit, dt.date, UnitStatus]], extended: list[tuple[Unit, dt.date]],
                  as_of: dt.datetime) -> tuple[str, str, str]:
    subject = f"【催报名单】{period} 月报逾期未报送单位 {len(overdue)} 个（截至 {as_of:%Y-%m-%d}）"
    intro = f"{_month(period)} 行政执法月报已过报送截止日，以下单位尚无已受理的文件（退回：已报送但被退回，尚未更正）："
    units = [f"{_whom(unit)}：截止 {due.isoformat()}，{status.label}，"
             + ("已发催报邮件" if unit.email else "名册中没有邮箱，请另行通知") for unit, due, status in overdue]
    later = [f"另有 {len(extended)} 个单位已批准延期、尚未到期："
             + "、".join(f"{_whom(unit)} 延期至 {due.isoformat()}" for unit, due in extended)
             + "；到期仍未报送的，届时另发催报。"] if extended else []
    closing = [*later, SIGNATURE]
    html = (f"<p>{escape(intro)}</p><ul>{''.join(f'<li>{escape(line)}</li>' for line in units)}</ul>"
            + "".join(f"<p>{escape(line)}</p>" for line in closing))
    return subject, html, "\n".join([subject, "", intro, *units, "", *closing])


def _task_mail(unit: Unit, task: Task, role: str, day: dt.date, today: dt.date,
               tasks: list[str]) -> tuple[str, str, str]:
    subject = f"【任务提醒】{unit.name}：{task.label}，完成时限 {long_date(day)}"
    return _mail(subject, [
        f"{unit.name}：",
        f"提升行政执法质量三年行动{task.label}（本单位为{role}）的完成时限为“{task.deadline.phrase}”，"
        f"即 {long_date(day)}，还有 {(day - today).days} 天。",
        "请按时完成，并在月报“任务进展”表中如实填写进展状态、完成日期和佐证材料。",
        "如已完成并已在月报中报送，请忽略本提醒。",
    ], tasks)
