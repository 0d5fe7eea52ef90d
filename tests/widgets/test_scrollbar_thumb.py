"""A scrollbar is repainted when, and only when, its thumb is drawn differently."""

from __future__ import annotations

import itertools
from types import SimpleNamespace
from typing import Any

from rich.segment import Segment
from textual.geometry import Region, Size
from textual.scrollbar import ScrollBarRender

from affinity_tui.widgets import LazyTable
from affinity_tui.widgets.scrollbar_thumb import thumb

from .test_lazy_table import SIZE, Host, page


def drawn(size: int, virtual: int, window: int, position: float, vertical: bool = True) -> list[tuple[str, Any]]:
    """What Textual's renderer draws for those proportions (text and colours of each cell)."""
    bar = ScrollBarRender.render_bar(size=size, virtual_size=virtual, window_size=window if window < virtual else 0,
                                     position=position, vertical=vertical)
    return [(s.text, s.style and (s.style.color, s.style.bgcolor, s.style.reverse))
            for s in bar.segments if isinstance(s, Segment) and s.text != "\n"]


def fake_bar(size: int, virtual: int, window: int, position: float, vertical: bool = True) -> Any:
    return SimpleNamespace(size=Size(1, size) if vertical else Size(size, 1), vertical=vertical,
                           window_virtual_size=virtual, window_size=window, position=int(position * 8) / 8)


def test_same_thumb_means_same_drawing_and_a_different_one_a_different_drawing() -> None:
    states = [(size, virtual, window, position)
              for size, virtual, window in itertools.product((10, 37), (5, 37, 38, 400, 4_601, 100_001), (9, 36))
              for position in (0, 0.5, 1, 7.25, 36, 180.125, max(0, virtual - window))
              if position <= max(0, virtual - window)]
    for vertical in (True, False):
        seen: dict[Any, list[tuple[str, Any]]] = {}
        for size, virtual, window, position in states:
            key = (thumb(fake_bar(size, virtual, window, position, vertical)), size)
            picture = drawn(size, virtual, window, int(position * 8) / 8, vertical)
            if key in seen:
                assert seen[key] == picture, (size, virtual, window, position)
            seen[key] = picture
        by_picture: dict[str, Any] = {}
        for key, picture in seen.items():
            assert by_picture.setdefault(repr(picture), key) == key  # different thumbs draw differently


async def test_a_growing_table_repaints_its_scrollbar_only_when_the_thumb_moves() -> None:
    app = Host(page(0, 2_000))
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(LazyTable)
        await pilot.pause()
        bar = table.vertical_scrollbar
        repaints: list[Any] = []
        refresh = bar.refresh
        bar.refresh = lambda *a, **k: (repaints.append(thumb(bar)), refresh(*a, **k))[1]  # type: ignore[method-assign]

        async def grow(start: int, pages: int) -> None:
            for first in range(start, start + 100 * pages, 100):
                table.loading_more = True  # one line more ("Loading more…"), then the page, then one less
                table.append_rows(page(first, 100))
                table.loading_more = False
                await pilot.pause()

        await grow(2_000, 10)  # at the top the thumb stays put: three size changes a page, no repaint
        assert repaints == []
        await pilot.press("end")  # at the bottom, each page moves the thumb up a little
        await pilot.pause()
        assert repaints, "scrolling to the end moves the thumb"
        await pilot.pause()
        repaints.clear()
        await grow(3_000, 30)
        # Each repaint draws a new thumb; about one a page (Textual repaints on all three changes).
        # On the first page the "Loading more…" line and the scroll that shows it move it too.
        assert all(a != b for a, b in itertools.pairwise(repaints)) and 0 < len(repaints) <= 30 + 2
        assert bar.window_virtual_size == table.virtual_size.height == 6_001
        shown = bar.render_lines(Region(0, 0, 1, bar.size.height))
        refresh()
        assert bar.render_lines(Region(0, 0, 1, bar.size.height)) == shown  # nothing stale on screen
