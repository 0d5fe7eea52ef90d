"""Affinity failures in the user's words: what happened and what to do about it.

Every SDK exception that leaves ``data/`` becomes a ``UserFacingError``. Its text is written
here, never copied wholesale from the server (a server may echo the key back), and any server
detail that is quoted goes through ``Secret.scrub`` first.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import httpx
from affinity import exceptions as sdk

from ..config import Secret
from .transport import DroppedConnection


class UserFacingError(Exception):
    """A failure the UI can show as is: a short ``title`` and a ``what_to_do`` sentence."""

    def __init__(self, title: str, what_to_do: str, *, status: int | None = None,
                 retry_after: int | None = None) -> None:
        super().__init__(f"{title}. {what_to_do}")
        self.title = title
        self.what_to_do = what_to_do
        self.status = status
        self.retry_after = retry_after


def translate(error: BaseException, *, key: Secret, key_source: str, base_url: str,
              waiting: float = 0.0) -> UserFacingError:
    """The ``UserFacingError`` for an exception raised by an SDK call (or any other): a title
    and a next step, with the key scrubbed from anything the server said. ``waiting`` is how
    long Affinity's rate limit still asks to wait (the SDK is only ever shown a bounded part).
    Never raises."""
    status = getattr(error, "status_code", None)
    detail = _server_detail(error, key)
    if isinstance(error, sdk.AuthenticationError):
        return UserFacingError(
            "Affinity did not accept the API key",
            f"Check the key (it came from {key_source}; Affinity shows yours under Settings > API), "
            "then press R: affinity-tui tries again without a restart.", status=status)
    if isinstance(error, sdk.AuthorizationError):
        return UserFacingError(
            "Your Affinity user may not see this",
            f"Ask an Affinity admin for access.{detail}", status=status)
    if isinstance(error, sdk.NotFoundError):
        return UserFacingError(
            "Not found in Affinity",
            "It may have been deleted, or you may no longer have access to it.", status=status)
    if isinstance(error, sdk.RateLimitError):
        seconds = max(round(waiting), error.retry_after or 0) if waiting else error.retry_after
        return UserFacingError(
            "Affinity's rate limit was reached",
            f"Wait {_wait_words(seconds)}, then press R to try again.", status=status, retry_after=seconds)
    if isinstance(error, sdk.ServerError):
        return UserFacingError(
            f"Affinity had a server problem (HTTP {status})" if status else "Affinity had a server problem",
            "Press R to try again in a minute; if it persists, check status.affinity.co.", status=status)
    if isinstance(error, sdk.TimeoutError | TimeoutError | httpx.TimeoutException):
        return UserFacingError(
            "Affinity did not answer in time",
            "Press R to try again; if it keeps happening, the network or Affinity is slow right now.")
    # The SDK wraps connect errors, but a connection dropped mid-response comes through as
    # httpx's own RemoteProtocolError/ReadError, and is not retried.
    if isinstance(error, httpx.RemoteProtocolError | httpx.ReadError | httpx.WriteError | DroppedConnection) \
            or isinstance(error.__cause__, DroppedConnection):
        return UserFacingError(
            "The connection to Affinity was interrupted",
            "Press R to try again; if it keeps happening, check your network, proxy or VPN.")
    if isinstance(error, sdk.NetworkError | httpx.TransportError):
        host = urlsplit(base_url).netloc or base_url
        return UserFacingError(
            f"Cannot reach Affinity at {host}",
            "Check your internet connection, proxy or VPN, and AFFINITY_V1_BASE_URL / "
            "AFFINITY_V2_BASE_URL if you set them.")
    if unreadable_answer(error):
        return UserFacingError(
            "Affinity's answer could not be read",
            "Press R to try again; if it keeps happening, a proxy or firewall may be answering "
            "in Affinity's place.")
    if isinstance(error, sdk.WriteNotAllowedError):
        return UserFacingError(
            "affinity-tui is read-only right now",
            "Nothing was changed in Affinity.")
    if isinstance(error, sdk.AffinityError):
        code = f" (HTTP {status})" if status else ""
        return UserFacingError(
            f"Affinity returned an error{code}",
            f"Press R to try again; if it persists, report it with this message.{detail}", status=status)
    return UserFacingError(
        f"Unexpected problem while talking to Affinity ({type(error).__name__})",
        "The rest of the app still works; please report this.")


def unreadable_answer(error: BaseException) -> bool:
    """Whether ``error`` says an answer arrived but was not the JSON Affinity sends (a proxy's
    error page, a body cut short): the request may have been carried out. Never raises."""
    if isinstance(error, ValueError) and not isinstance(error, sdk.AffinityError):
        return True  # json.JSONDecodeError, or a pydantic ValidationError of the answer's shape
    if isinstance(error, sdk.AffinityError) and getattr(error, "status_code", None) is None:
        return isinstance(error.__cause__, ValueError) or "Expected JSON" in str(error)
    return False


def _wait_words(seconds: int | None) -> str:
    if seconds is None:
        return "a minute"
    if seconds < 1:
        return "a moment"
    if seconds == 1:
        return "1 second"
    if seconds < 120:
        return f"{seconds} seconds"
    if seconds < 7200:
        return f"{round(seconds / 60)} minutes"
    return f"{seconds / 3600:.1f} hours"


def _server_detail(error: BaseException, key: Secret) -> str:
    """The server's own explanation (e.g. which permission is missing), key scrubbed, capped."""
    message = getattr(error, "message", None)
    if not isinstance(message, str) or not message.strip():
        return ""
    text = key.scrub(message.strip())
    return f" Affinity says: {text[:200]}"
