"""Settings from XZZF_* environment variables or a .env file; command-line flags override."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

from pydantic import Field, PrivateAttr, ValidationError, field_validator
from pydantic_core import ErrorDetails
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from xzzf.calendars import SETTING, CalendarFileError, calendar_notes, dates_at_stake, load_calendar_file
from xzzf.units import SAMPLE_REGISTRY
from xzzf.workdays import WorkCalendar, YearDays


class SettingsError(ValueError):
    """A wrong setting; the message names it."""


def _split(value):
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="XZZF_", env_file=".env", extra="ignore", populate_by_name=True)

    inbox: Path = Path("inbox")
    units: Path = SAMPLE_REGISTRY
    database_url: str | None = None  # default: SQLite file under the output folder
    out: Path = Path("out")
    receipts: Path | None = None  # default: <out>/feedback
    templates: Path | None = None  # default: <out>/templates
    reports: Path | None = None  # a share staff PCs open: report files are also copied there
    # The share as the staff PCs know it: the server folder XZZF_SHARE_ROOT is what Windows
    # opens as XZZF_SHARE_NAME (\\fileserver\行政执法报告); see shown_path.
    share_root: Path | None = None
    share_name: str | None = Field(None, pattern=r"^\\\\[^\\/]+\\[^\\/]+")
    due_day: int = Field(5, ge=1, le=28)
    # A unit still without an accepted file for a month is reminded this many working days
    # before its due day (xzzf.reminders).
    remind_days: int = Field(3, ge=1, le=20)
    # The calendar file (xzzf.calendars) for the years chinesecalendar lacks; its field is not
    # named `calendar`, which is the calendar built from it.
    calendar_file: Path | None = Field(None, validation_alias=SETTING)
    extra_holidays: Annotated[list[dt.date], NoDecode] = []  # the calendar file's forerunner: days off only
    smtp_host: str | None = None
    smtp_port: int | None = Field(None, ge=1, le=65535)
    smtp_security: str = Field("ssl", pattern="^(ssl|starttls|none)$")
    smtp_user: str | None = None
    smtp_password: str | None = None
    mail_from: str | None = None
    mail_from_name: str = "红寺堡区司法局 行政执法数据"  # the sender's name a mail client shows
    smtp_ca_file: Path | None = None  # a private CA to trust besides the system's (a local relay)
    smtp_timeout_s: float = Field(30, gt=0)
    mail_attempts: int = Field(3, ge=1, le=10)
    mail_backoff_s: float = Field(5, ge=0)  # doubled after each failed attempt
    sfj_recipients: Annotated[list[str], NoDecode] = []
    # The annual report's Word draft: its 主送机关 and the 发文机关署名 that signs it.
    report_addressee: str = Field("区委全面依法治区委员会办公室", min_length=1)
    issuer: str = Field("吴忠市红寺堡区司法局", min_length=1)
    # Hostile-file limits (issue: a 1 MB zip can hold 1 GiB of XML).
    max_unzipped_mb: int = Field(50, ge=1)
    max_zip_ratio: float = Field(100, gt=1)
    max_zip_entries: int = Field(200, ge=10)
    reader_memory_mb: int = Field(1024, ge=256)
    reader_timeout_s: float = Field(60, gt=0)
    reader_workers: int = Field(2, ge=1, le=16)
    max_file_mb: int = Field(20, ge=1)  # a larger file is refused before it is read
    # A sheet with content below this row is refused (a column filled down to the bottom).
    max_rows: int = Field(10_000, ge=100, le=1_048_576)
    # A file modified less than this before the scan may still be being copied: left pending.
    settle_s: float = Field(60, ge=0)
    # A zip that ends early is a copy in progress for this long after its mtime, then corrupt.
    incomplete_wait_min: float = Field(60, ge=0)
    mail_per_run: int = Field(100, ge=1)  # the rest stays owed for the next run
    # How long a run waits for another run that holds the store, before it stops naming it.
    lock_wait_s: float = Field(60, ge=0)
    # `xzzf doctor` fails a folder with less free space than this (a year of files and 回执 is
    # a few hundred MB; a run that meets a full disk stops, exit code 5).
    min_free_mb: int = Field(1024, ge=0)
    # Prefect's records of routine runs (the hourly intake, the daily reminders) are deleted
    # this many days after the run by the housekeeping flow; the others are kept.
    prefect_keep_days: int = Field(180, ge=7)
    # The scheduled backup's folder (best on another disk) and how many of its backups it keeps.
    backups: Path | None = None
    backup_keep: int = Field(14, ge=1, le=1000)
    # Data-quality signals (xzzf.signals): a month's total is compared with the same unit's
    # previous `signal_months` months in force (at least `signal_min_months` of them), and is a
    # signal when its modified z-score is above `signal_z` and it differs from their median by
    # more than `signal_min_count` (counts, 学时) or `signal_min_amount` (元). One amount is a
    # signal above `signal_amount_factor` × the unit's largest earlier amount and the
    # district's `signal_amount_percentile`th percentile.
    signal_months: int = Field(12, ge=3, le=24)
    signal_min_months: int = Field(6, ge=2, le=24)
    signal_z: float = Field(3.5, gt=0)
    signal_min_count: float = Field(5, ge=0)
    signal_min_amount: float = Field(20_000, ge=0)
    signal_amount_factor: float = Field(10, gt=1)
    signal_amount_percentile: float = Field(99.9, gt=50, le=100)
    _calendar: WorkCalendar | None = PrivateAttr(None)  # read once

    @field_validator("extra_holidays", "sfj_recipients", mode="before")
    @classmethod
    def _comma_separated(cls, value):
        return _split(value)

    @property
    def database(self) -> str:
        return self.database_url or f"sqlite:///{(self.out / 'xzzf.db').resolve()}"

    def calendar(self) -> WorkCalendar:
        """Working days: chinesecalendar, completed by the calendar file (and the older
        XZZF_EXTRA_HOLIDAYS) for the years it lacks. A bad file raises SettingsError naming it."""
        if self._calendar is None:
            years: dict[int, YearDays] = {}
            if self.calendar_file:
                try:
                    years = load_calendar_file(self.calendar_file)
                except CalendarFileError as error:
                    raise SettingsError(f"设置 {SETTING} 无效：{error}") from None
            self._calendar = WorkCalendar(years, frozenset(self.extra_holidays))
        return self._calendar

    def calendar_notes(self, *periods: str) -> list[str]:
        """What a run about `periods` says of the calendar its dates rest on (xzzf.calendars)."""
        calendar = self.calendar()
        return calendar_notes(calendar, [day for period in periods
                                         for day in dates_at_stake(period, self.due_day, self.remind_days, calendar)])

    def shown_path(self, path: Path) -> str:
        """A path as the person who reads it opens it: under XZZF_SHARE_ROOT, the share's path
        on a staff PC (XZZF_SHARE_NAME, backslashes), to paste into the Explorer's address bar;
        anywhere else, the server's absolute path as it is."""
        full = Path(path).resolve()
        if self.share_root is None or self.share_name is None or not full.is_relative_to(self.share_root.resolve()):
            return str(full)
        return "\\".join([self.share_name.rstrip("\\"), *full.relative_to(self.share_root.resolve()).parts])

    @property
    def receipts_dir(self) -> Path:
        return self.receipts or self.out / "feedback"

    @property
    def templates_dir(self) -> Path:
        return self.templates or self.out / "templates"


