"""Screening one party against an index: candidates, name scores, the party's other facts
(date of birth, countries, type, identifiers), ranked hits with their reasons.

The name decides; the other facts qualify. A date of birth or a country moves a score by a
few hundredths, never enough to turn a weak name into an alert (the complaint about other
matchers that a birth date outweighs the name); a clash of dates or of entity type lowers
it more. An identifier found on the entry (passport, IMO, tax or registration number) is
evidence of its own. Each rule below is a small function with the sentence it adds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from trustlane.screening.config import Thresholds
from trustlane.screening.features import KIND_GROUPS
from trustlane.screening.index import IndexedEntry, ScreeningIndex
from trustlane.screening.matching import NameScore, score_prepared
from trustlane.screening.model import NameModel
from trustlane.screening.normalize import EntityKind, prepare_name
from trustlane.screening.records import NameQuality

#: Hits below this share of the kind's threshold are not reported at all.
REPORT_FLOOR = 0.6
#: Most hits kept per party.
MAX_HITS = 10


@dataclass(frozen=True)
class Party:
    """What is screened: a name and whatever else is known."""

    name: str
    kind: EntityKind = EntityKind.unknown
    birth_date: str | None = None  # ISO, possibly partial ("1965")
    countries: frozenset[str] = frozenset()  # ISO codes, lower case (nationality, address)
    identifiers: frozenset[str] = frozenset()  # normalized values (upper case, no spaces)
    gender: str | None = None


@dataclass(slots=True)
class Reason:
    code: str
    text: str
    weight: float = 0.0  # change to the score (0 for name evidence)

    def as_dict(self) -> dict[str, object]:
        return {"code": self.code, "text": self.text, "weight": round(self.weight, 3)}


@dataclass(slots=True)
class Hit:
    entry: IndexedEntry
    matched_name: str
    name_quality: str
    score: float
    name_score: float
    threshold: float
    #: The qualifying reasons (dates, countries, type, identifiers); the name's own
    #: reason is written on demand by :meth:`explained` (most hits are never shown).
    qualifiers: list[Reason] = field(default_factory=list)
    name: NameScore | None = None
    party_name: str = ""

    @property
    def alert(self) -> bool:
        return self.score >= self.threshold

    @property
    def reasons(self) -> list[Reason]:
        if self.name is None:
            return list(self.qualifiers)
        first = Reason(
            "name",
            f"name '{self.party_name}' ~ listed '{self.matched_name}' ({self.name_quality}): "
            f"{self.name.score:.2f}; {self.name.alignment_text()}",
        )
        return [first, *self.qualifiers]

    def reasons_text(self) -> str:
        return " | ".join(r.text for r in self.reasons)


def _years(dates: Iterable[str]) -> set[int]:
    return {int(d[:4]) for d in dates if d[:4].isdigit()}


def dob_agreement(party: Party, entry: IndexedEntry, exact_name: bool) -> Reason | None:
    """Date of birth: the same day +0.05, the same year +0.02, a year apart 0 (data entry
    slips), further apart -0.3, or only -0.1 when the names are equal word for word (listed
    dates are often approximate: a date must not clear an exact name on its own). Unknown
    on either side: no effect."""
    if not party.birth_date or not entry.birth_dates:
        return None
    if party.birth_date in entry.birth_dates and len(party.birth_date) == 10:
        return Reason("dob_same_day", f"date of birth {party.birth_date} as listed", 0.05)
    pyear = int(party.birth_date[:4]) if party.birth_date[:4].isdigit() else None
    years = _years(entry.birth_dates)
    if pyear is None or not years:
        return None
    gap = min(abs(pyear - y) for y in years)
    listed = ", ".join(entry.birth_dates[:3])
    if gap == 0:
        return Reason("dob_same_year", f"born {pyear}, listed {listed}", 0.02)
    if gap == 1:
        return Reason("dob_near", f"born {pyear}, listed {listed} (a year apart)", 0.0)
    penalty = -0.1 if exact_name else -0.3
    return Reason("dob_mismatch", f"born {pyear}, listed {listed} ({gap} years apart)", penalty)


def country_agreement(party: Party, entry: IndexedEntry, exact_name: bool) -> Reason | None:
    """Countries (nationality, address): one in common +0.02, none in common -0.05 (-0.1
    for a person's nationality against a listed person's: a stronger tie than an
    address)."""
    if not party.countries or not entry.countries:
        return None
    common = party.countries & entry.countries
    if common:
        return Reason(
            "country_match", f"country {', '.join(sorted(common)).upper()} as listed", 0.02
        )
    both_persons = party.kind is EntityKind.person and entry.kind is EntityKind.person
    return Reason(
        "country_mismatch",
        f"country {', '.join(sorted(party.countries)).upper()}, listed "
        f"{', '.join(sorted(entry.countries)).upper()}",
        -0.1 if both_persons else -0.05,
    )


def type_agreement(party: Party, entry: IndexedEntry, exact_name: bool) -> Reason | None:
    """A person against a company or vessel entry (or the reverse): -0.3."""
    known = (EntityKind.unknown,)
    if party.kind in known or entry.kind in known:
        return None
    if (party.kind is EntityKind.person) != (entry.kind is EntityKind.person):
        return Reason(
            "type_mismatch", f"{party.kind.value} against a listed {entry.kind.value}", -0.3
        )
    return None


def gender_agreement(party: Party, entry: IndexedEntry, exact_name: bool) -> Reason | None:
    """Both genders stated and different: -0.1."""
    if party.gender and entry.gender and party.gender[0].lower() != entry.gender[0].lower():
        return Reason("gender_mismatch", f"gender {party.gender}, listed {entry.gender}", -0.1)
    return None


#: The qualifying rules, applied in order to every hit.
CONTEXT_RULES: list[Callable[[Party, IndexedEntry, bool], Reason | None]] = [
    dob_agreement,
    country_agreement,
    type_agreement,
    gender_agreement,
]


class Screener:
    """Screens parties against one index with one model and thresholds."""

    def __init__(
        self,
        index: ScreeningIndex,
        model: NameModel,
        thresholds: Thresholds,
        lists: Iterable[str] | None = None,
    ) -> None:
        self.index = index
        self.model = model
        self.thresholds = thresholds
        self.lists = frozenset(lists) if lists else None

    def _wanted(self, entry: IndexedEntry) -> bool:
        if self.lists is None:
            return True
        return entry.list_name in self.lists or (
            entry.source is not None and f"{entry.list_name}/{entry.source}" in self.lists
        )

    def screen(self, party: Party, *, explain: bool = True) -> list[Hit]:
        """Hits for ``party``, best first (only those above the reporting floor)."""
        query = prepare_name(party.name, party.kind)
        best: dict[int, Hit] = {}
        id_entries = self.index.by_identifier(party.identifiers) if party.identifiers else set()
        if query is not None:
            for name_id, _share in self.index.candidates(query):
                indexed = self.index.names[name_id]
                entry = self.index.entries[indexed.entry]
                if not self._wanted(entry):
                    continue
                name = score_prepared(query, indexed.prepared, self.model, explain=explain)
                hit = self._qualify(
                    party, entry, indexed.quality, name, indexed.entry in id_entries
                )
                current = best.get(indexed.entry)
                if current is None or hit.score > current.score:
                    best[indexed.entry] = hit
        for position in id_entries - set(best):
            entry = self.index.entries[position]
            if self._wanted(entry):
                best[position] = self._identifier_only(party, entry)
        floor = {pos: h.threshold * REPORT_FLOOR for pos, h in best.items()}
        hits = [h for pos, h in best.items() if h.score >= floor[pos]]
        hits.sort(key=lambda h: (-h.score, h.entry.list_name, h.entry.key))
        return hits[:MAX_HITS]

    def _threshold(self, party: Party, entry: IndexedEntry) -> float:
        kind = party.kind if party.kind is not EntityKind.unknown else entry.kind
        return self.thresholds.for_group(KIND_GROUPS[kind])

    def _qualify(
        self,
        party: Party,
        entry: IndexedEntry,
        quality: NameQuality,
        name: NameScore,
        identifier: bool,
    ) -> Hit:
        threshold = self._threshold(party, entry)
        reasons: list[Reason] = []
        score = name.score
        exact_name = name.exact_words()
        for rule in CONTEXT_RULES:
            reason = rule(party, entry, exact_name)
            if reason is not None:
                reasons.append(reason)
                score += reason.weight
        if identifier:
            reasons.append(Reason("identifier_match", "an identifier of the party is listed", 0.5))
            score = max(score + 0.5, 0.95)
        if quality is NameQuality.weak and not identifier and score >= threshold:
            # Weak a.k.a.s (short, generic) are listed to help a review, not to raise one.
            reasons.append(
                Reason("weak_alias", "matched a weak alias, which never alerts alone", 0.0)
            )
            score = threshold - 0.01
        return Hit(
            entry=entry,
            matched_name=name.candidate,
            name_quality=quality.value,
            score=max(0.0, min(1.0, score)),
            name_score=name.score,
            threshold=threshold,
            qualifiers=reasons,
            name=name,
            party_name=party.name,
        )

    def _identifier_only(self, party: Party, entry: IndexedEntry) -> Hit:
        threshold = self._threshold(party, entry)
        return Hit(
            entry=entry,
            matched_name=entry.primary_name,
            name_quality="identifier",
            score=0.95,
            name_score=0.0,
            threshold=threshold,
            party_name=party.name,
            qualifiers=[
                Reason(
                    "identifier_match",
                    f"an identifier of the party is listed for '{entry.primary_name}' "
                    "(the names differ)",
                    0.95,
                )
            ],
        )
