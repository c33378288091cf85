"""The reminders flow with real Prefect runs and a real SMTP server (aiosmtpd): the right units,
on the right day — 2026-09 is due on 8 October, after the 国庆 holiday (1–7 October, State
Council schedule for 2026), so its reminder goes out on Monday 28 September, three working days
before — each notice exactly once across re-runs, and across a mail outage."""

import datetime as dt
import io

import openpyxl
import pytest
import yaml
from prefect.client.schemas.objects import StateType

from connectors.store import Store
from tests.builders import basic_info, write_workbook
from tests.flows.conftest import at, set_mtime
from tests.flows.test_artifacts import artifacts
from tests.smtp import Server, free_port
from tests.test_cli_errors import xzzf
from tests.test_prefect_yaml import next_runs

SFJ_RECIPIENTS = "sfj@hsb.example.gov.cn"


def address(code: str) -> str:
    return f"{code.lower()}-clerk@hsb.example.gov.cn"


def reporting(code, name, kind="部门", email=True, **dates) -> dict:
    return {"code": code, "name": name, "kind": kind, "enforcement": True,
            **({"email": [address(code)]} if email else {}), **dates}


@pytest.fixture
def remind_env(env, monkeypatch, tmp_path):
    """Mail to a local server (its port set by each test); `units(...)` writes the registry."""
    for name, value in (("XZZF_SFJ_RECIPIENTS", SFJ_RECIPIENTS), ("XZZF_MAIL_FROM", "xzzf@hsb.example.gov.cn"),
                        ("XZZF_SMTP_SECURITY", "none"), ("XZZF_SMTP_HOST", "127.0.0.1"),
                        ("XZZF_SMTP_TIMEOUT_S", "2"), ("XZZF_MAIL_BACKOFF_S", "0.05")):
        monkeypatch.setenv(name, value)

    def units(*entries):
        path = tmp_path / "units.yaml"
        path.write_text(yaml.safe_dump({"units": list(entries)}, allow_unicode=True), encoding="utf-8")
        monkeypatch.setenv("XZZF_UNITS", str(path))

    env.units = units
    return env


def remind(as_of: dt.date, **options) -> str:
    from flows.reminders import reminders

    return reminders(as_of=as_of, **options)


def decide(env, kind: str, unit: str, period: str, until: dt.date | None = None) -> None:
    """A 司法局 decision in force since 20 September (the lead's adjustments flow records the same)."""
    store = Store(env.db)
    store.migrate()
    store.record_adjustment(kind=kind, unit_code=unit, period=period, reason="单位书面申请，经批准", operator="张三",
                            decided_at=at("2026-09-20"), until=until, changes="")


def mails(server, prefix: str) -> list[tuple[list[str], object]]:
    return [(to, message) for to, message in server.inbox.messages if message["Subject"].startswith(prefix)]


def to_whom(server, prefix: str) -> list[str]:
    return sorted(address for to, _ in mails(server, prefix) for address in to)


def test_the_units_that_owe_the_month_without_a_file_are_reminded_once_then_chased_once(remind_env):
    env = remind_env
    env.units(reporting("SFJ", "司法局"), reporting("ZRZY", "自然资源局<b>"), reporting("MZJ", "民政局"),
              reporting("WJJ", "卫健局", until="2026-09-30"),
              reporting("XZJ", "新庄集乡", "乡镇", **{"from": "2026-11-10"}),
              reporting("LQX", "柳泉乡", "乡镇", email=False))
    set_mtime(write_workbook(env.inbox / "SFJ" / "a.xlsx", info=basic_info(填报日期=dt.date(2026, 11, 1))),
              at("2026-11-01", "09:00"))
    with Server() as server:
        env.use(smtp_port=server.port)
        env.intake(at("2026-11-01", "10:00"))  # SFJ's October is accepted
        decide(env, "exemption", "MZJ", "2026-10")
        assert "报送提醒 0 封" in remind(dt.date(2026, 11, 1))  # Sunday: the reminder day is Monday 2 November
        remind(dt.date(2026, 11, 2))
        assert to_whom(server, "【报送提醒】") == [address("ZRZY")]
        remind(dt.date(2026, 11, 2))
        remind(dt.date(2026, 11, 5))  # the due day: nothing again, nobody chased yet
        assert len(mails(server, "【报送提醒】")) == 1 and mails(server, "【催报") == []
        remind(dt.date(2026, 11, 6))
        remind(dt.date(2026, 11, 7))
    [(_, reminder)] = mails(server, "【报送提醒】")
    assert reminder["Subject"] == "【报送提醒】自然资源局<b> 2026-10 月报请于 2026年11月5日（星期四）前报送"
    assert "自然资源局&lt;b&gt;" in reminder.get_body(("html",)).get_content()
    [attachment] = list(reminder.iter_attachments())
    assert attachment.get_filename() == "自然资源局<b>2026-10月报.xlsx"
    book = openpyxl.load_workbook(io.BytesIO(attachment.get_content()))
    info = dict(book["基本信息"].iter_rows(values_only=True))
    assert (info["单位编码"], info["报送期间"]) == ("ZRZY", "2026-10")
    assert "2026年11月5日（星期四）" in book["填报说明"]["A2"].value
    assert to_whom(server, "【催报】") == [address("ZRZY")]
    [(recipients, listed)] = mails(server, "【催报名单】")
    assert recipients == [SFJ_RECIPIENTS]
    text = listed.get_body(("plain",)).get_content()
    assert "自然资源局<b>（ZRZY）：截止 2026-11-05，未报送，已发催报邮件" in text
    assert "柳泉乡（LQX）：截止 2026-11-05，未报送，名册中没有邮箱，请另行通知" in text
    assert not any(code in text for code in ("SFJ", "MZJ", "WJJ", "XZJ"))
    [page] = artifacts("reminders")[:1]
    assert page.description.startswith("提醒邮件（数据截至 2026-11-07）")  # the last run: nothing new
    assert "今天没有需要发送的提醒" in page.data


