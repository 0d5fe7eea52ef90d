"""Filters Affinity's search cannot answer: known before they start, paused when they surprise.

The SDK sends what it can of a filter to Affinity's search (``POST …/list-entries/search``) and
re-checks every entry here; when *no* part can go there (a contains on the entity's name, an
``=`` on a person field, an OR with such a branch) it reads every entry of the list and checks
each one locally: 1,000 requests for a list of 100,000. ``local_scan_reasons`` runs the SDK's
own split on a parsed filter with the list's fields before anything is sent, so the screen
can state that cost and ask first (``data/costs.py``).

The split is the SDK's (``affinity._filtering.search.plan_filter``, a private module, the one
``lists.entries(id).pages(filter=...)`` calls): with the same fields and dropdown options it
decides the same way. It can still be surprised at run time — Affinity refuses the search
(403: the user lacks "Export data from Lists"), or refused it earlier this session — so
``FilteredEntriesCursor`` also stops a local read it was not told to expect after
``ask_above`` requests and raises `ScanPaused`; the screen asks whether to go on.
"""

from __future__ import annotations

from collections.abc import Sequence

from affinity._filtering.search import plan_filter
from affinity.filters import FilterExpression
from affinity.models.entities import DropdownOption, FieldMetadata

from .errors import UserFacingError
from .fields import FieldSet


def local_scan_reasons(expression: FilterExpression, fields: FieldSet) -> list[str] | None:
    """Why every entry would be read and checked on your computer (the SDK's words), or None
    when Affinity's search can answer part of the filter (only matches are read)."""

    def options_for(meta: FieldMetadata) -> Sequence[DropdownOption]:
        return list(meta.dropdown_options or ())

    try:
        plan = plan_filter(expression, list(fields.fields), options_for)
    except Exception:  # noqa: BLE001 - the SDK decides again at run time; the cursor's guard covers it
        return None
    if plan.body is not None:
        return None
    return list(plan.local) or ["no part of the filter can go to Affinity's search"]


class ScanPaused(UserFacingError):
    """A filter that is being answered by reading every entry stopped at the request budget,
    to ask the user whether to go on (nothing failed; the read waits where it is)."""

    def __init__(self, scanned: int, total: int | None) -> None:
        of = f" of {total:,}" if total is not None else ""
        super().__init__("Filtering on your computer",
                         f"Affinity's search cannot answer this filter, so every entry is read and checked here; "
                         f"{scanned:,}{of} read so far.")
        self.scanned = scanned
        self.total = total
