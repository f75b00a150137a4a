"""Name folding for organizations: the keys used to block and compare names in resolution.

Three forms of a name:

- :func:`name_key`: lower-case ASCII words, punctuation dropped ("ACME, Inc." → "acme inc");
  stored on the organization and used for search.
- :func:`core_name`: the key without legal forms ("Co., Ltd.", "GmbH", "S.A. de C.V.", found
  by rigour's database of organization types) and without filler words ("the", "company");
  two spellings of one company usually agree here.
- :func:`name_tokens`: the words of the core name that are worth blocking on.
"""

from __future__ import annotations

from functools import lru_cache

from normality import normalize
from rigour.names import remove_org_types

#: Words that say nothing about which company it is. Most legal forms are removed by rigour
#: first; these are what it leaves when a source abbreviates oddly ("Corp.", "Pvt.", "K.K.").
FILLER_WORDS = frozenset(
    {
        "the",
        "and",
        "of",
        "de",
        "del",
        "la",
        "le",
        "les",
        "der",
        "die",
        "das",
        "et",
        "y",
        "co",
        "company",
        "companies",
        "corp",
        "corporation",
        "inc",
        "incorporated",
        "ltd",
        "limited",
        "llc",
        "llp",
        "lp",
        "plc",
        "pvt",
        "private",
        "pty",
        "sab",
        "cv",
        "sa",
        "srl",
        "spa",
        "bv",
        "nv",
        "ag",
        "gmbh",
        "kk",
        "kg",
        "ab",
        "as",
        "oy",
        "tbk",
        "bhd",
        "sdn",
        "jsc",
        "ooo",
    }
)

#: Shortest token used for blocking: shorter ones match too much.
MIN_TOKEN = 2

#: Longest stored token (the column size); longer words are cut.
MAX_TOKEN = 64


def name_key(name: str) -> str:
    """Lower-case ASCII words of a name, punctuation dropped ("ACME, Inc." → "acme inc")."""
    return normalize(name, ascii=True) or ""


@lru_cache(maxsize=200_000)
def core_name(name: str) -> str:
    """The name without legal forms and filler words, folded; the key when nothing is left."""
    stripped = remove_org_types(name.casefold())
    words = [w for w in (normalize(stripped, ascii=True) or "").split() if w not in FILLER_WORDS]
    # Single letters left over from dotted abbreviations ("S.A.B." → "b") carry nothing.
    words = [w for w in words if len(w) > 1 or w.isdigit()]
    return " ".join(words) or name_key(name)


def name_tokens(name: str) -> set[str]:
    """The words of the core name that are used to find candidate organizations."""
    return {t[:MAX_TOKEN] for t in core_name(name).split() if len(t) >= MIN_TOKEN}
