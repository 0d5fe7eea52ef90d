"""``R`` after a failed start: the header asks again who is signed in.

The app reads the tenant and the user once, at start-up; when that failed (Affinity down, no
network), the header says "not connected". Every screen's refresh calls `reconnect`, so the
header comes back with the data once Affinity answers again, without a restart.
"""

from __future__ import annotations

from textual.app import App

from ..data.session import AffinitySession


def reconnect(app: App[object], session: AffinitySession) -> None:
    """Ask for the tenant and user again if they are not known yet (no request otherwise):
    the app's ``load_tenant`` worker, found by name (screens never import the app)."""
    if session.tenant is not None:
        return
    load = getattr(app, "load_tenant", None)
    if callable(load):
        load()
