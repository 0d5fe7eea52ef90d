"""The figures the reliability suite proves, collected while it runs and printed as one table at
the end of the pytest run (``conftest.pytest_terminal_summary``).

Each test records what it measured here; the test itself fails when its figure falls short, and
the summary fails the run too (``failing``), so a figure can never be printed green while wrong.
A run that does not reach a test (``pytest tests/data``) prints nothing for it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ACTIONS = ("open lists", "open a list", "next page", "filter", "saved view", "people search", "detail parts",
           "board", "reminders", "Status move", "field edit", "add to list", "note save", "reminder save", "reminder complete")
"""Rows of the fault matrix, in the order they are printed."""
FAULTS = ("429", "500", "503", "timeout", "dropped", "dropped after", "bad JSON", "401", "403")
"""Columns of the fault matrix: a 429 with Retry-After, server errors, a request that takes
longer than the client waits, a connection dropped before the answer (and, "dropped after",
once the request was carried out), an answer that is not JSON, a key revoked mid-session,
a refusal."""


@dataclass
class Figure:
    """One measured figure and its target."""

    section: str
    name: str
    value: str
    target: str
    ok: bool


@dataclass
class Board:
    """Everything measured in this run."""

    matrix: dict[str, dict[str, str]] = field(default_factory=dict)
    """action → fault → "" (survived) or what went wrong."""
    figures: list[Figure] = field(default_factory=list)

    def cell(self, action: str, fault: str, problems: list[str]) -> None:
        """Record one cell of the fault matrix ("" when it survived)."""
        self.matrix.setdefault(action, {})[fault] = "; ".join(problems)

    def figure(self, section: str, name: str, value: object, target: str, ok: bool) -> None:
        """Record one figure (replacing an earlier one of the same name)."""
        self.figures = [f for f in self.figures if (f.section, f.name) != (section, name)]
        self.figures.append(Figure(section, name, str(value), target, ok))

    @property
    def failing(self) -> list[str]:
        """What fell short: matrix cells and figures."""
        bad = [f"{action} × {fault}: {problem}" for action, row in self.matrix.items()
               for fault, problem in row.items() if problem]
        return bad + [f"{f.section}: {f.name} = {f.value} (target {f.target})" for f in self.figures if not f.ok]

    def lines(self) -> list[str]:
        """The summary as text lines (empty when nothing was measured)."""
        if not self.matrix and not self.figures:
            return []
        out: list[str] = []
        if self.matrix:
            actions = [a for a in ACTIONS if a in self.matrix] + [a for a in self.matrix if a not in ACTIONS]
            width = max(len(a) for a in actions)
            out.append(f"{'':{width}}  " + "  ".join(f"{f:>{max(3, len(f))}}" for f in FAULTS))
            survived = total = 0
            for action in actions:
                row = self.matrix[action]
                marks = []
                for fault in FAULTS:
                    mark = "—" if fault not in row else "✓" if not row[fault] else "✗"
                    survived += fault in row and not row[fault]
                    total += fault in row
                    marks.append(f"{mark:>{max(3, len(fault))}}")
                out.append(f"{action:{width}}  " + "  ".join(marks))
            out.append(f"actions × faults survived: {survived}/{total}")
            out.append("")
        if self.figures:
            name_width = max(len(f.name) for f in self.figures)
            value_width = max(len(f.value) for f in self.figures)
            section = ""
            for f in self.figures:
                if f.section != section:
                    section = f.section
                    out.append(f"{section}:")
                out.append(f"  {'✓' if f.ok else '✗'} {f.name:{name_width}}  {f.value:>{value_width}}   target {f.target}")
        return out


BOARD = Board()
"""The one board of this run."""
