"""Everything the screens know about Affinity, with no textual import."""

from .errors import UserFacingError
from .session import AffinitySession, TenantInfo
from .sources.lists import ListSummary, SavedViewSummary

__all__ = ["AffinitySession", "ListSummary", "SavedViewSummary", "TenantInfo", "UserFacingError"]
