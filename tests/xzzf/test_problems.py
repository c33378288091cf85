"""A file's problems are listed up to a bound, with one line counting the rest (issue 20)."""

from xzzf.intake import FileEntry
from xzzf.problems import LISTED_PER_FILE, Problem
from xzzf.receipt import first_problem, problem_lines, receipt_mail
from xzzf.vocabulary import FileStatus
from xzzf.workbook import ParsedWorkbook


def many(count: int) -> ParsedWorkbook:
    """`count` errors on 执法人员 from row 2 down, and one whole-file warning."""
    return ParsedWorkbook(errors=[Problem("“证件有效期至”应为日期", "执法人员", row, "证件有效期至", "下个月")
                                  for row in range(count + 1, 1, -1)],  # found in any order
                          warnings=[Problem("工作表“填报说明”已忽略")])


def test_up_to_the_bound_every_problem_is_listed():
    errors, warnings = many(LISTED_PER_FILE).listed()
    assert [e["row"] for e in errors] == list(range(2, LISTED_PER_FILE + 2))
    assert len(warnings) == 1


def test_beyond_it_the_first_are_listed_then_the_rest_counted():
    errors, _ = many(LISTED_PER_FILE + 57).listed()
    assert [e["row"] for e in errors[:-1]] == list(range(2, LISTED_PER_FILE + 2))
    assert errors[-1]["message"] == ("另有 57 处错误未逐条列出（每个文件最多列出 200 处）："
                                     "请先按以上各处修改，重新报送后回执会列出其余问题")


def test_the_count_comes_last_and_is_never_the_reason_given():
    """In the 回执 the count follows the problems listed, whole-file ones included; the first
    error (a rejection's reason) is a real one; the mail counts every problem."""
    errors, warnings = many(LISTED_PER_FILE + 57).listed()
    lines = problem_lines(errors, warnings)
    assert lines[0][5] == "工作表“填报说明”已忽略" and lines[-1][5].startswith("另有 57 处错误")
    assert first_problem(errors) == "执法人员，第 2 行，证件有效期至：“证件有效期至”应为日期"
    entry = FileEntry("SFJ/月报.xlsx", "0" * 64, "SFJ", "2026-10", FileStatus.REJECTED, errors, warnings)
    _, _, text = receipt_mail([entry], "司法局")
    assert "错误 257 处，提醒 1 处" in text and "……另有 248 处，见附件回执" in text
