"""Name-pair features: the evidence a name score is built from, each a small documented function.

Every feature reads the two prepared names, their alignment and the token weights, and
returns a number (mostly in [0, 1]). The learned combination (:mod:`.model`) weighs them;
the explanation of a score lists each feature's contribution next to its sentence.

Token weights come from how often a token occurs in watch-list names (inverse document
frequency): a shared "MOHAMMAD", "TRADING" or "INTERNATIONAL" is weak evidence, a shared
"BINALSHIBH" strong. Particles ("al", "bin", "de") and stop words weigh a fifth.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from trustlane.screening.align import Alignment, align, syllabic_clash
from trustlane.screening.normalize import (
    PATRONYMIC_PARTICLES,
    EntityKind,
    PreparedName,
    Token,
)

#: Weight of a particle or stop word relative to its frequency-based weight.
STOP_FACTOR = 0.2
#: Lowest weight a token can get from being frequent.
MIN_WEIGHT = 0.15


class TokenWeights:
    """Inverse document frequency of tokens over watch-list names, scaled to (0, 1]."""

    def __init__(self, doc_freq: Mapping[str, int], documents: int) -> None:
        self.doc_freq = dict(doc_freq)
        self.documents = max(documents, 2)
        self._log_n = math.log(self.documents)
        self._cache: dict[str, float] = {}

    def weight(self, text: str) -> float:
        w = self._cache.get(text)
        if w is None:
            df = self.doc_freq.get(text, 0)
            w = 1.0 if df <= 1 else max(MIN_WEIGHT, math.log(self.documents / df) / self._log_n)
            self._cache[text] = w
        return w

    @classmethod
    def empty(cls) -> TokenWeights:
        return cls({}, 2)


@dataclass(slots=True)
class PairView:
    """Everything the feature functions read about one name pair (computed once)."""

    q: PreparedName
    r: PreparedName
    alignment: Alignment
    qw: list[float]
    rw: list[float]
    qs: dict[int, float]  # query token → similarity of its aligned pair
    rs: dict[int, float]

    @classmethod
    def build(cls, q: PreparedName, r: PreparedName, weights: TokenWeights) -> PairView:
        def ws(name: PreparedName) -> list[float]:
            # Numbers are judged by number_mismatch alone, particles barely count.
            return [
                weights.weight(t.text) * (STOP_FACTOR if t.stop or t.number else 1.0)
                for t in name.tokens
            ]

        alignment = align(q, r)
        qs: dict[int, float] = {}
        rs: dict[int, float] = {}
        for p in alignment.pairs:
            for i in p.q:
                qs[i] = p.sim
            for j in p.r:
                rs[j] = p.sim
        return cls(q, r, alignment, ws(q), ws(r), qs, rs)


def _significant(token: Token) -> bool:
    return not token.stop and token.number is None


def _cover(weights: list[float], sims: dict[int, float]) -> float:
    total = sum(weights)
    if total <= 0:
        return 0.0
    return sum(w * sims.get(i, 0.0) for i, w in enumerate(weights)) / total


def query_coverage(v: PairView) -> float:
    """Weighted share of the query's tokens found in the result, by match quality."""
    return _cover(v.qw, v.qs)


def result_coverage(v: PairView) -> float:
    """Weighted share of the result's tokens found in the query, by match quality."""
    return _cover(v.rw, v.rs)


def min_coverage(v: PairView) -> float:
    """The smaller of the two coverages: both names must be explained for a strong match."""
    return min(_cover(v.qw, v.qs), _cover(v.rw, v.rs))


def _free_weight(weights: list[float], free: list[int]) -> float:
    total = sum(weights)
    return sum(weights[i] for i in free) / total if total > 0 else 0.0


def evidence_mass(v: PairView) -> float:
    """How much the aligned words weigh in absolute terms (rarity × similarity, three rare
    words = 1): two common words ("Carlos", "Rivera") are little evidence even when they
    cover the whole query."""
    return min(3.0, sum(w * v.qs.get(i, 0.0) for i, w in enumerate(v.qw))) / 3.0


def query_extra(v: PairView) -> float:
    """Weighted share of query tokens with no counterpart."""
    return _free_weight(v.qw, v.alignment.q_free)


def result_extra(v: PairView) -> float:
    """Weighted share of result tokens with no counterpart (a longer listed name)."""
    return _free_weight(v.rw, v.alignment.r_free)


def substituted(v: PairView) -> float:
    """Both sides keep unmatched significant tokens: a part of the name was replaced
    ("Roman Fico" / "Robert Fico"), which points to a different person or company."""
    q_left = [i for i in v.alignment.q_free if _significant(v.q.tokens[i])]
    r_left = [j for j in v.alignment.r_free if _significant(v.r.tokens[j])]
    if not q_left or not r_left:
        return 0.0
    return min(sum(v.qw[i] for i in q_left), sum(v.rw[j] for j in r_left)) / max(
        1e-9, min(sum(v.qw), sum(v.rw))
    )


