"""The on-disk cache under the sources: what the screens showed, per tenant and user, read back
first and revalidated in the background (``tenant_cache`` says how; ``store`` what is kept)."""

from .settings import CacheSettings, age_text, load_cache_settings
from .tenant_cache import Cached, CachedPage, CachedQuery, TenantCache

__all__ = ["CacheSettings", "Cached", "CachedPage", "CachedQuery", "TenantCache", "age_text",
           "load_cache_settings"]
