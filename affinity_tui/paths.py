"""Where the app's files live, whether it runs from a checkout or from an installed wheel."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def styles_dir() -> Path:
    """The ``styles/`` directory of ``.tcss`` files.

    A checkout keeps it at the repository root; the wheel ships it as ``affinity_tui/styles``
    (``[tool.hatch.build.targets.wheel.force-include]``).
    """
    for candidate in (_PACKAGE / "styles", _PACKAGE.parent / "styles"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"No styles directory next to {_PACKAGE}; the installation is incomplete.")
