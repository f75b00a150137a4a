"""A criteria catalog as data: focus areas → sections → criteria, per entity type, phased in.

A catalog is a plain document (YAML or JSON in the package, or a stored revision): the
program's identity, its entity types, focus areas and sections, its criteria and the
program's policy (revalidation cycle, action due days, tier rules). :func:`from_document`
validates one and names every problem; :meth:`Catalog.document` writes the canonical form
back (entity-type groups expanded, criteria in catalog order), so that equal catalogs have
equal content hashes whatever shorthand their source used.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any

from trustlane.errors import FieldProblem, InvalidInput
from trustlane.programs.vocab import Level

#: Program slugs: lower-case words joined by hyphens ("ctpat", "port-resilience").
PROGRAM_SLUG = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
#: Criterion and section ids: letters, digits, dots and hyphens ("3.10", "A-2").
CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.\-]{0,15}$")


@dataclass(frozen=True)
class FocusArea:
    id: str
    title: str


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    focus_area: str  # id of its focus area


@dataclass(frozen=True)
class Criterion:
    """One requirement, numbered once for the whole catalog, applying to some entity types."""

    id: str
    section: str  # id of its section
    text: str
    guidance: str
    level: Level
    entity_types: tuple[str, ...]
    effective_from: date

    def applies_to(self, entity_type: str, on: date | None = None) -> bool:
        """True when the criterion binds ``entity_type`` (on ``on``, when given)."""
        return entity_type in self.entity_types and (on is None or self.effective_from <= on)


@dataclass(frozen=True)
class Policy:
    """The program's rules that are numbers, so that another program can set its own."""

    # A validated member is validated again after this many years.
    revalidation_years: int = 4
    # Days a member has to close a required action.
    action_due_days: int = 90
    # The security profile is reviewed by the member every this many months.
    profile_review_months: int = 12
    # A certified member is validated for the first time within this many months.
    first_validation_months: int = 12
    # Required actions on this many "must" criteria make a validation fail (proposed outcome).
    failure_required_actions: int = 6
    # Best practices needed (with no required action) for tier III.
    tier3_best_practices: int = 3


@dataclass(frozen=True)
class Catalog:
    program: str
    title: str
    edition: str
    description: str
    entity_types: Mapping[str, str]  # slug → label, in display order
    focus_areas: tuple[FocusArea, ...]
    sections: tuple[Section, ...]
    criteria: tuple[Criterion, ...]
    policy: Policy = field(default_factory=Policy)

    def section(self, section_id: str) -> Section:
        for s in self.sections:
            if s.id == section_id:
                return s
        raise KeyError(section_id)

    def focus_area(self, focus_area_id: str) -> FocusArea:
        for f in self.focus_areas:
            if f.id == focus_area_id:
                return f
        raise KeyError(focus_area_id)

    def criterion(self, criterion_id: str) -> Criterion:
        found = self.by_id.get(criterion_id)
        if found is None:
            raise KeyError(criterion_id)
        return found

    @property
    def by_id(self) -> dict[str, Criterion]:
        return {c.id: c for c in self.criteria}

    def applicable(self, entity_type: str, on: date | None = None) -> list[Criterion]:
        """The criteria that bind ``entity_type``, those in effect on ``on`` when given."""
        return [c for c in self.criteria if c.applies_to(entity_type, on)]

    def document(self) -> dict[str, Any]:
        """The canonical document: what is stored, hashed and written to YAML/JSON."""
        return {
            "program": self.program,
            "title": self.title,
            "edition": self.edition,
            "description": self.description,
            # A list, not a mapping: JSONB does not keep the order of an object's keys.
            "entity_types": [{"id": k, "label": v} for k, v in self.entity_types.items()],
            "policy": {f.name: getattr(self.policy, f.name) for f in fields(Policy)},
            "focus_areas": [
                {
                    "id": fa.id,
                    "title": fa.title,
                    "sections": [
                        {"id": s.id, "title": s.title}
                        for s in self.sections
                        if s.focus_area == fa.id
                    ],
                }
                for fa in self.focus_areas
            ],
            "criteria": [
                {
                    "id": c.id,
                    "section": c.section,
                    "level": c.level.value,
                    "effective_from": c.effective_from.isoformat(),
                    "entity_types": list(c.entity_types),
                    "text": c.text,
                    "guidance": c.guidance,
                }
                for c in self.criteria
            ],
        }

    def content_hash(self) -> str:
        """SHA-256 of the canonical document: equal catalogs, equal hashes."""
        text = json.dumps(self.document(), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode()).hexdigest()

    def with_criteria(self, criteria: Iterable[Criterion]) -> Catalog:
        """The same catalog with another set of criteria, put in catalog order."""
        return Catalog(
            program=self.program,
            title=self.title,
            edition=self.edition,
            description=self.description,
            entity_types=self.entity_types,
            focus_areas=self.focus_areas,
            sections=self.sections,
            criteria=tuple(sort_criteria(criteria, self.sections)),
            policy=self.policy,
        )


