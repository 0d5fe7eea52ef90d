"""Cell text as the table draws it: cleaned of control characters, fitted to a width, cut to
the cells in view, styled from a style name.

Why hand-made: a row is drawn as a few ``(text, style, cells)`` runs whose widths are already
known, and cut to the view here rather than with ``Strip.crop``: that goes through rich's
``Segment.split_cells``, whose 16,384-entry cache would then hold every row's text (~80,000
objects that each full garbage collection walks, ~60 ms). Each helper is a fast no-op for the common
case (printable ASCII that fits).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from rich import cells as _cells
from rich.cells import cell_len, get_character_cell_size, set_cell_size
from rich.errors import StyleSyntaxError
from rich.segment import Segment
from rich.style import Style

__all__ = ["Run", "clean", "cut", "fit", "parsed_style", "text_cells"]

_split_graphemes: Callable[[str], tuple[list[tuple[int, int, int]], int]] | None = getattr(
    _cells, "split_graphemes", None)
"""rich 15 measures grapheme clusters (what ``cell_len`` counts); earlier versions each code point."""

Run = tuple[str, Style, int]
"""Text, its style and how many cells it takes (known, never measured again)."""

# Control characters (C0, DEL, C1) would break a line or reach the terminal as escape codes;
# bidirectional embeddings, overrides and isolates would make the terminal reorder the line.
_CONTROL_TO_SPACE = {code: " " for code in (*range(0x20), *range(0x7F, 0xA0), *range(0x202A, 0x202F),
                                            *range(0x2066, 0x206A))}


def clean(text: str) -> str:
    """``text`` with control characters and bidirectional controls replaced by spaces (a fast
    no-op for normal text)."""
    return text if text.isprintable() else text.translate(_CONTROL_TO_SPACE)


@lru_cache(maxsize=256)
def parsed_style(definition: str | None) -> Style | None:
    """A cell's style (``"bold green"``), or None when it has none or it is not a valid style
    (rows carry style names; rendering must never fail on one)."""
    if not definition:
        return None
    try:
        return Style.parse(definition)
    except StyleSyntaxError:
        return None


def fit(text: str, width: int, right: bool = False) -> str:
    """``text`` truncated with an ellipsis or padded to exactly ``width`` cells."""
    if width <= 0:
        return ""
    length = cell_len(text)
    if length > width:
        return set_cell_size(text, width - 1) + "…"
    if length < width:
        pad = " " * (width - length)
        return pad + text if right else text + pad
    return text


def _graphemes(text: str) -> list[tuple[int, int, int]]:
    """``(start, end, cells)`` of each character as the terminal draws it: with rich's grapheme
    clusters (an emoji joined with ZWJ is one 2-cell picture, a combining mark joins its letter),
    the same measure as ``cell_len``, so a cut line is exactly as wide as its runs say."""
    if _split_graphemes is not None:
        return _split_graphemes(text)[0]
    return [(i, i + 1, get_character_cell_size(char)) for i, char in enumerate(text)]


def text_cells(text: str, start: int, end: int) -> str:
    """Cells ``start`` to ``end`` of ``text``; a wide character cut in two becomes spaces."""
    if text.isascii():
        return text[start:end]
    out: list[str] = []
    position = 0
    for first, last, size in _graphemes(text):
        stop = position + size
        if stop > start and position < end:
            whole = position >= start and stop <= end
            out.append(text[first:last] if whole else " " * (min(stop, end) - max(position, start)))
        elif size == 0 and start <= position < end:
            out.append(text[first:last])
        position = stop
        if position >= end:
            break
    return "".join(out)


def cut(runs: list[Run], start: int, end: int) -> list[Segment]:
    """Cells ``start`` to ``end`` of a line given as runs, as segments."""
    out: list[Segment] = []
    position = 0
    for text, style, length in runs:
        stop = position + length
        if stop > start and position < end:
            if position < start or stop > end:
                text = text_cells(text, max(0, start - position), min(length, end - position))
            out.append(Segment(text, style))
        position = stop
        if position >= end:
            break
    return out
