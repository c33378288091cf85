"""A plan's text as the 司法局 receives it: a .txt file or a Word .docx (its paragraphs)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from docx import Document

from xzzf.plans import PlanError


def read_plan_file(path: Path) -> tuple[list[str], str]:
    """The file's lines and its SHA-256. A .txt is UTF-8 (with or without BOM) or, as Windows
    saves Chinese text, GB18030."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise PlanError(f"无法读取方案文件 {path}：{error.strerror or error}") from None
    digest = hashlib.sha256(data).hexdigest()
    suffix = path.suffix.lower()
    if suffix == ".docx":
        try:
            return [paragraph.text for paragraph in Document(path).paragraphs], digest
        except Exception as error:  # python-docx raises zip, XML and key errors alike for a broken file
            raise PlanError(f"方案文件 {path.name} 不是有效的 Word（.docx）文件：{error}") from None
    if suffix != ".txt":
        raise PlanError(f"方案文件 {path.name} 应为 .txt 或 .docx（.doc 请先在 Word 中另存为 .docx）")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding).splitlines(), digest
        except UnicodeDecodeError:
            continue
    raise PlanError(f"方案文件 {path.name} 的文字编码无法识别：请另存为 UTF-8 文本")
