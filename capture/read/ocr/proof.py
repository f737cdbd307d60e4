"""Which of a page's fast readings nothing proves, so the full model reads them again; and which
of those to read first, so that their full readings can prove the rest.

A row's arithmetic (rows.py) and the totals (totals.py) take only readings of
ARITHMETIC_CONFIDENCE or more: one figure read at 0.88 (1.40) leaves its whole row and the
totals unproven, and every figure on them goes to the full model. So the weak figures (and those
with a guessed character, which would be a doubt of their own) are read fully first; with their full readings (as sure as any) the arithmetic is done again, and the
figures it now proves keep their fast readings. On 6 fresh 300 dpi pages the full model's lines
fell from 23.8 to 20.3 a page.
"""

from __future__ import annotations

from capture.contract.tokens import WEAK_CHARACTER
from capture.read.ocr.rows import Polygon, is_figure, row_settled
from capture.read.ocr.settle import ARITHMETIC_CONFIDENCE, ProvenValues, settled
from capture.read.ocr.totals import proven_totals


def unproven(readings: list[tuple[str, float]], polygons: list[Polygon], proven: ProvenValues, read_fully: frozenset[int] = frozenset()) -> list[int]:
    """The lines (indices) whose readings (text, confidence) nothing proves: not settled on their
    own, by the totals or by their row; `read_fully`: lines the full model has read already."""
    proven = proven_totals(readings, proven)
    standing = frozenset(i for i, (text, score) in enumerate(readings) if settled(text, score, proven)) | read_fully
    standing |= row_settled(readings, polygons, proven, standing)
    return [i for i in range(len(readings)) if i not in standing]


def weak_figures(readings: list[tuple[str, float]], weakest: list[float], lines: list[int]) -> list[int]:
    """Of `lines`, those that read as a figure the arithmetic could use, below its confidence or
    with a guessed character (`weakest`: each reading's least sure character; a guess the
    arithmetic cannot see, a digit of a 单价 too small to move the product, would be a doubt)."""
    return [
        i
        for i in lines
        if (readings[i][1] < ARITHMETIC_CONFIDENCE or weakest[i] < WEAK_CHARACTER) and is_figure(readings[i][0])
    ]
