"""The detail screen's Related section: a line per related record the cursor can land on
(``enter`` opens its detail), with the lists that hold it and their Status."""

from __future__ import annotations

from rich.text import Text

from ..data.related import Related, RelatedGroup, RelatedRecord
from ..data.rows import cell_width
from ..widgets.detail_items import Line

NAME_WIDTH = 34
"""Cells for the related record's name before its lists."""
HOLDINGS_SHOWN = 3
"""Lists named per record; more are counted."""


def related_lines(related: Related) -> tuple[Text, list[Line]]:
    """The heading and the lines of the Related section."""
    counts = " · ".join(group.count_text() for group in related.groups)
    heading = Text.assemble(("Related", "bold underline"), (f"  {counts}", "dim"))
    if related.empty:
        return heading, [Line(Text("No related people, companies or opportunities.", style="dim"))]
    heading.append("  enter opens", style="dim")
    lines: list[Line] = []
    for group in related.groups:
        if not group.total:
            continue
        lines.append(Line(Text(group.title, style="bold")))
        lines.extend(Line(_record_text(record), record) for record in group.records)
        if group.more:
            lines.append(Line(_more_text(group)))
    return heading, lines


def _record_text(record: RelatedRecord) -> Text:
    name = record.name if cell_width(record.name) <= NAME_WIDTH else record.name[: NAME_WIDTH - 1] + "…"
    text = Text.assemble("  ", (name, "cyan"), " " * max(2, NAME_WIDTH + 2 - cell_width(name)))
    if not record.holdings_known:
        text.append("lists not read", style="dim")
        return text
    if not record.holdings:
        text.append("on no list", style="dim")
        return text
    for index, holding in enumerate(record.holdings[:HOLDINGS_SHOWN]):
        if index:
            text.append(" · ", style="dim")
        text.append(holding.list_name)
        if holding.status:
            text.append(": ", style="dim")
            text.append(holding.status, style=holding.style or "")
    extra = len(record.holdings) - HOLDINGS_SHOWN
    if extra > 0:
        text.append(f" · {extra} more lists", style="dim")
    return text


def _more_text(group: RelatedGroup) -> Text:
    one, many = ("one more", f"{group.more:,} more")
    return Text(f"  … {one if group.more == 1 else many} not shown (the first {len(group.records)} "
                f"of {group.count_text()} are)", style="dim italic")
