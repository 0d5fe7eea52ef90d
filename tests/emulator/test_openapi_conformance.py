"""Every path of the published v2 OpenAPI document (2024-01-01), answered by the emulator,
validates against the document's response schema: success bodies, with and without optional
query parameters, page 2 through ``nextUrl``, and the documented error bodies (404, 400).

The document is kept beside this test with its prose stripped (``openapi/``, written by
``scripts/strip_openapi.py`` from the published one)."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
from jsonschema import Draft202012Validator

from affinity_tui.emulator import Emulator
from affinity_tui.emulator.tenant import DEAL_PIPELINE_ID

SPEC_PATH = Path(__file__).resolve().parent / "openapi" / "affinity-v2-2024-01-01.json"
SPEC: dict[str, Any] = json.loads(SPEC_PATH.read_text())
METHODS = ("get", "post", "patch", "delete", "put")


def _schema_validator(schema: dict[str, Any]) -> Draft202012Validator:
    # Refs are "#/components/...": keep the components beside the schema so they resolve.
    return Draft202012Validator({"components": SPEC["components"], "allOf": [schema]})


def _response_schema(path: str, method: str, status: int) -> dict[str, Any] | None:
    responses = SPEC["paths"][path][method]["responses"]
    resp = responses.get(str(status)) or responses.get("default")
    if resp is None:
        return None
    if "$ref" in resp:
        name = resp["$ref"].rsplit("/", 1)[-1]
        resp = SPEC["components"]["responses"][name]
    content = resp.get("content", {}).get("application/json")
    return content["schema"] if content else None


def _ids(emu: Emulator) -> dict[str, str]:
    s = emu.store
    entry = s.list_entries(DEAL_PIPELINE_ID)[0]
    note = next(n for n in s.notes.values() if n.company_ids and n.person_ids and n.opportunity_ids)
    view = next(v for v in s.saved_views.values() if v.list_id == DEAL_PIPELINE_ID and v.type == "sheet")
    status = next(f for f in s.list_fields(DEAL_PIPELINE_ID) if f.name == "Status")
    company = note.company_ids[0]
    return {"companyId": str(company), "personId": str(note.person_ids[0]),
            "opportunityId": str(note.opportunity_ids[0]), "listId": str(DEAL_PIPELINE_ID),
            "listEntryId": str(entry.id), "fieldId": status.id, "viewId": str(view.id), "noteId": str(note.id),
            "mergeId": "1", "taskId": "1"}


def _fill(path: str, ids: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: ids[m.group(1)], path)


def _variants(op: dict[str, Any]) -> list[list[tuple[str, str]]]:
    """The plain request, then one that sets every optional enum/boolean query parameter."""
    full: list[tuple[str, str]] = []
    for param in op.get("parameters", []):
        if "$ref" in param:
            param = SPEC["components"]["parameters"][param["$ref"].rsplit("/", 1)[-1]]
        if param.get("in") != "query":
            continue
        schema = param.get("schema", {})
        enum = schema.get("items", {}).get("enum") if schema.get("type") == "array" else schema.get("enum")
        if enum:
            full += [(param["name"], v) for v in enum]
        elif schema.get("type") == "boolean":
            full.append((param["name"], "true"))
    return [[], full] if full else [[]]


def _validate(path: str, method: str, response: httpx.Response) -> None:
    schema = _response_schema(path, method, response.status_code)
    if response.status_code == 204:
        assert response.content == b""
        return
    assert schema is not None, f"{method.upper()} {path}: status {response.status_code} is not documented"
    errors = sorted(_schema_validator(schema).iter_errors(response.json()), key=lambda e: list(e.path))
    assert not errors, f"{method.upper()} {path} -> {response.status_code}: " + "; ".join(
        f"{list(e.path)}: {e.message[:200]}" for e in errors[:5])


@pytest.fixture(scope="module", params=[False, True], ids=["demo", "hostile"])
def emu(request: pytest.FixtureRequest) -> Emulator:
    """The demo tenant, and the hostile one (its text must not break any response shape)."""
    from .conftest import NOW
    from affinity_tui.emulator import EmulatorConfig

    return Emulator(EmulatorConfig(now=NOW, hostile=request.param))


GET_PATHS = [p for p, ops in SPEC["paths"].items() if "get" in ops]


@pytest.mark.parametrize("path", GET_PATHS)
async def test_get_responses_validate(emu: Emulator, path: str) -> None:
    ids = _ids(emu)
    url = _fill(path, ids)
    op = SPEC["paths"][path]["get"]
    async with httpx.AsyncClient(transport=emu.transport(), base_url=emu.v1_base_url,
                                 headers={"Authorization": f"Bearer {emu.api_key}"}) as http:
        for params in _variants(op):
            params = [*params, ("limit", "2")] if any(
                (p.get("name") == "limit" or p.get("$ref", "").endswith("limit")) for p in op.get("parameters", [])
            ) else params
            response = await http.get(url, params=params)
            if "{mergeId}" in path or "{taskId}" in path:
                assert response.status_code == 404
            else:
                assert response.status_code == 200, f"GET {url}: {response.status_code} {response.text[:300]}"
            _validate(path, "get", response)
            body = response.json()
            next_url = body.get("pagination", {}).get("nextUrl") if isinstance(body, dict) else None
            if next_url:
                assert next_url.startswith(emu.v1_base_url + "/v2/")
                page2 = await http.get(next_url)
                assert page2.status_code == 200
                _validate(path, "get", page2)


@pytest.mark.parametrize("path", [p for p in GET_PATHS if "{" in p])
async def test_not_found_bodies_validate(emu: Emulator, path: str) -> None:
    ids = {k: "999999999" for k in _ids(emu)}
    ids["listId"] = str(DEAL_PIPELINE_ID) if path.count("{") > 1 else "999999999"
    ids["fieldId"] = "field-999999"
    async with httpx.AsyncClient(transport=emu.transport(), base_url=emu.v1_base_url,
                                 headers={"Authorization": f"Bearer {emu.api_key}"}) as http:
        response = await http.get(_fill(path, ids))
    assert response.status_code == 404
    _validate(path, "get", response)


async def test_bad_limit_is_a_validation_error(emu: Emulator) -> None:
    async with httpx.AsyncClient(transport=emu.transport(), base_url=emu.v1_base_url,
                                 headers={"Authorization": f"Bearer {emu.api_key}"}) as http:
        response = await http.get("/v2/companies", params={"limit": "500"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["param"] == "limit"
    _validate("/v2/companies", "get", response)


async def test_field_writes_validate(emu: Emulator) -> None:
    ids = _ids(emu)
    s = emu.store
    amount = next(f for f in s.list_fields(DEAL_PIPELINE_ID) if f.name == "Amount")
    status = next(f for f in s.list_fields(DEAL_PIPELINE_ID) if f.name == "Status")
    base = f"/v2/lists/{ids['listId']}/list-entries/{ids['listEntryId']}/fields"
    async with httpx.AsyncClient(transport=emu.transport(), base_url=emu.v1_base_url,
                                 headers={"Authorization": f"Bearer {emu.api_key}"}) as http:
        r = await http.post(f"{base}/{amount.id}", json={"value": {"type": "number", "data": 1234}})
        assert r.status_code == 204
        _validate("/v2/lists/{listId}/list-entries/{listEntryId}/fields/{fieldId}", "post", r)
        r = await http.patch(base, json={"operation": "update-fields", "updates": [
            {"id": status.id, "value": {"type": "ranked-dropdown", "data": {"dropdownOptionId": status.options[2].id}}},
            {"id": amount.id, "value": {"type": "number", "data": 99}}]})
        assert r.status_code == 200
        _validate("/v2/lists/{listId}/list-entries/{listEntryId}/fields", "patch", r)
        bad = await http.post(f"{base}/{amount.id}", json={"value": {"type": "text", "data": "x"}})
        assert bad.status_code == 400
        _validate("/v2/lists/{listId}/list-entries/{listEntryId}/fields/{fieldId}", "post", bad)
    entry = s.entries[int(ids["listEntryId"])]
    assert entry.values[amount.id] == 99 and entry.values[status.id] == status.options[2].id


def _strip_script() -> ModuleType:
    path = Path(__file__).resolve().parents[2] / "scripts" / "strip_openapi.py"
    spec = importlib.util.spec_from_file_location("strip_openapi", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_kept_document_is_what_the_script_writes() -> None:
    """Stripping the kept copy again changes nothing, byte for byte: it is the script's output."""
    script = _strip_script()
    assert script.dump(script.strip_document(SPEC)) == SPEC_PATH.read_text()
    assert SPEC["info"]["version"] == "2024-01-01" and len(SPEC["paths"]) == 42


