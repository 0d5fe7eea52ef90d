"""Every public function, method and class of ``affinity_tui/data/`` has a docstring that says
what it returns and what it raises.

Public: a name not starting with ``_``, defined in the module that is checked (not imported into
it). Dunders are not checked. A method or property that overrides a documented one of a base
class shares its docstring (``inspect.getdoc`` finds it), since it keeps the base's promise.
A class must carry its own docstring (the one a dataclass makes up from its signature, or one
inherited from ``Exception``, says nothing).
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import sys
import types
from collections.abc import Iterator

import pytest

import affinity_tui.data

EXEMPT = frozenset({
    # Read-only views of a dataclass field whose name says it all.
    "affinity_tui.data.detail.EntityProfile.email",   # the first of ``emails``
    "affinity_tui.data.detail.EntityProfile.domain",  # the first of ``domains``
})
"""Qualified names that need no docstring, each with its reason."""


def _modules() -> Iterator[types.ModuleType]:
    package = affinity_tui.data
    yield package
    for info in pkgutil.walk_packages(package.__path__, prefix=f"{package.__name__}."):
        yield importlib.import_module(info.name)


def _public(name: str) -> bool:
    return not name.startswith("_")


def _own_docstring(cls: type) -> bool:
    doc = cls.__dict__.get("__doc__")
    if not isinstance(doc, str) or not doc.strip():
        return False
    # dataclasses fill in "Name(field: type, ...)" when a class has no docstring
    return not doc.startswith(f"{cls.__name__}(")


def _members(cls: type) -> Iterator[tuple[str, object]]:
    for name, attribute in vars(cls).items():
        if not _public(name):
            continue
        if isinstance(attribute, staticmethod | classmethod):
            yield name, attribute.__func__
        elif isinstance(attribute, property) or inspect.isfunction(attribute):
            yield name, getattr(cls, name)


def undocumented(module: types.ModuleType) -> list[str]:
    """The qualified names in ``module`` that lack a docstring (``EXEMPT`` left out)."""
    missing: list[str] = []
    for name, value in vars(module).items():
        if not _public(name) or getattr(value, "__module__", None) != module.__name__:
            continue
        qualified = f"{module.__name__}.{name}"
        if inspect.isclass(value):
            if not _own_docstring(value):
                missing.append(qualified)
            for member_name, member in _members(value):
                if not inspect.getdoc(member):
                    missing.append(f"{qualified}.{member_name}")
        elif inspect.isfunction(value) and not inspect.getdoc(value):
            missing.append(qualified)
    return [name for name in missing if name not in EXEMPT]


def test_every_public_name_in_data_has_a_docstring() -> None:
    missing = [name for module in _modules() for name in undocumented(module)]
    assert missing == []


def test_the_check_sees_what_it_looks_for(monkeypatch: pytest.MonkeyPatch) -> None:
    """A synthetic module: an undocumented function, class, method and property are all found;
    an override of a documented method, a private name and an imported one are not."""
    module = types.ModuleType("affinity_tui.data.synthetic")
    monkeypatch.setitem(sys.modules, module.__name__, module)  # where inspect looks for base classes
    source = '''
import json
from dataclasses import dataclass

def bare(): pass

def told():
    """Told."""

def _private(): pass

@dataclass
class Plain:
    x: int

class Shown:
    """Shown."""

    def method(self): pass

    @property
    def prop(self): return 1

    def said(self):
        """Said."""

class Child(Shown):
    """Child."""

    def said(self): pass
'''
    exec(compile(source, module.__name__, "exec", dont_inherit=True), module.__dict__)
    assert undocumented(module) == ["affinity_tui.data.synthetic.bare", "affinity_tui.data.synthetic.Plain",
                                    "affinity_tui.data.synthetic.Shown.method",
                                    "affinity_tui.data.synthetic.Shown.prop"]


def test_exemptions_name_things_that_exist() -> None:
    """An exemption for a name that is gone would hide nothing, but says something false."""
    for qualified in EXEMPT:
        module_name, class_name, member = qualified.rsplit(".", 2)
        cls = getattr(importlib.import_module(module_name), class_name)
        assert member in vars(cls), qualified
