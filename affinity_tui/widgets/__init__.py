"""Reusable widgets: the pieces screens are built from (see docs/architecture.md)."""

from .lazy_table import LazyTable

__all__ = ["LazyTable"]