def test_strip_drops_prose_but_keeps_names() -> None:
    script = _strip_script()
    doc = {"openapi": "3.1.1", "info": {"title": "T", "description": "long", "x-affinity-api-version": "v"},
           "paths": {"/a": {"get": {"summary": "s", "operationId": "o", "tags": ["t"], "responses": {
               "200": {"description": "OK", "headers": {"X": {}}, "content": {"application/json": {
                   "examples": {}, "schema": {"$ref": "#/components/schemas/A"}}}}}}}},
           "components": {"examples": {"e": {}}, "schemas": {
               "A": {"title": "A", "type": "object", "x-stability-level": "beta", "properties": {
                   "description": {"type": "string", "description": "prose", "example": "x"},
                   "title": {"$ref": "#/components/schemas/B"}}},
               "B": {"type": "string", "examples": ["b"]}, "Unused": {"type": "string"}}}}
    assert script.strip_document(doc) == {
        "openapi": "3.1.1", "info": {"title": "T", "version": "v"},
        "paths": {"/a": {"get": {"responses": {"200": {"content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/A"}}}}}}}},
        "components": {"schemas": {
            "A": {"type": "object", "properties": {"description": {"type": "string"},
                                                   "title": {"$ref": "#/components/schemas/B"}}},
            "B": {"type": "string"}}}}