def test_the_reminder_day_moves_with_a_due_day_past_the_national_day_holiday(remind_env):
    env = remind_env
    # Both set up on 1 September: they owe September, not August.
    env.units(*(reporting(code, name, **{"from": "2026-09-01"}) for code, name in (("ZRZY", "自然资源局"),
                                                                                   ("SWJ", "水务局"))))
    decide(env, "extension", "SWJ", "2026-09", until=dt.date(2026, 10, 15))
    with Server() as server:
        env.use(smtp_port=server.port)
        remind(dt.date(2026, 9, 27))  # 中秋 holiday, four days before the reminder day
        assert server.inbox.messages == []
        remind(dt.date(2026, 9, 28))  # three working days before Thursday 8 October
        assert to_whom(server, "【报送提醒】") == [address("ZRZY")]
        remind(dt.date(2026, 10, 8))  # the due day; task 17 is due 31 October, thirty days away or less
        assert len(mails(server, "【报送提醒】")) == 1 and mails(server, "【催报") == []
        assert to_whom(server, "【任务提醒】") == [address("SWJ"), address("ZRZY")]
        remind(dt.date(2026, 10, 9))
        assert to_whom(server, "【催报】") == [address("ZRZY")]
        remind(dt.date(2026, 10, 12))  # three working days before SWJ's extended due day, Thursday 15 October
        assert to_whom(server, "【报送提醒】") == [address("SWJ"), address("ZRZY")]
        remind(dt.date(2026, 10, 16))
    assert to_whom(server, "【催报】") == [address("SWJ"), address("ZRZY")]
    assert len(mails(server, "【任务提醒】")) == 2
    [(_, listed)] = mails(server, "【催报名单】")  # once, the day after the normal due day
    assert "水务局（SWJ） 延期至 2026-10-15" in listed.get_body(("plain",)).get_content()
    [(_, task)] = mails(server, "【任务提醒】自然资源局")
    assert "2026年10月31日（星期六）" in task["Subject"]
    assert "第 17 项 每年不少于3个柔性执法典型案例（本单位为责任单位）" in task.get_body(("plain",)).get_content()


def test_a_reminder_the_server_could_not_take_is_sent_on_the_next_run_exactly_once(remind_env):
    env = remind_env
    env.units(reporting("ZRZY", "自然资源局"))
    port = free_port()
    env.use(smtp_port=port)
    with Server(port=port) as server:
        assert remind(dt.date(2026, 11, 2), dry_run=True).startswith("【试运行，未记录】")
    assert server.inbox.messages == [] and Store(env.db).email("remind/2026-10/ZRZY") is None
    assert artifacts("dry-run-reminders")[0].description.startswith("【试运行，未记录】提醒邮件（数据截至 2026-11-02）")
    from flows.reminders import reminders

    state = reminders(as_of=dt.date(2026, 11, 2), return_state=True)  # nobody listens on the port
    assert (state.type, state.name) == (StateType.FAILED, "邮件未发送")
    assert "Connection refused" in state.message and "下次运行时自动重发" in state.message
    assert Store(env.db).email("remind/2026-10/ZRZY")["status"] == "unsent"
    with Server(port=port) as server:
        remind(dt.date(2026, 11, 3))
        remind(dt.date(2026, 11, 4))
    [(recipients, message)] = server.inbox.messages
    assert recipients == [address("ZRZY")] and message["Subject"].startswith("【报送提醒】自然资源局 2026-10")
    assert [a.get_filename() for a in message.iter_attachments()] == ["自然资源局2026-10月报.xlsx"]
    assert Store(env.db).email("remind/2026-10/ZRZY")["status"] == "sent"


def test_the_reminders_run_every_morning_at_half_past_eight_beijing_time():
    start = dt.datetime(2026, 9, 30, 16, 0, tzinfo=dt.UTC)  # 00:00 on 1 October in Beijing: holidays too
    assert next_runs("reminders", start, 3) == ["10-01 08:30", "10-02 08:30", "10-03 08:30"]


def test_the_command_reminds_as_the_flow_does_and_refuses_what_it_cannot_do(tmp_path):
    registry = tmp_path / "units.yaml"
    registry.write_text(yaml.safe_dump({"units": [reporting("ZRZY", "自然资源局")]}, allow_unicode=True),
                        encoding="utf-8")
    where = ("--units", str(registry), "--out", str(tmp_path / "out"))
    refused = xzzf(tmp_path, "remind", *where, "--only", "NOPE")
    assert (refused.returncode, refused.stderr.strip()) == (2, "错误：--only 无效：未登记的单位编码：NOPE")
    future = xzzf(tmp_path, "remind", *where, "--as-of", "2100-01-01")
    assert future.returncode == 2 and "记录数据的运行不能使用未来的日期" in future.stderr
    done = xzzf(tmp_path, "remind", *where, "--as-of", "2026-11-02", "--dry-run")
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == ("【试运行，未记录】提醒邮件（数据截至 2026-11-02）："
                                                  "报送提醒 1 封，催报 0 封，催报名单 0 封，任务提醒 0 封")
