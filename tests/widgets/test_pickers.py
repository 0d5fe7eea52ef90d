"""The columns picker: chosen and not chosen boxes look different in every theme."""

from __future__ import annotations

from textual.app import App

from affinity_tui.widgets.pickers import CheckList, PickMany


async def test_checked_and_unchecked_boxes_differ_in_every_theme() -> None:
    app: App[None] = App()
    async with app.run_test(size=(60, 12)) as pilot:
        app.push_screen(PickMany("Columns", [("Status", "1", True), ("Amount", "2", False), ("Owners", "3", True)]))
        await pilot.pause()
        boxes = app.screen.query_one(CheckList)
        for theme in sorted(app.available_themes):
            app.theme = theme
            await pilot.pause()
            checked, unchecked = boxes.render_line(2).text, boxes.render_line(1).text
            assert checked[:3] != unchecked[:3], theme
            assert "✓" in checked[:3] and "✓" not in unchecked[:3], theme
        await pilot.press("down", "space")  # toggling shows at once
        assert "✓" in boxes.render_line(1).text[:3]
