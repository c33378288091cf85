"""已核实: the 司法局 confirms that a data-quality signal's numbers are right (a decision like
the others: checked, recorded once with its reason and operator, numbered, in the 调整记录,
revocable with `revoke`)."""

from __future__ import annotations

from prefect import flow

from flows.adjustments import decide, decision_run
from flows.artifacts import answered, quality_artifact
from flows.parameters import AS_OF, OPERATOR, REASON, AsOf, described
from xzzf.adjustments import AdjustmentError, check_adjustment
from xzzf.quality import QUALITY_SHEET
from xzzf.vocabulary import AdjustmentKind, SignalState

SIGNAL = described(..., "提醒编号", "要核实的数据质量提醒的编号（见月度汇总“数据质量”工作表或运行页面的“编号”列）", 1,
                   minimum=1)


@flow(name="verify-signal", log_prints=True)
@answered
def verify(number: int = SIGNAL, reason: str = REASON, operator: str = OPERATOR, as_of: AsOf = AS_OF) -> str:
    """已核实: a data-quality signal's numbers are right; it is closed and stays in the 调整记录."""
    with decision_run(as_of) as run:
        signal = next((s for s in run.store.signals() if s.id == number), None)
        if signal is None:
            raise AdjustmentError(f"没有第 {number} 号数据质量提醒：请在月度汇总的“{QUALITY_SHEET}”工作表中"
                                  "查看提醒编号")
        if signal.state != SignalState.OPEN:
            raise AdjustmentError(f"第 {number} 号数据质量提醒{SignalState.label_of(signal.state)}，无需核实")
        if signal not in run.open_signals():
            raise AdjustmentError(f"第 {number} 号数据质量提醒所在的文件（{signal.unit_code} {signal.period}）"
                                  "截至数据截至日期不计入统计（已撤销受理、已被更正文件取代或经复核退回，"
                                  "或当时尚未收到），无需核实")
        check_adjustment(AdjustmentKind.VERIFICATION, run.registry, signal.unit_code, signal.period, reason, operator)
        said = f"第 {number} 号提醒 {SignalState.OPEN.label} → {SignalState.VERIFIED.label}：{signal.message}"
        line = decide(run, said, kind=AdjustmentKind.VERIFICATION, unit_code=signal.unit_code, period=signal.period,
                      reason=reason, operator=operator, signal_id=number)
        quality_artifact(run)
        return line
