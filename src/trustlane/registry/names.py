"""Name folding for organizations: the key used to block candidates in party resolution."""

from __future__ import annotations

from normality import normalize


def name_key(name: str) -> str:
    """Lower-case ASCII words of a name, punctuation dropped ("ACME, Inc." → "acme inc")."""
    return normalize(name, ascii=True) or ""
