"""What a background revalidation changed in a table that was painted from the cache.

Most of the time nothing, or a few cells: those rows are redrawn in place (``changed``; the
table's ``replace_rows``, which never moves a row from under the cursor). When rows came or went,
the page that was asked again is spliced into the rows already loaded (``page``): its old rows
are replaced by the fresh ones where they stood, a row that moved in from another page is taken
from there, and the cursor stays on its row (the table's ``set_rows`` keeps it by key).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ..rows import Column, Row


@dataclass(frozen=True, slots=True)
class Revision:
    """One revalidation's outcome for the table (see the module docstring)."""

    changed: list[Row] = field(default_factory=list)
    """Rows whose cells changed; same keys, same places."""
    page: tuple[tuple[int, ...], list[Row]] | None = None
    """When rows came or went: the keys the page had, and the rows it has now."""
    rows: list[Row] | None = None
    """Every row, in order (a table that is one page, like the lists)."""
    columns: tuple[Column, ...] | None = None
    """New columns (the fields changed): every row is then in ``rows``."""
    has_more: bool | None = None
    """Whether more pages follow, when that changed."""

    @property
    def empty(self) -> bool:
        """True when nothing changed."""
        return not self.changed and self.page is None and self.rows is None and self.columns is None \
            and self.has_more is None


def changed_rows(old: Sequence[Row], new: Sequence[Row]) -> Revision:
    """Compare a page as cached (``old``) with the same page as Affinity gives it now (``new``)."""
    old_keys = tuple(row.key for row in old)
    if old_keys != tuple(row.key for row in new):
        return Revision(page=(old_keys, list(new)))
    return Revision(changed=[b for a, b in zip(old, new, strict=True) if _shown(a) != _shown(b)])


def _shown(row: Row) -> tuple[object, ...]:
    return row.cells, row.styles, tuple(sorted(row.extra.items())), row.entity_id


def splice_page(loaded: Sequence[Row], old_keys: Sequence[int], fresh: Sequence[Row]) -> list[Row]:
    """``loaded`` with the page that held ``old_keys`` replaced by ``fresh`` (see the module
    docstring). Rows of the old page that are gone are dropped; rows of ``fresh`` that were
    loaded elsewhere move here. A page none of whose old rows are loaded goes at the end."""
    old = set(old_keys)
    fresh_keys = {row.key for row in fresh}
    out: list[Row] = []
    placed = False
    for row in loaded:
        if row.key in old:
            if not placed:
                out.extend(fresh)
                placed = True
            continue
        if row.key in fresh_keys:
            continue  # moved into the fresh page
        out.append(row)
    if not placed:
        out.extend(fresh)
    return out
