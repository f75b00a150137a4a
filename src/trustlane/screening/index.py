"""The candidate index: from a query name to the few dozen listed names worth scoring.

Every listed name is prepared once (:func:`.normalize.prepare_name`) and its tokens posted
under:

- the token itself (exact hits, weighted by rarity);
- its one-letter deletions (a symmetric-delete dictionary: a query token finds every
  listed token within about two edits with a handful of dictionary lookups);
- its metaphone and consonant skeleton (romanization and sound-alike variants);
- rigour's name symbols (the same given name written in another script, nicknames).

A query accumulates, per listed name, the rarity weight of the tokens it reaches; names
that reach a fair share of the query's weight are the candidates. Tokens so common that
their postings would dominate the work ("mohammad", "trading") only add weight to names
already found by rarer tokens, unless they are all the query has.

The index is plain Python data: built in seconds, kept in memory and cached in a file
keyed by the list versions it was built from (:mod:`.engine`).
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from trustlane.screening.align import compare_text
from trustlane.screening.normalize import (
    EntityKind,
    PreparedName,
    phonetic_key,
    prepare_name,
    skeleton,
)
from trustlane.screening.records import EntryRecord, NameQuality

#: Postings longer than this are only used to add weight to names found otherwise.
COMMON_POSTINGS = 1_500
#: Share of the query's token weight a listed name must reach to be scored.
MIN_CANDIDATE_SHARE = 0.3
#: Share of its own weight that the query or the listed name must reach to be scored.
MIN_EITHER_SHARE = 0.5
#: Most names examined after the first cut (the best by query share).
MAX_SCANNED = 300
#: Most candidate names scored per query.
MAX_CANDIDATES = 40


@dataclass(slots=True)
class IndexedEntry:
    """What screening needs of a list entry besides its names."""

    ref: int  # the stored entry's id (or position, outside the database)
    list_name: str
    key: str
    kind: EntityKind
    category: str
    source: str | None
    primary_name: str
    birth_dates: tuple[str, ...] = ()
    countries: frozenset[str] = frozenset()
    identifiers: frozenset[str] = frozenset()  # normalized identifier values
    gender: str | None = None
    action: str | None = None


@dataclass(slots=True)
class IndexedName:
    entry: int  # position in ScreeningIndex.entries
    prepared: PreparedName
    quality: NameQuality
    token_ids: frozenset[int] = frozenset()


def _deletes(token: str) -> set[str]:
    return {token[:i] + token[i + 1 :] for i in range(len(token))}


@dataclass
class ScreeningIndex:
    entries: list[IndexedEntry] = field(default_factory=list)
    names: list[IndexedName] = field(default_factory=list)
    vocabulary: dict[str, int] = field(default_factory=dict)
    tokens: list[str] = field(default_factory=list)
    postings: list[list[int]] = field(default_factory=list)  # token id → name ids
    doc_freq: list[int] = field(default_factory=list)  # token id → entries using it
    deletes: dict[str, list[int]] = field(default_factory=dict)
    phonetic: dict[str, list[int]] = field(default_factory=dict)
    skeletons: dict[str, list[int]] = field(default_factory=dict)
    symbols: dict[str, list[int]] = field(default_factory=dict)
    identifiers: dict[str, list[int]] = field(default_factory=dict)  # value → entry positions
    signature: str = ""
    idfs: list[float] = field(default_factory=list)  # token id → rarity weight
    name_weight: list[float] = field(default_factory=list)  # name id → sum of its rarities
    _similar_cache: dict[tuple[str, str, frozenset[str]], dict[int, float]] = field(
        default_factory=dict, repr=False
    )

    # -- building ---------------------------------------------------------------------

    @classmethod
    def build(
        cls, items: Iterable[tuple[int, str, EntryRecord]], signature: str = ""
    ) -> ScreeningIndex:
        """Index ``(ref, list name, record)`` triples."""
        index = cls(signature=signature)
        entry_tokens: dict[int, set[int]] = defaultdict(set)
        for ref, list_name, record in items:
            position = len(index.entries)
            index.entries.append(
                IndexedEntry(
                    ref=ref,
                    list_name=list_name,
                    key=record.key,
                    kind=record.kind,
                    category=record.category.value,
                    source=record.source,
                    primary_name=record.primary_name,
                    birth_dates=tuple(sorted(set(record.birth_dates))),
                    countries=frozenset(record.countries) | frozenset(record.nationalities),
                    identifiers=frozenset(i.key for i in record.identifiers if len(i.key) >= 5),
                    gender=record.gender,
                    action=record.consequence.action.value if record.consequence else None,
                )
            )
            for ident in index.entries[-1].identifiers:
                index.identifiers.setdefault(ident, []).append(position)
            seen: set[str] = set()
            for entry_name in record.names:
                prepared = prepare_name(entry_name.name, record.kind)
                if prepared is None or prepared.display() in seen:
                    continue
                seen.add(prepared.display())
                name_id = len(index.names)
                ids = frozenset(index._token_id(t.text) for t in prepared.tokens)
                index.names.append(IndexedName(position, prepared, entry_name.quality, ids))
                for tid in ids:
                    index.postings[tid].append(name_id)
                    entry_tokens[position].add(tid)
                for t in prepared.tokens:
                    for sym in t.symbols:
                        if sym.startswith(("NAME:", "NICK:")):
                            index.symbols.setdefault(sym, []).append(index.vocabulary[t.text])
        index.doc_freq = [0] * len(index.tokens)
        for tids in entry_tokens.values():
            for tid in tids:
                index.doc_freq[tid] += 1
        for tid, token in enumerate(index.tokens):
            if len(token) >= 4 and token.isalpha():
                for d in _deletes(token):
                    index.deletes.setdefault(d, []).append(tid)
                index.deletes.setdefault(token, []).append(tid)
        for tid, token in enumerate(index.tokens):
            if len(token) >= 4:
                key = phonetic_key(token)
                if key:
                    index.phonetic.setdefault(key, []).append(tid)
            sk = skeleton(token)
            if len(sk) >= 3:
                index.skeletons.setdefault(sk, []).append(tid)
        for key, symbol_tids in list(index.symbols.items()):
            index.symbols[key] = sorted(set(symbol_tids))
        index._finish()
        return index

    def _token_id(self, text: str) -> int:
        tid = self.vocabulary.get(text)
        if tid is None:
            tid = len(self.tokens)
            self.vocabulary[text] = tid
            self.tokens.append(text)
            self.postings.append([])
        return tid

    # -- querying ---------------------------------------------------------------------

    def idf(self, tid: int) -> float:
        return self.idfs[tid]

    def _finish(self) -> None:
        """Per-token rarity and per-name total weight, computed once after building."""
        n = max(len(self.entries), 2)
        log_n = math.log(n)
        self.idfs = [max(0.05, math.log(n / max(df, 1)) / log_n) for df in self.doc_freq]
        self.name_weight = [sum(self.idfs[t] for t in nm.token_ids) for nm in self.names]
        self._similar_cache = {}

    def similar_tokens(self, text: str, script: str, symbols: frozenset[str]) -> dict[int, float]:
        """Listed tokens that may be ``text`` written differently, with a similarity."""
        found: dict[int, float] = {}
        exact = self.vocabulary.get(text)
        if exact is not None:
            found[exact] = 1.0
        if len(text) >= 4 and text.isalpha():
            near: set[int] = set()
            for key in (text, *_deletes(text)):
                near.update(self.deletes.get(key, ()))
            near.update(self.phonetic.get(phonetic_key(text), ()))
            for tid in near:
                if tid not in found:
                    m = compare_text(text, self.tokens[tid])
                    if m.sim >= 0.7:
                        found[tid] = m.sim
        if script != "Latin" or not found:
            for tid in self.skeletons.get(skeleton(text), ()):
                found.setdefault(tid, 0.75)
        for sym in symbols:
            for tid in self.symbols.get(sym, ()):
                found.setdefault(tid, 0.85)
        if not found and len(text) >= 7:
            # A joined word: two listed tokens written as one ("sergeilavrov").
            for cut in range(3, len(text) - 2):
                a, b = self.vocabulary.get(text[:cut]), self.vocabulary.get(text[cut:])
                if a is not None and b is not None:
                    found[a] = found[b] = 0.9
        return found

    def candidates(self, query: PreparedName) -> list[tuple[int, float]]:
        """(name id, combined share of weight reached on both sides), best first.

        Per query token, the best similarity it reaches in each listed name, times the
        token's rarity weight, is summed per name. Tokens whose postings are long only add
        to names found by rarer ones, unless nothing rarer matched."""
        reach: list[tuple[float, dict[int, float]]] = []
        total = 0.0
        idfs = self.idfs
        for t in query.tokens:
            similar = self.similar(t.text, t.script, t.symbols)
            weight = max((idfs[tid] for tid in similar), default=1.0)
            if t.stop:
                weight *= 0.2
            total += weight
            if similar:
                reach.append((weight, similar))
        if total <= 0 or not reach:
            return []
        scores: dict[int, float] = {}
        deferred: list[tuple[float, dict[int, float]]] = []
        for weight, similar in sorted(reach, key=lambda r: -r[0]):
            postings = [(self.postings[tid], sim) for tid, sim in similar.items()]
            if sum(len(p) for p, _ in postings) > COMMON_POSTINGS:
                deferred.append((weight, similar))
                continue
            best: dict[int, float] = {}
            for posting, sim in postings:
                for nid in posting:
                    if best.get(nid, 0.0) < sim:
                        best[nid] = sim
            for nid, sim in best.items():
                scores[nid] = scores.get(nid, 0.0) + weight * sim
        for weight, similar in deferred:
            if scores:
                for nid in scores:
                    ids = self.names[nid].token_ids
                    hit = max((sim for tid, sim in similar.items() if tid in ids), default=0.0)
                    scores[nid] += weight * hit
            else:
                for tid, sim in similar.items():
                    for nid in self.postings[tid]:
                        if scores.get(nid, 0.0) < weight * sim:
                            scores[nid] = weight * sim
        floor = MIN_CANDIDATE_SHARE * total
        kept = [(nid, sc) for nid, sc in scores.items() if sc >= floor]
        if len(kept) > MAX_SCANNED:
            kept = heapq.nlargest(MAX_SCANNED, kept, key=lambda x: x[1])
        # The listed name's side: how much of its own weight the query reached. A name is
        # worth scoring when either side is at least half explained.
        reached: dict[int, float] = {}
        for _weight, similar in reach:
            for tid, sim in similar.items():
                if reached.get(tid, 0.0) < sim:
                    reached[tid] = sim
        ranked: list[tuple[int, float]] = []
        for nid, sc in kept:
            q_share = sc / total
            own = self.name_weight[nid]
            r_share = (
                sum(idfs[t] * reached.get(t, 0.0) for t in self.names[nid].token_ids) / own
                if own
                else 0.0
            )
            if max(q_share, r_share) >= MIN_EITHER_SHARE:
                ranked.append((nid, q_share + r_share))
        ranked.sort(key=lambda x: -x[1])
        return ranked[:MAX_CANDIDATES]

    def similar(self, text: str, script: str, symbols: frozenset[str]) -> dict[int, float]:
        """:meth:`similar_tokens`, remembered: the same words come back in every batch."""
        key = (text, script, symbols)
        found = self._similar_cache.get(key)
        if found is None:
            if len(self._similar_cache) > 200_000:
                self._similar_cache.clear()
            found = self._similar_cache[key] = self.similar_tokens(text, script, symbols)
        return found

    def by_identifier(self, values: Iterable[str]) -> set[int]:
        """Entry positions holding any of the identifier values."""
        out: set[int] = set()
        for v in values:
            out.update(self.identifiers.get(v, ()))
        return out
