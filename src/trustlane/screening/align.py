"""Token alignment between two prepared names: which part of one name answers which part of
the other, and how well.

Equivalences come, strongest first, from: equal text; a shared rigour symbol (the same
given name in two scripts, a nickname, a generic word such as CORP/CORPORATION, a
numeral); spelling similarity (edit distance, Jaro-Winkler on near-equal lengths, phonetic
and consonant-skeleton agreement); an initial. Single tokens are paired greedily by
similarity, which is exact enough for names of a handful of tokens. Only then, among the
tokens left over, runs of two or three adjacent tokens are tried against one token
("SergeiLavrov" / "Sergei Lavrov", "Plat Ono Vich" / "Platonovich") and as acronyms ("PLA"
/ People's Liberation Army): doing it last keeps a comparison in tens of microseconds.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import OSA, JaroWinkler

from trustlane.screening.normalize import (
    SYLLABIC_SCRIPTS,
    EntityKind,
    PreparedName,
    Token,
    phonetic_key,
    skeleton,
)

#: Similarity below which two tokens are not aligned at all.
MIN_PAIR_SIM = 0.6


@dataclass(slots=True)
class TokenMatch:
    """How two strings compare: a similarity and the kind of evidence behind it."""

    sim: float
    how: str  # exact | variant | acronym | initial | phonetic | skeleton | fuzzy | none
    edits: int = 0


@dataclass(slots=True)
class Pair:
    """Tokens of the query (``q``) aligned with tokens of the result (``r``)."""

    q: tuple[int, ...]
    r: tuple[int, ...]
    sim: float
    how: str
    edits: int


@dataclass(slots=True)
class Alignment:
    pairs: list[Pair]
    q_free: list[int]  # query tokens left unaligned
    r_free: list[int]


_NONE = TokenMatch(0.0, "none")


def gendered_pair(a: str, b: str) -> bool:
    """The masculine and feminine forms of one name ("Antonio" / "Antonia", "Joaquin" /
    "Joaquina", "Daniel" / "Daniela", "Ivanov" / "Ivanova"): in Romance and Slavic names
    the ending tells two people apart, it is not a spelling slip."""
    if len(a) > len(b) or (len(a) == len(b) and a.endswith("a")):
        a, b = b, a
    if len(a) < 4 or not b.endswith("a"):
        return False
    if len(b) == len(a):  # stem + "o" / stem + "a"
        return a[-1] == "o" and a[:-1] == b[:-1]
    # stem / stem + "a" after the endings of such masculine names (-in, -el, -ar, -ov):
    # not after "h" or "f" ("Abdullah", "Mustaf"), where a trailing "a" is a slip
    return len(b) == len(a) + 1 and b.startswith(a) and a[-1] in "nlrv"


@lru_cache(maxsize=500_000)
def compare_text(a: str, b: str) -> TokenMatch:
    """Similarity of two token strings on spelling alone (cached: names repeat a lot)."""
    if a == b:
        return TokenMatch(1.0, "exact")
    la, lb = len(a), len(b)
    if la == 1 or lb == 1:
        if (la == 1 and b.startswith(a)) or (lb == 1 and a.startswith(b)):
            return TokenMatch(0.75, "initial")
        return _NONE
    if a.isdigit() or b.isdigit():
        return _NONE
    if gendered_pair(a, b):
        return _NONE
    # A typo does not halve a word: "ramimakhlouf" is "rami" + "makhlouf", not a misspelt
    # "makhlouf" (joins are tried separately), and "bai" is not "baikal".
    if min(la, lb) / max(la, lb) < 0.75:
        return _NONE
    longest = max(la, lb)
    # Optimal string alignment: a swap of neighbours ("adbul" / "abdul") is one edit, as
    # typists make it. Most pairs met in screening are far apart: give up early, cheaply.
    edits = OSA.distance(a, b, score_cutoff=longest // 2 + 1)
    if edits > longest // 2:
        return _NONE
    sim = 1.0 - edits / longest
    # Jaro-Winkler rewards a shared prefix, which says little when lengths differ a lot
    # ("bai" / "baikal") or words are short; it only lifts near-equal lengths.
    if abs(la - lb) <= 2 and min(la, lb) >= 4:
        sim = max(sim, JaroWinkler.similarity(a, b) - 0.15)
    how = "fuzzy"
    pa, pb = phonetic_key(a), phonetic_key(b)
    if pa and pa == pb and a[0] == b[0] and edits <= 2 and min(la, lb) >= 5 and sim < 0.82:
        sim, how = 0.82, "phonetic"
    return TokenMatch(max(0.0, min(sim, 0.97)), how, edits)


@lru_cache(maxsize=200_000)
def compare_romanized(a: str, b: str) -> TokenMatch:
    """Like :func:`compare_text` for a token romanized from another script, where vowels
    and voicing drift between romanizations: equal consonant skeletons count as a match."""
    m = compare_text(a, b)
    if m.sim < 0.8 and m.how != "initial":
        sa, sb = skeleton(a), skeleton(b)
        if sa == sb and len(sa) >= 3:
            return TokenMatch(0.8, "skeleton", m.edits)
    return m


def _token_pair(a: Token, b: Token) -> TokenMatch:
    if a.number is not None or b.number is not None:
        if a.number is not None and a.number == b.number:
            return TokenMatch(1.0, "exact")
        return _NONE
    if a.script != "Latin" or b.script != "Latin":
        m = compare_romanized(a.text, b.text)
        # A romanized Han or Hangul syllable is two to five letters; a letter off is
        # another syllable (Chen / Cheng), so only equal or same-skeleton ones align.
        # A syllable's consonant skeleton is only its onset and coda ("qiang", "kheng",
        # "kang" and "gyeong" all read "kng"): it tells a romanization of the same syllable
        # only when the spellings are also within the edit budget ("zhong" / "chung").
        syllabic = a.script in SYLLABIC_SCRIPTS or b.script in SYLLABIC_SCRIPTS
        if syllabic and (
            m.how not in ("exact", "skeleton")
            or (m.how == "skeleton" and compare_text(a.text, b.text).how == "none")
        ):
            m = _NONE
    else:
        m = compare_text(a.text, b.text)
    # A particle ("y", "e": 'and' in Spanish, Portuguese, Italian) is no one's initial.
    if m.how == "initial" and (a.stop or b.stop):
        return _NONE
    if m.how != "exact" and m.sim < 0.9 and a.symbols and b.symbols and a.symbols & b.symbols:
        return TokenMatch(0.9, "variant", m.edits)
    return m


def _greedy(candidates: list[Pair], used_q: set[int], used_r: set[int]) -> list[Pair]:
    candidates.sort(key=lambda p: (-p.sim, len(p.q) + len(p.r), p.q[0], p.r[0]))
    taken: list[Pair] = []
    for p in candidates:
        if used_q.intersection(p.q) or used_r.intersection(p.r):
            continue
        taken.append(p)
        used_q.update(p.q)
        used_r.update(p.r)
    return taken


def _runs(free: list[int]) -> list[tuple[int, ...]]:
    """Runs of 2 and 3 adjacent free token positions."""
    fs = set(free)
    out: list[tuple[int, ...]] = []
    for i in free:
        if i + 1 in fs:
            out.append((i, i + 1))
            if i + 2 in fs:
                out.append((i, i + 1, i + 2))
    return out


def _acronym(short: str, words: list[Token]) -> bool:
    letters = "".join(t.text[0] for t in words if not t.stop and t.text)
    return len(short) >= 2 and short == letters


def _joined(
    src: list[Token], src_free: list[int], dst: list[Token], dst_free: list[int], flip: bool
) -> list[Pair]:
    out: list[Pair] = []
    for run in _runs(src_free):
        words = [src[i] for i in run]
        joined = "".join(t.text for t in words)
        for j in dst_free:
            b = dst[j].text
            if len(b) >= 4:
                m = compare_text(joined, b)
                if m.sim >= 0.85 and m.how != "initial":
                    out.append(
                        Pair((j,), run, min(m.sim, 0.96), "joined", m.edits)
                        if flip
                        else Pair(run, (j,), min(m.sim, 0.96), "joined", m.edits)
                    )
                    continue
            if 2 <= len(b) <= 6 and _acronym(b, words):
                out.append(
                    Pair((j,), run, 0.85, "acronym", 0)
                    if flip
                    else Pair(run, (j,), 0.85, "acronym", 0)
                )
    return out


def _may_join(
    qt: list[Token], q_free: list[int], rt: list[Token], r_free: list[int], kind: EntityKind
) -> bool:
    """Whether joins or acronyms could explain the leftovers (skips the work when not):
    a joined word is long, an acronym short, and either needs two words on the other side."""
    q_long = any(len(qt[i].text) >= 6 for i in q_free)
    r_long = any(len(rt[j].text) >= 6 for j in r_free)
    if (q_long and len(r_free) >= 2) or (r_long and len(q_free) >= 2):
        return True
    if kind is EntityKind.person:
        return False
    q_short = any(2 <= len(qt[i].text) <= 6 for i in q_free)
    r_short = any(2 <= len(rt[j].text) <= 6 for j in r_free)
    return (q_short and len(r_free) >= 2) or (r_short and len(q_free) >= 2)


def align(q: PreparedName, r: PreparedName) -> Alignment:
    """Best-first alignment of the two names' tokens."""
    qt, rt = q.tokens, r.tokens
    candidates: list[Pair] = []
    for i, a in enumerate(qt):
        for j, b in enumerate(rt):
            m = _token_pair(a, b)
            if m.sim >= MIN_PAIR_SIM:
                candidates.append(Pair((i,), (j,), m.sim, m.how, m.edits))
    used_q: set[int] = set()
    used_r: set[int] = set()
    pairs = _greedy(candidates, used_q, used_r)
    q_free = [i for i in range(len(qt)) if i not in used_q]
    r_free = [j for j in range(len(rt)) if j not in used_r]
    if q_free and r_free and _may_join(qt, q_free, rt, r_free, q.kind):
        extra = _joined(qt, q_free, rt, r_free, False) + _joined(rt, r_free, qt, q_free, True)
        # Multi-word symbols and long acronyms ("PLA" / People's Liberation Army).
        for key, span in r.spans.items():
            if all(k in r_free for k in span):
                for i in q_free:
                    if key in qt[i].symbols or (
                        len(span) > 3 and _acronym(qt[i].text, [rt[k] for k in span])
                    ):
                        extra.append(Pair((i,), span, 0.85, "acronym", 0))
        for key, span in q.spans.items():
            if all(k in q_free for k in span):
                for j in r_free:
                    if key in rt[j].symbols or (
                        len(span) > 3 and _acronym(rt[j].text, [qt[k] for k in span])
                    ):
                        extra.append(Pair(span, (j,), 0.85, "acronym", 0))
        if extra:
            pairs += _greedy(extra, used_q, used_r)
            q_free = [i for i in range(len(qt)) if i not in used_q]
            r_free = [j for j in range(len(rt)) if j not in used_r]
    pairs.sort(key=lambda p: p.q[0])
    return Alignment(pairs=pairs, q_free=q_free, r_free=r_free)


def syllabic_clash(q: PreparedName, r: PreparedName, alignment: Alignment) -> bool:
    """Both names in the same syllabic script (Han, Hangul, Kana) and a syllable differs.

    In these scripts a different character is a different name, not a typo.
    """
    common = (q.scripts & r.scripts) & SYLLABIC_SCRIPTS
    if not common:
        return False
    for p in alignment.pairs:
        if p.how != "exact" and any(q.tokens[i].script in common for i in p.q):
            return True
    return any(q.tokens[i].script in common for i in alignment.q_free) or any(
        r.tokens[j].script in common for j in alignment.r_free
    )
