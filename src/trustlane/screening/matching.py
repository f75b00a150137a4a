"""Name scores with their explanation: two names in, a score in [0, 1], a verdict at the
kind's threshold and the reasons, out.

The score is the learned model's (:mod:`.model`); the explanation lists the aligned words
("'abdulhai' = 'abdulhai'", "'salek' ≈ 'saleek' (typo)") and the features that moved the
score most, each with its contribution in log-odds.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from trustlane.screening.features import FEATURES, KIND_GROUPS, PairView, feature_vector
from trustlane.screening.model import NameModel, load_model
from trustlane.screening.normalize import EntityKind, PreparedName, prepare_name

#: The least score of two names that are equal after normalization.
IDENTICAL_NAME_SCORE = 0.99

#: How aligned words are described in explanations.
HOW_WORDS = {
    "exact": "=",
    "variant": "≈ (known variant of)",
    "acronym": "≈ (acronym of)",
    "initial": "≈ (initial of)",
    "phonetic": "≈ (sounds like)",
    "skeleton": "≈ (romanization of)",
    "fuzzy": "≈",
    "joined": "≈ (joined/split)",
}


@dataclass(slots=True)
class Contribution:
    feature: str
    value: float
    weight: float  # contribution to the log-odds
    sentence: str


@dataclass(slots=True)
class NameScore:
    score: float
    threshold: float
    group: str
    query: str
    candidate: str
    view: PairView | None = None
    contributions: list[Contribution] = field(default_factory=list)

    @property
    def is_match(self) -> bool:
        return self.score >= self.threshold

    def exact_words(self) -> bool:
        """Every word of both names has an equal counterpart."""
        v = self.view
        if v is None or v.alignment.q_free or v.alignment.r_free:
            return False
        return all(p.how == "exact" for p in v.alignment.pairs)

    def alignment_text(self) -> str:
        """'abdulhai' = 'abdulhai'; 'salek' ≈ 'saleek' (0.83); unmatched: 'mohammad'."""
        if self.view is None:
            return "no comparable words"
        v = self.view
        parts: list[str] = []
        for p in v.alignment.pairs:
            a = " ".join(v.q.tokens[i].text for i in p.q)
            b = " ".join(v.r.tokens[j].text for j in p.r)
            if p.how == "exact":
                parts.append(f"'{a}' = '{b}'")
            else:
                parts.append(f"'{a}' {HOW_WORDS.get(p.how, '≈')} '{b}' ({p.sim:.2f})")
        q_free = [v.q.tokens[i].text for i in v.alignment.q_free]
        r_free = [v.r.tokens[j].text for j in v.alignment.r_free]
        if q_free:
            parts.append("only in query: " + ", ".join(f"'{t}'" for t in q_free))
        if r_free:
            parts.append("only in listed name: " + ", ".join(f"'{t}'" for t in r_free))
        return "; ".join(parts) or "no words aligned"

    def explanation(self, top: int = 3) -> str:
        """One line: the score, the aligned words and the features that weighed most."""
        strongest = sorted(self.contributions, key=lambda c: -abs(c.weight))[:top]
        reasons = ", ".join(
            f"{c.sentence} ({'+' if c.weight >= 0 else '-'}{abs(c.weight):.1f})" for c in strongest
        )
        verdict = "match" if self.is_match else "no match"
        return (
            f"{verdict} {self.score:.2f} (threshold {self.threshold:.2f}, {self.group}): "
            f"{self.alignment_text()}; {reasons}"
        )


def score_prepared(
    q: PreparedName, r: PreparedName, model: NameModel, *, explain: bool = True
) -> NameScore:
    """Score two prepared names (the query's kind picks the model group)."""
    group_name = KIND_GROUPS[q.kind if q.kind is not EntityKind.unknown else r.kind]
    group = model.group(group_name)
    view = PairView.build(q, r, model.weights)
    x = feature_vector(view)
    score = group.score(x)
    if q.texts == r.texts:
        # The same words in the same order: the strongest evidence a name can give, however
        # short the name (a one-word name must not score low for being short).
        score = max(score, IDENTICAL_NAME_SCORE)
    result = NameScore(
        score=score,
        threshold=group.threshold,
        group=group_name,
        query=q.original,
        candidate=r.original,
        view=view,
    )
    if explain:
        result.contributions = [
            Contribution(f.name, value, coef * value, f.sentence)
            for f, coef, value in zip(FEATURES, group.coefficients, x, strict=True)
            if value and coef * value
        ]
    return result


def compare_names(
    a: str, b: str, kind: EntityKind = EntityKind.unknown, model: NameModel | None = None
) -> NameScore:
    """Score two raw names of the same kind."""
    model = model or load_model()
    q, r = prepare_name(a, kind), prepare_name(b, kind)
    if q is None or r is None:
        group = KIND_GROUPS[kind]
        return NameScore(0.0, model.group(group).threshold, group, a, b)
    return score_prepared(q, r, model)
