"""Move a scrollbar's thumb without repainting the scrollbar when the thumb does not move.

Why: with 100,000 rows, one page more (or the "Loading more…" line coming and going) changes
the vertical scrollbar's virtual size three times per page, and a page down changes its
position, yet the thumb, drawn in eighths of a cell, mostly stays where it was. Textual repaints
the scrollbar on every change of those reactives (~0.75 ms for a 37-line bar), and a repainted
vertical bar makes the frame re-divide every line of the screen beside it; measured in
benchmarks/key_latency.py, those frames are what keys would wait behind.

``thumb`` repeats the arithmetic of Textual's ``ScrollBarRender.render_bar`` (8.x) to tell
whether the drawing would differ; the reactives are then set without their repaint, and the bar
is refreshed only when it would.
"""

from __future__ import annotations

from math import ceil

from textual.scrollbar import ScrollBar

__all__ = ["set_quietly", "thumb"]

_EIGHTHS = 8
"""Glyphs per cell in ``ScrollBarRender.VERTICAL_BARS`` / ``HORIZONTAL_BARS``."""


def thumb(bar: ScrollBar) -> tuple[int, int, int] | None:
    """What the bar draws: (length in cells, thumb start, thumb end in eighths); ``None``: no thumb."""
    size = bar.size.height if bar.vertical else bar.size.width
    virtual_size = ceil(bar.window_virtual_size)
    window_size = ceil(bar.window_size if bar.window_size < bar.window_virtual_size else 0)
    if not (window_size and size and virtual_size and size != virtual_size):
        return None
    thumb_size = max(1, window_size / (virtual_size / size))
    position = (size - thumb_size) * (bar.position / (virtual_size - window_size))
    start = int(position * _EIGHTHS)
    return size, start, start + ceil(thumb_size * _EIGHTHS)


def set_quietly(bar: ScrollBar, *, virtual_size: int | None = None, window_size: int | None = None,
                position: float | None = None) -> None:
    """Set the bar's reactives; repaint it only if its thumb is drawn differently."""
    before = thumb(bar)
    if virtual_size is not None:
        bar.set_reactive(ScrollBar.window_virtual_size, virtual_size)
    if window_size is not None:
        bar.set_reactive(ScrollBar.window_size, window_size)
    if position is not None:
        bar.set_reactive(ScrollBar.position, bar.validate_position(position))
    if thumb(bar) != before:
        bar.refresh()
