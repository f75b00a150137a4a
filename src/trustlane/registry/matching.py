"""Name and address matching of a party against candidate organizations (pure logic).

A candidate's score is its name similarity adjusted by a short table of features, each a
small documented function that returns its adjustment and a readable reason. A party links
to a candidate when the name alone is close (``NAME_FLOOR``), the adjusted score reaches
``LINK_THRESHOLD`` and no feature vetoes it (countries that disagree).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from rapidfuzz import fuzz, process
from rigour.addresses import compare_address

from trustlane.registry.countries import country_name

#: Adjusted score at which a party links to an organization.
LINK_THRESHOLD = 0.90
#: Least name similarity for a link, whatever the address says.
NAME_FLOOR = 0.85
#: Least name similarity for a candidate to be shown at all (resolve_party).
SHOW_FLOOR = 0.60
#: rigour's address score above which two addresses are taken to be the same place
#: (its documented accuracy-optimal threshold is about 0.3; equal renderings score 1.0).
ADDRESS_SAME = 0.60
ADDRESS_SIMILAR = 0.30


@dataclass(frozen=True)
class Reason:
    """Why a score moved: a stable code and a sentence for a person."""

    code: str
    text: str


@dataclass(frozen=True)
class PartyView:
    """A party as the matcher sees it: its name, folded core name, country, address line."""

    name: str
    core: str
    country: str | None = None
    address: str | None = None


@dataclass(frozen=True)
class CandidateName:
    name: str
    core: str
    kind: str  # primary, alias, former, merged


@dataclass(frozen=True)
class CandidateView:
    """An organization as the matcher sees it."""

    org_id: int
    name: str
    status: str
    country: str | None
    names: tuple[CandidateName, ...]
    addresses: tuple[tuple[str, str], ...] = ()  # (address line, country)

    @property
    def countries(self) -> set[str]:
        out = {c for _, c in self.addresses}
        if self.country:
            out.add(self.country)
        return out


@dataclass
class Match:
    """One party against one candidate: the score, whether it links, and why."""

    org_id: int
    name_score: float
    score: float
    eligible: bool = True
    reasons: list[Reason] = field(default_factory=list)

    @property
    def links(self) -> bool:
        return self.eligible and self.name_score >= NAME_FLOOR and self.score >= LINK_THRESHOLD

    def reason_text(self) -> str:
        return "; ".join(r.text for r in self.reasons)


def name_similarity(a: str, b: str) -> float:
    """Similarity of two core names, 0..1: word order ignored, and words run together or
    split apart ("Hapag Lloyd" / "Hapaglloyd") compared without spaces."""
    if not a or not b:
        return 0.0
    by_words = fuzz.token_sort_ratio(a, b)
    joined = fuzz.ratio(a.replace(" ", ""), b.replace(" ", ""))
    return max(by_words, joined) / 100.0


def _best_name(party: PartyView, cand: CandidateView) -> tuple[float, CandidateName]:
    scored = [(name_similarity(party.core, n.core), n) for n in cand.names]
    return max(scored, key=lambda pair: (pair[0], pair[1].kind == "primary"))


Feature = Callable[[PartyView, CandidateView, Match], None]


def country_disagrees(party: PartyView, cand: CandidateView, match: Match) -> None:
    """Countries that both sides give and that differ veto the link: two companies of the
    same name in two countries are two companies."""
    known = cand.countries
    if not party.country or not known:
        match.reasons.append(Reason("country_unknown", "country not compared (not given)"))
    elif party.country in known:
        match.reasons.append(
            Reason("country_same", f"same country ({country_name(party.country)})")
        )
    else:
        match.eligible = False
        theirs = ", ".join(sorted(known))
        match.reasons.append(
            Reason("country_differs", f"country differs ({party.country} vs {theirs})")
        )


def address_agrees(party: PartyView, cand: CandidateView, match: Match) -> None:
    """The same address adds a little; a different one (both given) takes away more, since
    it is the usual sign of a namesake."""
    if not party.address or not cand.addresses:
        return
    best, line = max((compare_address(party.address, a), a) for a, _ in cand.addresses)
    if best >= ADDRESS_SAME:
        match.score += 0.05
        match.reasons.append(Reason("address_same", f"address agrees with {line!r} ({best:.2f})"))
    elif best >= ADDRESS_SIMILAR:
        match.score += 0.02
        match.reasons.append(Reason("address_similar", f"address close to {line!r} ({best:.2f})"))
    else:
        match.score -= 0.10
        match.reasons.append(Reason("address_differs", f"address differs from {line!r}"))


def candidate_status(party: PartyView, cand: CandidateView, match: Match) -> None:
    """Say when the candidate is itself only a proposal, so a reviewer knows."""
    if cand.status != "active":
        match.reasons.append(Reason(f"status_{cand.status}", f"organization is {cand.status}"))


#: The features applied after the name, in order.
FEATURES: Sequence[Feature] = (country_disagrees, address_agrees, candidate_status)


def score_candidate(party: PartyView, cand: CandidateView) -> Match:
    """Score one candidate for one party, with reasons."""
    similarity, matched = _best_name(party, cand)
    match = Match(org_id=cand.org_id, name_score=similarity, score=similarity)
    which = "" if matched.kind == "primary" else f" ({matched.kind} name)"
    code = "name_same" if similarity >= 0.999 else "name_similar"
    match.reasons.append(
        Reason(
            code,
            f"name {party.name!r} ≈ {matched.name!r}{which} of organization {cand.org_id} "
            f"({similarity:.2f})",
        )
    )
    for feature in FEATURES:
        feature(party, cand, match)
    match.score = round(min(1.0, max(0.0, match.score)), 4)
    return match


@dataclass
class NamePool:
    """Names of candidate organizations laid out for rapidfuzz, which screens them in C:
    core names, the same without spaces, and the organization each belongs to."""

    cores: list[str] = field(default_factory=list)
    squashed: list[str] = field(default_factory=list)
    owners: list[int] = field(default_factory=list)

    @classmethod
    def of(cls, candidates: Iterable[CandidateView]) -> NamePool:
        pool = cls()
        for cand in candidates:
            for n in cand.names:
                pool.cores.append(n.core)
                pool.squashed.append(n.core.replace(" ", ""))
                pool.owners.append(cand.org_id)
        return pool

    def screen(
        self, cores: Sequence[str], floor: float, *, closest: float | None = None
    ) -> list[dict[int, float]]:
        """For each core name in ``cores``: the organizations with a name at least ``floor``
        similar, with that similarity (the larger of the two scores of
        :func:`name_similarity`, so exactly those), plus the most similar one when it is at
        least ``closest``. One rapidfuzz matrix per call, both cores busy."""
        out: list[dict[int, float]] = [{} for _ in cores]
        if not cores or not self.cores:
            return out
        cutoff = min(floor, closest if closest is not None else floor) * 100
        by_words = process.cdist(
            cores, self.cores, scorer=fuzz.token_sort_ratio, score_cutoff=cutoff, workers=-1
        )
        joined = process.cdist(
            [c.replace(" ", "") for c in cores],
            self.squashed,
            scorer=fuzz.ratio,
            score_cutoff=cutoff,
            workers=-1,
        )
        best = np.maximum(by_words, joined)
        keep = best >= floor * 100
        if closest is not None:
            rows = np.arange(len(cores))
            top = best.argmax(axis=1)
            has = best[rows, top] >= closest * 100
            keep[rows[has], top[has]] = True
        for row, col in zip(*np.nonzero(keep), strict=True):
            owner = self.owners[col]
            score = float(best[row, col]) / 100.0
            if score > out[row].get(owner, 0.0):
                out[row][owner] = score
        return out


def _ranked(matches: list[Match], records: Mapping[int, CandidateView]) -> list[Match]:
    """Links first, then score, then active before proposed, then the older record."""
    return sorted(
        matches,
        key=lambda m: (not m.links, -m.score, records[m.org_id].status != "active", m.org_id),
    )


def rank_candidates(
    party: PartyView, candidates: Sequence[CandidateView], *, floor: float = SHOW_FLOOR
) -> list[Match]:
    """Candidates whose name is at least ``floor`` similar, scored, best first."""
    if not party.core or not candidates:
        return []
    records = {c.org_id: c for c in candidates}
    (similar,) = NamePool.of(candidates).screen([party.core], floor)
    return _ranked([score_candidate(party, records[i]) for i in similar], records)


def best_link(
    party: PartyView, similar: Mapping[int, float], records: Mapping[int, CandidateView]
) -> tuple[Match | None, Match | None]:
    """The candidate the party links to (or None), and the closest candidate (for the reason
    given when nothing links), from the screened similarities ``similar`` (organization →
    name similarity). Only names close enough to link are scored in full."""
    if not party.core or not similar:
        return None, None
    picked = [org for org, score in similar.items() if score >= NAME_FLOOR]
    ranked = _ranked([score_candidate(party, records[i]) for i in picked], records)
    if ranked and ranked[0].links:
        return ranked[0], ranked[0]
    if ranked:
        return None, ranked[0]
    closest = max(similar, key=lambda org: (similar[org], -org))
    return None, score_candidate(party, records[closest])
