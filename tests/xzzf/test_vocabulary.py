"""One vocabulary, one enum with its Chinese label: the labels are operations.md's table,
and the JSON keeps the codes."""

import json

from xzzf.schema import DECISION_CATEGORIES, PROGRESS_STATES, PUBLICATION_STATES
from xzzf.vocabulary import DecisionCategory, FileStatus, Progress, Publication, UnitStatus

# operations.md, "Outputs": code → label, as a person reads it.
SPEC_FILE = {"accepted": "已受理", "rejected": "退回", "superseded": "已被更正", "duplicate": "重复",
             "ignored": "忽略", "pending": "待处理（文件仍在写入）", "withdrawn": "已撤销",
             "not_arrived": "未到达（晚于数据截至日期）"}
SPEC_UNIT = {"on_time": "按时", "late": "逾期", "missing": "未报送", "rejected": "退回", "not_due": "未到期",
             "exempt": "免报"}


def test_file_and_unit_statuses_carry_the_labels_of_operations_md():
    assert {s.value: s.label for s in FileStatus} == SPEC_FILE
    assert {s.value: s.label for s in UnitStatus} == SPEC_UNIT


def test_a_status_is_its_code_in_json():
    assert json.dumps({"SFJ": UnitStatus.ON_TIME}) == '{"SFJ": "on_time"}'
    assert UnitStatus.label_of("late") == "逾期"


def test_the_sheet_schema_takes_its_choices_from_the_enums():
    """submission.md's lists, in its order."""
    assert DECISION_CATEGORIES == tuple(DecisionCategory) == (
        "行政处罚", "行政许可", "行政强制", "行政检查", "行政征收征用", "行政确认", "其他")
    assert PUBLICATION_STATES == tuple(Publication) == ("未公开", "已公开", "已下撤")
    assert PROGRESS_STATES == tuple(Progress) == ("未启动", "推进中", "已完成", "长期坚持")
