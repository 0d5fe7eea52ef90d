"""An emulator of the Affinity CRM REST API (v1 and v2) with a realistic demo tenant.

A separate product inside the package: it imports nothing of the app. Use it in-process
(``Emulator().transport()`` for ``AsyncAffinity(async_transport=...)``) or serve it with
``affinity-tui emulator`` for any HTTP client (the xaffinity CLI, curl, your scripts).
``EmulatorConfig(hostile=True)`` (``--hostile``) serves the same tenant with hostile text
(markup, escape sequences, control characters, scripted HTML, ...; see `hostile`).
"""

from .app import API_VERSIONS, DEFAULT_API_KEY, Emulator, EmulatorConfig, InProcessTransport
from .store import TenantStore
from .tenant import build_demo_tenant

__all__ = ["API_VERSIONS", "DEFAULT_API_KEY", "Emulator", "EmulatorConfig", "InProcessTransport",
           "TenantStore", "build_demo_tenant"]
