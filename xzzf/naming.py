"""How a sentence or a table cell names the units some fact is true of, out of those it could
be true of: a few by name; nearly all as the few it is not true of (除弘德街道外); many by
their count and the worst few. A list of twenty names says nothing a reader would keep."""

from __future__ import annotations

NAMED = 5  # at most this many unit names in a sentence or a cell
ALL_BUT = 3  # when all but at most this many are meant, those few are named instead


def listed(picked: list[str], others: list[str]) -> str:
    """`picked` out of `picked` + `others` (the names of those it is not true of): "大河乡、
    自然资源局", "全部25个单位", "除弘德街道外的24个单位" or "25个单位中的20个"."""
    count = len(picked)
    if count <= NAMED:
        return "、".join(picked)
    if not others:
        return f"全部{count}个单位"
    if len(others) <= ALL_BUT:
        return f"除{'、'.join(others)}外的{count}个单位"
    return f"{count + len(others)}个单位中的{count}个"


def worst(picked: list[str], others: list[str] = ()) -> list[str]:
    """Of `picked` (worst first), the few a text names beside what listed() says of them: none
    when it names them all, fewer when it names the others, NAMED in all."""
    if len(picked) <= NAMED:
        return []
    return picked[:NAMED - (len(others) if others and len(others) <= ALL_BUT else 0)]
