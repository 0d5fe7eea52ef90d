"""Writes to Affinity: each a `WriteAction` that says what it will change, sends exactly its
requests once (never retried), finds out after a timeout whether it landed, and returns what
changed and how to undo it. ``core`` holds the contract; one module per family of writes."""

from .core import (
    Change,
    ChangeFeed,
    UndoOffer,
    WriteAction,
    WriteDone,
    WriteFailed,
    WriteLocked,
    WriteUncertain,
)

__all__ = ["Change", "ChangeFeed", "UndoOffer", "WriteAction", "WriteDone", "WriteFailed", "WriteLocked",
           "WriteUncertain"]