def any_substitution(v: PairView) -> float:
    """At least one significant word on each side is unmatched: however long the names, a
    replaced word ("... AL-MOSULI" / "... AL-RAWI") names someone else."""
    q_left = any(_significant(v.q.tokens[i]) for i in v.alignment.q_free)
    r_left = any(_significant(v.r.tokens[j]) for j in v.alignment.r_free)
    return float(q_left and r_left)


def loose_pairs(v: PairView) -> float:
    """Number of aligned word pairs that are only loosely alike (similarity under 0.8),
    capped at 2: each is nearly a different word."""
    return float(min(2, sum(1 for p in v.alignment.pairs if p.sim < 0.8)))


def difference_block(v: PairView) -> float:
    """Longest run of differing letters inside an aligned pair, in letters (capped at 4,
    scaled to 1). Typos are scattered single letters ("Scholze" / "Scholz"); another name
    differs in a block ("Luxford" / "Luxon", "Lukashevich" / "Lukashenko")."""
    worst = 0
    for p in v.alignment.pairs:
        if p.how not in ("fuzzy", "phonetic", "skeleton") or not p.edits:
            continue
        a = "".join(v.q.tokens[i].text for i in p.q)
        b = "".join(v.r.tokens[j].text for j in p.r)
        for op in Levenshtein.opcodes(a, b):
            if op.tag != "equal":
                worst = max(worst, op.src_end - op.src_start, op.dest_end - op.dest_start)
    return min(worst, 4) / 4.0


def lone_word_inexact(v: PairView) -> float:
    """One name is a single significant word and it matches only approximately: little
    evidence in total ("Michaela" / "Michelle Obama")."""
    qn = [i for i, t in enumerate(v.q.tokens) if _significant(t)]
    rn = [j for j, t in enumerate(v.r.tokens) if _significant(t)]
    single = qn if len(qn) == 1 else rn if len(rn) == 1 else None
    if single is None:
        return 0.0
    for p in v.alignment.pairs:
        if single[0] in (p.q if single is qn else p.r):
            return 1.0 - p.sim
    return 1.0


def spelling_burden(v: PairView) -> float:
    """Weighted dissimilarity carried by aligned pairs that are not equal (typo load)."""
    total = sum(v.qw) + sum(v.rw)
    if total <= 0:
        return 0.0
    load = 0.0
    for p in v.alignment.pairs:
        if p.how == "exact":
            continue
        w = sum(v.qw[i] for i in p.q) + sum(v.rw[j] for j in p.r)
        load += w * (1.0 - p.sim)
    return load / total


def worst_pair(v: PairView) -> float:
    """Similarity of the weakest aligned pair (1 when every pair is exact)."""
    sims = [p.sim for p in v.alignment.pairs if any(_significant(v.q.tokens[i]) for i in p.q)]
    return min(sims) if sims else 0.0


def edits_on_rare(v: PairView) -> float:
    """Character edits on the heaviest fuzzily aligned token, scaled by its length."""
    worst = 0.0
    for p in v.alignment.pairs:
        if p.how in ("fuzzy", "phonetic", "skeleton", "joined") and p.edits:
            length = max(sum(len(v.q.tokens[i].text) for i in p.q), 1)
            w = max(v.qw[i] for i in p.q)
            worst = max(worst, w * min(1.0, p.edits / math.sqrt(length)))
    return worst


def exact_share(v: PairView) -> float:
    """Share of aligned pairs that are letter-for-letter equal."""
    if not v.alignment.pairs:
        return 0.0
    return sum(p.how == "exact" for p in v.alignment.pairs) / len(v.alignment.pairs)


def variant_share(v: PairView) -> float:
    """Share of aligned pairs explained by reference data (name variants, nicknames,
    acronyms, joined words) rather than by spelling."""
    if not v.alignment.pairs:
        return 0.0
    known = ("variant", "acronym", "joined", "initial")
    return sum(p.how in known for p in v.alignment.pairs) / len(v.alignment.pairs)


def same_tokens(v: PairView) -> float:
    """The two names have the same tokens, in any order."""
    return float(sorted(v.q.texts) == sorted(v.r.texts))


def order_disagreement(v: PairView) -> float:
    """Share of aligned pairs whose relative order differs between the names."""
    rs = [p.r[0] for p in v.alignment.pairs]
    n = len(rs)
    if n < 2:
        return 0.0
    inversions = sum(1 for a in range(n) for b in range(a + 1, n) if rs[a] > rs[b])
    return inversions / (n * (n - 1) / 2)


def patronymic_swap(v: PairView) -> float:
    """'Abdullah bin Omar' against 'Omar bin Abdullah': the father's name and the given
    name trade places, which names a different person."""

    def after_particle(name: PreparedName) -> set[int]:
        return {i + 1 for i, t in enumerate(name.tokens[:-1]) if t.text in PATRONYMIC_PARTICLES}

    qa, ra = after_particle(v.q), after_particle(v.r)
    if not qa or not ra:
        return 0.0
    for p in v.alignment.pairs:
        single = len(p.q) == 1 and len(p.r) == 1
        if single and (p.q[0] in qa) != (p.r[0] in ra) and not v.q.tokens[p.q[0]].stop:
            return 1.0
    return 0.0


