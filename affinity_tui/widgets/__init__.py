"""Reusable widgets: the pieces screens are built from (see design.md)."""

from .lazy_table import LazyTable

__all__ = ["LazyTable"]
