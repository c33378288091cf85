"""Which 回执 a run wrote, where a person finds them and what became of their mail: one log
line per unit and the `receipts` artifact, made once the run's mail has been sent (issue 23:
a withdrawal said only "邮件：发送 0 封", not that the unit has no address)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from prefect.artifacts import create_table_artifact

from flows.artifacts import code_span, run_log
from flows.mail_steps import mail_said
from xzzf.adjustments import unit_text

if TYPE_CHECKING:
    from flows.setup import Run

NO_UNIT = "未识别单位：无法发送"
NO_ADDRESS = "未发送：单位名册（units.yaml）中该单位没有邮箱"


@dataclass(frozen=True)
class Written:
    """One unit's 回执 files written by a run, and the ledger key of the mail carrying them,
    or (`mail` None) why none does."""

    unit_code: str | None
    files: tuple[Path, ...]
    mail: str | None
    no_mail: str = NO_ADDRESS


def written(unit_code: str | None, files, mail: str | None, has_unit: bool = True) -> Written:
    return Written(unit_code, tuple(files), mail, NO_ADDRESS if has_unit and unit_code else NO_UNIT)


def list_receipts(run: Run) -> list[dict[str, str]]:
    """Log and show the 回执 the run wrote (its rows, also returned); nothing when it wrote none."""
    if not run.written:
        return []
    rows, log = [], run_log()
    for item in run.written:
        unit = unit_text(run.registry, item.unit_code) if item.unit_code else "（未识别单位）"
        mail = mail_said(run.store, run.settings, item.mail) if item.mail else item.no_mail
        where = "、".join(run.settings.shown_path(path) for path in item.files)
        log.info("回执：%s %s；邮件：%s", unit, where, mail)
        # The folder, as a code span: the UI renders a table's cells as markdown.
        rows += [{"单位": unit, "文件": path.name, "位置": code_span(run.settings.shown_path(path.parent)),
                  "邮件": mail} for path in item.files]
    run.written.clear()  # listed once, whichever sending comes later in the run
    create_table_artifact(key="receipts", table=rows,
                          description=f"本次运行写出的回执（{len(rows)} 个文件，数据截至 {run.as_of:%Y-%m-%d %H:%M}）")
    return rows