def load_settings(**overrides) -> Settings:
    """Settings with the given flag values on top; a wrong one raises SettingsError naming it."""
    given = {key: value for key, value in overrides.items() if value is not None}
    try:
        settings = Settings(**given)
    except ValidationError as error:
        first = error.errors()[0]
        name = "XZZF_" + str(first["loc"][0]).upper().removeprefix("XZZF_") if first["loc"] else "XZZF_*"
        raise SettingsError(f"设置 {name} 无效：{_reason(first)}") from None
    if (settings.share_root is None) != (settings.share_name is None):  # half a share shows no share path
        missing = "XZZF_SHARE_NAME" if settings.share_name is None else "XZZF_SHARE_ROOT"
        raise SettingsError(f"设置 {missing} 未填写：XZZF_SHARE_ROOT 和 XZZF_SHARE_NAME 须同时设置")
    settings.calendar()  # a bad calendar file stops the run here, before any work
    return settings


# pydantic's error types in Chinese, with the limit from the error's ctx: whoever reads them
# is fixing an XZZF_* value, and pydantic only speaks English.
_REASONS = {
    "missing": "未填写",
    "less_than": "应小于 {lt}",
    "less_than_equal": "应不大于 {le}",
    "greater_than": "应大于 {gt}",
    "greater_than_equal": "应不小于 {ge}",
    "int_parsing": "应为整数",
    "float_parsing": "应为数字",
    "bool_parsing": "应为 true 或 false",
    "string_pattern_mismatch": "应符合格式 {pattern}",
    "string_too_short": "不能为空",
    "date_parsing": "应为日期 YYYY-MM-DD",
    "date_from_datetime_parsing": "应为日期 YYYY-MM-DD",
    "date_from_datetime_inexact": "应为日期 YYYY-MM-DD，不带时间",
}


def _reason(error: ErrorDetails) -> str:
    limits = {key: f"{value:g}" if isinstance(value, float) else value
              for key, value in error.get("ctx", {}).items()}  # 0 rather than 0.0
    reason = _REASONS.get(error["type"], "取值无效").format(**limits)
    return reason if error["type"] == "missing" else f"{reason}（当前值：{error['input']!r}）"
