"""Request and response plumbing shared by the v1 and v2 routes.

The parts real clients are picky about live here, once: repeated query keys and form-encoded
booleans; opaque v2 cursors that carry the whole original query (the SDK follows ``nextUrl``
verbatim and never re-adds parameters); ``nextUrl`` built from the incoming request's own
scheme, host and port (the SDK refuses any other host); v1 page tokens that must be re-sent
with identical parameters; and the two error envelopes.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

T = TypeVar("T")

V2_ERROR_CODES = {400: "bad-request", 401: "authentication", 403: "authorization", 404: "not-found",
                  405: "method-not-allowed", 406: "not-acceptable", 409: "conflict",
                  415: "unsupported-media-type", 422: "unprocessable-entity", 429: "rate-limit",
                  500: "server", 501: "not-implemented", 503: "server"}


class ApiError(Exception):
    """Raised by a route to answer with an error envelope (v1 or v2, chosen by the path)."""

    def __init__(self, status: int, message: str, *, param: str | None = None,
                 code: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.param = param
        self.code = code or ("validation" if param is not None and status == 400
                             else V2_ERROR_CODES.get(status, "server"))

    def body(self, v2: bool) -> dict[str, Any]:
        item: dict[str, Any] = {"code": self.code, "message": self.message} if v2 else {"message": self.message}
        if self.param is not None:
            item["param"] = self.param
        return {"errors": [item]}


def not_found(what: str, ident: object) -> ApiError:
    return ApiError(404, f"{what} {ident} not found")


def json_response(data: Any, status: int = 200) -> Response:
    return JSONResponse(data, status_code=status)


def no_content() -> Response:
    return Response(status_code=204)


# ---- query parameters ----------------------------------------------------------------------
TRUE_WORDS = {"true", "1", "yes"}
FALSE_WORDS = {"false", "0", "no"}


class Query:
    """A request's query, or, when it carries a v2 cursor, the query the cursor remembers."""

    def __init__(self, pairs: list[tuple[str, str]], offset: int = 0) -> None:
        self.pairs = pairs
        self.offset = offset

    @classmethod
    def of(cls, request: Request) -> Query:
        pairs = list(request.query_params.multi_items())
        cursor = request.query_params.get("cursor")
        if cursor:
            return decode_cursor(cursor)
        return cls(pairs)

    def get(self, key: str) -> str | None:
        for k, v in self.pairs:
            if k == key:
                return v
        return None

    def getlist(self, key: str) -> list[str]:
        """Repeated keys (``fieldIds=a&fieldIds=b``); tolerate ``key[]`` spellings too."""
        return [v for k, v in self.pairs if k in (key, f"{key}[]")]

    def bool(self, key: str, default: bool = False) -> bool:
        raw = self.get(key)
        if raw is None:
            return default
        word = raw.strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise ApiError(400, f"{key} must be a boolean", param=key)

    def int(self, key: str, default: int | None = None, *, lo: int | None = None,
            hi: int | None = None) -> int | None:
        raw = self.get(key)
        if raw is None or raw == "":
            return default
        try:
            value = int(raw)
        except ValueError:
            raise ApiError(400, f"{key} must be an integer", param=key) from None
        if lo is not None and value < lo:
            raise ApiError(400, f"{key} must be greater than or equal to {lo}", param=key)
        if hi is not None and value > hi:
            raise ApiError(400, f"{key} must be less than or equal to {hi}", param=key)
        return value

    def without(self, *keys: str) -> list[tuple[str, str]]:
        return [(k, v) for k, v in self.pairs if k not in keys]


def encode_cursor(offset: int, pairs: list[tuple[str, str]]) -> str:
    raw = json.dumps({"o": offset, "p": pairs}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> Query:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()))
        return Query([(str(k), str(v)) for k, v in data["p"]], int(data["o"]))
    except (binascii.Error, ValueError, KeyError, TypeError):
        raise ApiError(400, "cursor is invalid or expired", param="cursor") from None


def base_url(request: Request) -> str:
    """scheme://host[:port] exactly as the client addressed us (SDK SafeFollowUrl needs it)."""
    host = request.headers.get("host") or request.url.netloc
    return f"{request.url.scheme}://{host}"


# ---- v2 pagination -------------------------------------------------------------------------
@dataclass
class Page:
    items: Sequence[Any]
    next_url: str | None
    prev_url: str | None
    total: int


def page_v2(request: Request, q: Query, items: Sequence[T], *, default_limit: int = 100,
            max_limit: int = 100, min_limit: int = 1) -> Page:
    """Slice `items` for this request and build absolute ``nextUrl``/``prevUrl``."""
    limit = q.int("limit", default_limit, lo=min_limit, hi=max_limit)
    assert limit is not None
    start = min(q.offset, len(items))
    chunk = items[start:start + limit] if limit else []
    remember = q.without("cursor")
    here = f"{base_url(request)}{request.url.path}"
    next_url = (f"{here}?{urlencode([('cursor', encode_cursor(start + limit, remember))])}"
                if limit and start + limit < len(items) else None)
    prev_url = (f"{here}?{urlencode([('cursor', encode_cursor(max(0, start - (limit or 1)), remember))])}"
                if start > 0 else None)
    return Page(chunk, next_url, prev_url, len(items))


def paged_body(page: Page, data: list[Any], *, total_count: bool = False) -> dict[str, Any]:
    pagination: dict[str, Any] = {"prevUrl": page.prev_url, "nextUrl": page.next_url}
    if total_count:
        pagination["totalCount"] = page.total
    return {"data": data, "pagination": pagination}


# ---- v1 pagination -------------------------------------------------------------------------
def page_v1(q: Query, items: Sequence[T], *, default_size: int = 500,
            max_size: int = 500) -> tuple[Sequence[T], str | None]:
    """v1 page tokens: base64 JSON of the other params, page size and offset. Re-sending a
    token with different parameters is refused, as Affinity does."""
    params = {k: v for k, v in q.pairs if k not in ("page_token", "page_size")}
    size = q.int("page_size", default_size, lo=1, hi=max_size)
    assert size is not None
    offset = 0
    token = q.get("page_token")
    if token:
        try:
            padded = token + "=" * (-len(token) % 4)
            data = json.loads(base64.b64decode(padded.encode()))
            offset = int(data["offset"])
            same = data.get("params") == params
        except (binascii.Error, ValueError, KeyError, TypeError):
            same = False
        if not same:
            raise ApiError(422, "Invalid page_token variable", param="page_token")
    chunk = items[offset:offset + size]
    next_token = None
    if offset + size < len(items):
        raw = json.dumps({"params": params, "page_size": size, "offset": offset + size},
                         separators=(",", ":")).encode()
        next_token = base64.b64encode(raw).decode()
    return chunk, next_token


def read_json(raw: bytes) -> Any:
    if not raw:
        raise ApiError(400, "A JSON body is required")
    try:
        return json.loads(raw)
    except ValueError:
        raise ApiError(400, "The body is not valid JSON") from None
