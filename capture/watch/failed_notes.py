"""`failed/NAME.error.txt`: beside each file that went to failed/, one line why, Chinese first
(the accountant who opens the folder reads it there, not in a batch's report.json)."""

from __future__ import annotations

from pathlib import Path

from capture.console import log
from capture.emit import write_atomic
from capture.intake.files import shown_name

#: (words in the English error, what to say first in Chinese), the first that matches wins
CHINESE: tuple[tuple[str, str], ...] = (
    ("the file is empty", "文件为空"),
    ("symbolic link", "这是符号链接，不是文件：请把文件本身放进来"),
    ("not a regular file", "不是普通文件（管道、套接字或设备）"),
    ("permission denied", "没有读取权限"),
    ("vanished", "文件在读取时被移走或删除"),
    ("encrypted", "PDF 已加密（有密码保护）：请另存为无密码的 PDF"),
    ("the pdf cannot be opened", "PDF 无法打开：文件可能不完整或已损坏"),
    ("the pdf has", "PDF 页数超出限制"),
    ("the image cannot be read", "图片无法读取：文件可能不完整或已损坏"),
    ("animation", "图片是动画，不是扫描件"),
    ("pixels", "图片过大，超出限制"),
    ("ocr found no text", "识别不到文字（空白页？）：请重新扫描"),
    ("not an invoice xml", "不是发票的 XML 文件（HTML 或其他数据？）"),
    ("xml", "XML 无法读取或不安全"),
    ("ofd", "OFD 无法读取"),
    ("not an invoice document", "不是发票文件：应为 PDF、OFD、XML 或图片"),
    ("crashed", "读取时程序崩溃（文件损坏或内存不足）"),
    ("seconds", "读取超时"),
    ("internal error", "程序内部错误：请连同此文件报告"),
)


def chinese_first(error: str) -> str:
    """The error as one line, a Chinese summary first unless it already starts in Chinese."""
    line = " ".join(error.split())
    if line[:1] and "\u4e00" <= line[0] <= "\u9fff":
        return line
    lowered = line.lower()
    summary = next((chinese for words, chinese in CHINESE if words in lowered), "无法读取此文件")
    return f"{summary} ({line})"


def note_path(place: Path) -> Path:
    """failed/x.pdf -> failed/x.pdf.error.txt"""
    return place.with_name(place.name + ".error.txt")


def write_failure_note(place: Path, error: str) -> Path | None:
    """Write the one-line note beside a failed file (atomically; repeating it is harmless). A note
    that cannot be written (no permission, a file where its folder should be) is logged, never
    fatal: the file's move and the batch's report.json matter more."""
    note = note_path(place)
    try:
        write_atomic(note, chinese_first(error) + "\n")
    except OSError as problem:
        log("note_failed", f"cannot write {shown_name(str(note))}: {problem.strerror or problem}", file=shown_name(str(note)))
        return None
    return note
