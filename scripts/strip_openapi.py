"""Strip Affinity's published v2 OpenAPI document down to what the conformance test reads.

``tests/emulator/test_openapi_conformance.py`` validates the emulator's responses against the
document's paths, parameters, request and response schemas and components. Everything else
(descriptions, summaries, examples, titles, tags, operation ids, ``x-`` extensions, response
headers, servers, security) is dropped, and so is every component no path reaches, so the copy
kept in the repository stays small. Run from the repository root with the full document:

    python scripts/strip_openapi.py FULL.json [tests/emulator/openapi/affinity-v2-2024-01-01.json]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

DEFAULT_OUT = Path(__file__).resolve().parents[1] / "tests" / "emulator" / "openapi" / "affinity-v2-2024-01-01.json"

PROSE = frozenset({"description", "summary", "example", "examples", "title", "externalDocs", "tags",
                   "operationId", "headers"})
"""Keywords dropped wherever they are keywords (``headers`` too: the test reads bodies only)."""

NAME_MAPS = frozenset({"properties", "patternProperties", "$defs", "paths", "schemas", "responses",
                       "parameters", "requestBodies", "content", "mapping"})
"""Keywords whose value maps *names* to nodes: a property called ``description`` or ``title``
is a name there, not prose, and is kept."""


def strip(node: Any, *, names: bool = False) -> Any:
    """A copy of `node` without prose keywords; `names` says its keys are names, not keywords."""
    if isinstance(node, list):
        return [strip(item) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if not names and (key in PROSE or key.startswith("x-")):
            continue
        out[key] = strip(value, names=not names and key in NAME_MAPS)
    return out


def _refs(node: Any) -> set[str]:
    if isinstance(node, list):
        return set().union(*(_refs(item) for item in node)) if node else set()
    if not isinstance(node, dict):
        return set()
    found = {node["$ref"]} if isinstance(node.get("$ref"), str) else set()
    return found.union(*(_refs(value) for value in node.values()))


def reachable_components(paths: Any, components: dict[str, Any]) -> dict[str, Any]:
    """The components that `paths` reach, directly or through other components."""
    seen: set[str] = set()
    todo = sorted(_refs(paths))
    while todo:
        ref = todo.pop()
        if ref in seen or not ref.startswith("#/components/"):
            continue
        seen.add(ref)
        section, name = ref.removeprefix("#/components/").split("/", 1)
        todo += sorted(_refs(components[section][name]))
    out: dict[str, Any] = {}
    for ref in sorted(seen):
        section, name = ref.removeprefix("#/components/").split("/", 1)
        out.setdefault(section, {})[name] = components[section][name]
    return out


def strip_document(doc: dict[str, Any]) -> dict[str, Any]:
    """The document as the conformance test needs it."""
    info = doc.get("info", {})
    paths = strip(doc["paths"], names=True)
    components = {section: strip(items, names=True) for section, items in doc.get("components", {}).items()
                  if section not in PROSE}
    return {"openapi": doc["openapi"],
            "info": {"title": info.get("title"), "version": info.get("x-affinity-api-version") or info.get("version")},
            "paths": paths, "components": reachable_components(paths, components)}


def dump(doc: dict[str, Any]) -> str:
    """Compact JSON with one line per path and per component, so a change shows as a small diff."""

    def compact(value: Any) -> str:
        return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))

    def block(mapping: dict[str, Any], indent: str) -> str:
        lines = [f"{indent} {compact(key)}:{compact(value)}" for key, value in sorted(mapping.items())]
        return "{\n" + ",\n".join(lines) + f"\n{indent}}}"

    components = ",\n".join(f"  {compact(section)}:{block(items, '  ')}"
                             for section, items in sorted(doc["components"].items()))
    return (f'{{"openapi":{compact(doc["openapi"])},\n"info":{compact(doc["info"])},\n'
            f'"paths":{block(doc["paths"], "")},\n"components":{{\n{components}\n}}}}\n')


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="the full published OpenAPI document (JSON)")
    parser.add_argument("out", type=Path, nargs="?", default=DEFAULT_OUT, help=f"where to write (default {DEFAULT_OUT})")
    args = parser.parse_args(argv)
    stripped = strip_document(json.loads(args.source.read_text()))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(dump(stripped))
    print(f"{args.out}: {args.out.stat().st_size:,} bytes, {len(stripped['paths'])} paths")
    return 0


if __name__ == "__main__":
    sys.exit(main())
