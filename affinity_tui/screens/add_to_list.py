"""``a``: the lists a person or company can be added to, filtered as you type.

Lists of its own kind, and the pipelines (opportunity lists), where adding it creates a new
opportunity. A list it is already on says so ("already on it (1 entry)"); choosing it still
only opens the confirmation, which says a second entry will be made.
"""

from __future__ import annotations

from ..widgets.status_picker import FilterPicker


class AddToListScreen(FilterPicker):
    """The list picker of "add to a list" (a `FilterPicker` over list names)."""