def number_mismatch(v: PairView) -> float:
    """Numbers in the names disagree ("Fund VIII" / "Fund IX", "Storm 1" / "Storm 2"), or
    one name has a number the other lacks."""
    qn = {t.number for t in v.q.tokens if t.number is not None}
    rn = {t.number for t in v.r.tokens if t.number is not None}
    if not qn and not rn:
        return 0.0
    if qn == rn:
        return 0.0
    return 1.0 if (qn and rn) else 0.5


def legal_form_clash(v: PairView) -> float:
    """Both names state a legal form and the forms differ in kind (LLC vs JSC)."""
    a, b = v.q.legal_forms, v.r.legal_forms
    return float(bool(a) and bool(b) and not (a & b))


def condensed_similarity(v: PairView) -> float:
    """Similarity of the whole names written without spaces, tokens sorted: robust to
    splits, joins and reordering at once."""
    a = "".join(sorted(v.q.texts))
    b = "".join(sorted(v.r.texts))
    return fuzz.ratio(a, b) / 100.0


def sequence_similarity(v: PairView) -> float:
    """Similarity of the whole names as written (token order kept)."""
    return fuzz.ratio(" ".join(v.q.texts), " ".join(v.r.texts)) / 100.0


def few_tokens(v: PairView) -> float:
    """One of the names has a single significant token: less room for evidence."""
    qn = sum(1 for t in v.q.tokens if _significant(t))
    rn = sum(1 for t in v.r.tokens if _significant(t))
    return float(min(qn, rn) <= 1)


def short_name(v: PairView) -> float:
    """Length of the shorter name in letters, scaled (short names tolerate fewer edits)."""
    return min(1.0, min(len("".join(v.q.texts)), len("".join(v.r.texts))) / 12.0)


def transliterated_burden(v: PairView) -> float:
    """Spelling burden when one side was romanized from another script, where vowel and
    consonant drift is the romanization's, not a sign of a different name."""
    if not (v.q.transliterated or v.r.transliterated):
        return 0.0
    return spelling_burden(v)


def syllable_clash(v: PairView) -> float:
    """Both names are in the same syllabic script and a character differs (김정은/김종은)."""
    return float(syllabic_clash(v.q, v.r, v.alignment))


def initials_used(v: PairView) -> float:
    """Share of aligned pairs that rest on an initial ('A. Khamenei' / 'Ali Khamenei')."""
    if not v.alignment.pairs:
        return 0.0
    return sum(p.how == "initial" for p in v.alignment.pairs) / len(v.alignment.pairs)


@dataclass(frozen=True)
class Feature:
    """A name-pair feature and the sentence that explains it."""

    func: Callable[[PairView], float]
    sentence: str

    @property
    def name(self) -> str:
        return self.func.__name__


#: The features of the learned name score, in model order.
FEATURES: list[Feature] = [
    Feature(query_coverage, "share of the query's name found in the listed name"),
    Feature(result_coverage, "share of the listed name found in the query"),
    Feature(min_coverage, "both names explained by each other"),
    Feature(evidence_mass, "weight of the matching words"),
    Feature(query_extra, "query words without a counterpart"),
    Feature(result_extra, "listed words without a counterpart"),
    Feature(substituted, "a word of the name replaced by a different word"),
    Feature(any_substitution, "a significant word unmatched on both sides"),
    Feature(loose_pairs, "words only loosely alike"),
    Feature(spelling_burden, "spelling differences in aligned words"),
    Feature(difference_block, "a block of differing letters inside a word"),
    Feature(lone_word_inexact, "a one-word name matched only approximately"),
    Feature(worst_pair, "weakest aligned word pair"),
    Feature(edits_on_rare, "edits on a rare word"),
    Feature(exact_share, "words equal letter for letter"),
    Feature(variant_share, "words matched through known variants, initials or joins"),
    Feature(same_tokens, "same words in any order"),
    Feature(order_disagreement, "words in a different order"),
    Feature(patronymic_swap, "given and father's names swapped"),
    Feature(number_mismatch, "numbers differ"),
    Feature(legal_form_clash, "legal forms differ"),
    Feature(condensed_similarity, "whole names alike without spaces"),
    Feature(sequence_similarity, "whole names alike as written"),
    Feature(few_tokens, "a single significant word"),
    Feature(short_name, "name length"),
    Feature(transliterated_burden, "spelling differences after romanization"),
    Feature(syllable_clash, "a different character in a syllabic script"),
    Feature(initials_used, "words matched on an initial"),
]

FEATURE_NAMES = [f.name for f in FEATURES]


def feature_vector(v: PairView) -> list[float]:
    return [f.func(v) for f in FEATURES]


KIND_GROUPS: dict[EntityKind, str] = {
    EntityKind.person: "person",
    EntityKind.organization: "organization",
    EntityKind.unknown: "organization",
    EntityKind.vessel: "object",
    EntityKind.aircraft: "object",
}