def natural_key(code: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key that puts "3.2" before "3.10" (numbers compared as numbers)."""
    parts = re.split(r"(\d+)", code)
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in parts if p)


def sort_criteria(criteria: Iterable[Criterion], sections: Sequence[Section]) -> list[Criterion]:
    order = {s.id: i for i, s in enumerate(sections)}
    return sorted(criteria, key=lambda c: (order.get(c.section, len(order)), natural_key(c.id)))


def _text(value: Any) -> str:
    return " ".join(str(value).split()) if value is not None else ""


def parse_date(value: Any) -> date | None:
    """A date from a date, a datetime or an ISO ``YYYY-MM-DD`` string; None when it is not."""
    if isinstance(value, date):
        return value if type(value) is date else date(value.year, value.month, value.day)
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        return None


def from_document(doc: Mapping[str, Any], source: str = "document") -> Catalog:
    """Validate a catalog document and build the catalog; every problem named at once.

    ``entity_types`` of a criterion is a list of slugs, ``all``, or names of the document's
    ``groups`` (e.g. ``carriers``), expanded here.
    """
    problems: list[FieldProblem] = []

    def bad(where: str, reason: str, value: Any = None) -> None:
        problems.append(FieldProblem(where, reason, value=value))

    program = str(doc.get("program") or "").strip()
    if not PROGRAM_SLUG.match(program):
        bad("program", "must be a lower-case slug such as 'ctpat'", program or None)
    title = _text(doc.get("title"))
    if not title:
        bad("title", "must not be empty")
    entity_types_raw = doc.get("entity_types") or {}
    if isinstance(entity_types_raw, list):  # the canonical form: [{"id": ..., "label": ...}]
        entity_types_raw = {
            str(e.get("id")): e.get("label") for e in entity_types_raw if isinstance(e, Mapping)
        }
    if not isinstance(entity_types_raw, Mapping) or not entity_types_raw:
        bad("entity_types", "must map each entity type slug to its label")
        entity_types_raw = {}
    entity_types = {str(k): _text(v) or str(k) for k, v in entity_types_raw.items()}
    groups: dict[str, tuple[str, ...]] = {"all": tuple(entity_types)}
    for name, members in (doc.get("groups") or {}).items():
        unknown = [m for m in members if m not in entity_types]
        if unknown:
            bad(f"groups.{name}", f"unknown entity types: {', '.join(unknown)}")
        groups[str(name)] = tuple(m for m in members if m in entity_types)

    policy_raw = doc.get("policy") or {}
    known_policy = {f.name for f in fields(Policy)}
    policy_values: dict[str, int] = {}
    for key, value in policy_raw.items():
        if key not in known_policy:
            bad(f"policy.{key}", f"unknown policy; one of: {', '.join(sorted(known_policy))}")
        elif not isinstance(value, int) or isinstance(value, bool) or value < 0:
            bad(f"policy.{key}", "must be a whole number, 0 or more", value)
        else:
            policy_values[key] = value

    focus_areas: list[FocusArea] = []
    sections: list[Section] = []
    for i, fa in enumerate(doc.get("focus_areas") or []):
        fa_id, fa_title = str(fa.get("id") or "").strip(), _text(fa.get("title"))
        if not fa_id or not fa_title:
            bad(f"focus_areas[{i}]", "needs an id and a title")
            continue
        focus_areas.append(FocusArea(fa_id, fa_title))
        for j, s in enumerate(fa.get("sections") or []):
            s_id, s_title = str(s.get("id") or "").strip(), _text(s.get("title"))
            if not CODE.match(s_id) or not s_title:
                bad(f"focus_areas[{i}].sections[{j}]", "needs an id and a title")
                continue
            if any(x.id == s_id for x in sections):
                bad(f"focus_areas[{i}].sections[{j}].id", "duplicate section id", s_id)
                continue
            sections.append(Section(s_id, s_title, fa_id))
    if not sections:
        bad("focus_areas", "must hold at least one section")
    section_ids = {s.id for s in sections}

    criteria: list[Criterion] = []
    seen: set[str] = set()
    for i, raw in enumerate(doc.get("criteria") or []):
        cid = str(raw.get("id") or "").strip()
        where = f"criteria[{cid or i}]"
        if not CODE.match(cid):
            bad(f"{where}.id", "must be 1-16 letters, digits, dots or hyphens", cid or None)
            continue
        if cid in seen:
            bad(f"{where}.id", "duplicate criterion id", cid)
            continue
        seen.add(cid)
        section = str(raw.get("section") or "").strip()
        if section not in section_ids:
            bad(f"{where}.section", "unknown section", section or None)
        text = _text(raw.get("text"))
        if not text:
            bad(f"{where}.text", "a criterion needs its text")
        level_raw = str(raw.get("level") or "").strip().lower()
        if level_raw not in Level.__members__:
            bad(f"{where}.level", "must be 'must' or 'should'", level_raw or None)
        effective = parse_date(raw.get("effective_from"))
        if effective is None:
            bad(f"{where}.effective_from", "must be a date (YYYY-MM-DD)", raw.get("effective_from"))
        names = raw.get("entity_types") or []
        if isinstance(names, str):
            names = [names]
        expanded: set[str] = set()
        for name in names:
            if name in groups:
                expanded.update(groups[name])
            elif name in entity_types:
                expanded.add(name)
            else:
                bad(f"{where}.entity_types", "unknown entity type or group", name)
        if not expanded and names:
            continue
        if not names:
            bad(f"{where}.entity_types", "name at least one entity type")
        if problems:
            continue
        criteria.append(
            Criterion(
                id=cid,
                section=section,
                text=text,
                guidance=_text(raw.get("guidance")),
                level=Level(level_raw),
                entity_types=tuple(e for e in entity_types if e in expanded),
                effective_from=effective or date.min,
            )
        )
    if problems:
        raise InvalidInput(f"The catalog in {source} is not valid", problems)
    return Catalog(
        program=program,
        title=title,
        edition=_text(doc.get("edition")),
        description=_text(doc.get("description")),
        entity_types=entity_types,
        focus_areas=tuple(focus_areas),
        sections=tuple(sections),
        criteria=tuple(sort_criteria(criteria, sections)),
        policy=Policy(**policy_values),
    )
