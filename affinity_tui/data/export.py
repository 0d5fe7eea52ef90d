"""Export the rows a table has loaded to a CSV file the user can open in a spreadsheet.

``export_csv(columns, rows)`` writes what the user sees — the column titles, then each row's
display text — to ``<downloads>/affinity-tui-<what>-<YYYYmmdd-HHMMSS>.csv`` and returns the
path, so the UI can say where the file went. The folder is, first match wins: the ``directory``
argument, the ``AFFINITY_TUI_EXPORT_DIR`` environment variable, the platform's downloads folder
(``platformdirs.user_downloads_path()``). It is created if missing; an existing file is never
overwritten (a ``-2``, ``-3`` … suffix is added).

The file is readable by its owner only (created 0600: it holds CRM data), UTF-8 (no byte-order
mark unless ``bom=True``, which Excel on Windows needs to read non-ASCII names),
comma-separated, every field quoted when needed, ``\\r\\n`` line ends.

**Formula injection is defused.** CRM text is typed by anyone, and a spreadsheet runs a cell
that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return) as a formula —
``=HYPERLINK(...)`` or ``@SUM(...)`` could leak data or run commands. Such cells get a leading
``'`` so they open as text. Plain negative numbers (``-12``, ``-$1,500.50``, ``-3.5%``) can't
be formulas and are left as they are so amounts stay numbers. Header titles are treated the
same way.

Writing is blocking file I/O: call it from a worker thread, not the event loop.
"""

from __future__ import annotations

import csv
import os
import re
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TextIO

import platformdirs

from .rows import Column, Row

EXPORT_DIR_ENV = "AFFINITY_TUI_EXPORT_DIR"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NEGATIVE = re.compile(r"-\$?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?%?")
_SLUG_CHARS = re.compile(r"[^a-z0-9]+")
MAX_SLUG = 40


def defuse_formula(cell: str) -> str:
    """``cell`` as a spreadsheet will show it as text, never run it as a formula."""
    if cell.startswith(FORMULA_PREFIXES) and not _PLAIN_NEGATIVE.fullmatch(cell):
        return "'" + cell
    return cell


def export_slug(what: str) -> str:
    """``Deal Pipeline — Active deals`` → ``deal-pipeline-active-deals`` (safe in a file name)."""
    slug = _SLUG_CHARS.sub("-", what.casefold()).strip("-")[:MAX_SLUG].strip("-")
    return slug or "export"


def export_dir(directory: Path | None = None) -> Path:
    """Where exports go: ``directory``, else ``$AFFINITY_TUI_EXPORT_DIR``, else Downloads."""
    if directory is not None:
        return Path(directory).expanduser()
    configured = os.environ.get(EXPORT_DIR_ENV, "").strip()
    if configured:
        return Path(configured).expanduser()
    return Path(platformdirs.user_downloads_path())


def export_csv(columns: Sequence[Column], rows: Iterable[Row], path: Path | None = None, *,
               what: str = "export", directory: Path | None = None, now: datetime | None = None,
               bom: bool = False) -> Path:
    """Write ``rows`` (their display ``cells``) under ``columns``' titles; return the file's path.

    ``path`` writes exactly there (overwriting); otherwise a new file named after ``what`` and
    ``now`` (default: the local time) goes into ``export_dir(directory)``. Raises ``OSError``
    when the folder or file cannot be written (no partial new file is left behind).
    """
    if path is None:
        folder = export_dir(directory)
        folder.mkdir(parents=True, exist_ok=True)
        stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
        stem = f"affinity-tui-{export_slug(what)}-{stamp}"
        return _write_new(folder, stem, columns, rows, bom)
    path = Path(path).expanduser()
    path.parent.mkdir(parents=True, exist_ok=True)
    with _private(path, os.O_TRUNC, bom) as handle:
        _write(handle, columns, rows)
    return path


def _private(path: Path, flag: int, bom: bool) -> TextIO:
    """``path`` opened for writing, created readable by its owner only (0600): an export holds
    CRM data. Raises ``FileExistsError`` for ``os.O_EXCL`` when it exists."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | flag, 0o600)
    return os.fdopen(fd, "w", encoding="utf-8-sig" if bom else "utf-8", newline="")


def export_records_csv(titles: Sequence[str], records: Iterable[Sequence[str | int | float]], *,
                       what: str = "export", directory: Path | None = None, now: datetime | None = None,
                       bom: bool = False) -> Path:
    """Write ``records`` under ``titles`` to a new file in ``export_dir(directory)`` (named as
    by `export_csv`); return its path. Numbers are written as numbers; text is defused."""
    folder = export_dir(directory)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")

    def write(handle: TextIO) -> None:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow([defuse_formula(title) for title in titles])
        for record in records:
            writer.writerow([defuse_formula(cell) if isinstance(cell, str) else cell for cell in record])

    return _new_file(folder, f"affinity-tui-{export_slug(what)}-{stamp}", write, bom)


def _write_new(folder: Path, stem: str, columns: Sequence[Column], rows: Iterable[Row], bom: bool) -> Path:
    return _new_file(folder, stem, lambda handle: _write(handle, columns, rows), bom)


def _new_file(folder: Path, stem: str, write: Callable[[TextIO], None], bom: bool) -> Path:
    for attempt in range(1, 1000):
        candidate = folder / (f"{stem}.csv" if attempt == 1 else f"{stem}-{attempt}.csv")
        try:
            handle = _private(candidate, os.O_EXCL, bom)
        except FileExistsError:
            continue
        try:
            with handle:
                write(handle)
        except BaseException:
            candidate.unlink(missing_ok=True)  # no half-written export left behind
            raise
        return candidate
    raise FileExistsError(f"Too many exports named {stem}*.csv in {folder}")


def _write(handle: TextIO, columns: Sequence[Column], rows: Iterable[Row]) -> None:
    writer = csv.writer(handle, lineterminator="\r\n")
    writer.writerow([defuse_formula(column.title) for column in columns])
    for row in rows:
        writer.writerow([defuse_formula(cell) for cell in row.cells])
