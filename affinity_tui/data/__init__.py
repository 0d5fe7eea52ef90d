"""Everything the screens know about Affinity, with no textual import (see design.md)."""

from .errors import UserFacingError
from .session import AffinitySession, ListSummary, SavedViewSummary, TenantInfo

__all__ = ["AffinitySession", "ListSummary", "SavedViewSummary", "TenantInfo", "UserFacingError"]
