"""Use case: screen one name now (a business partner, a name heard on the phone), with
every hit ranked and explained. Nothing is stored and no alert is raised: the review queue
holds parties the platform keeps (shipment parties, organizations).

The form's fields are checked one by one, so that a page can show each problem next to
its field: a name is required, a country must be one the ISO tables know, a date of birth
must read as a date ("1965", "1965-03", "12 Mar 1965").
"""

from __future__ import annotations

from dataclasses import dataclass

from trustlane.access.principal import Principal
from trustlane.db import Database
from trustlane.errors import FieldProblem, InvalidInput
from trustlane.screening.engine import Hit, Party
from trustlane.screening.normalize import EntityKind
from trustlane.screening.records import birth_dates, country_code
from trustlane.settings import Settings

#: Types a person may pick, as the engine's kinds.
PARTY_TYPES = {
    "": EntityKind.unknown,
    "person": EntityKind.person,
    "organization": EntityKind.organization,
    "vessel": EntityKind.vessel,
    "aircraft": EntityKind.aircraft,
}


@dataclass(frozen=True)
class NameQuery:
    name: str
    party_type: str = ""
    country: str = ""
    date_of_birth: str = ""
    identifier: str = ""


def party_of(query: NameQuery) -> Party:
    """The party to screen, or :class:`InvalidInput` naming every field that is wrong."""
    problems: list[FieldProblem] = []
    name = query.name.strip()
    if not name:
        problems.append(FieldProblem("name", "required"))
    elif len(name) > 500:
        problems.append(FieldProblem("name", "at most 500 characters"))
    kind = PARTY_TYPES.get(query.party_type.strip().lower())
    if kind is None:
        problems.append(
            FieldProblem("party_type", f"one of {', '.join(t for t in PARTY_TYPES if t)}")
        )
    code = None
    if query.country.strip():
        code = country_code(query.country)
        if code is None:
            problems.append(
                FieldProblem(
                    "country", "not a country we know (a name or ISO code)", value=query.country
                )
            )
    dates: list[str] = []
    if query.date_of_birth.strip():
        dates = birth_dates(query.date_of_birth)
        if not dates:
            problems.append(
                FieldProblem(
                    "date_of_birth",
                    "not a date (YYYY, YYYY-MM or YYYY-MM-DD)",
                    value=query.date_of_birth,
                )
            )
    identifier = "".join(c for c in query.identifier.upper() if c.isalnum())
    if query.identifier.strip() and len(identifier) < 5:
        problems.append(FieldProblem("identifier", "at least 5 letters or digits"))
    if problems:
        raise InvalidInput("Check the highlighted fields", problems)
    return Party(
        name=name,
        kind=kind or EntityKind.unknown,
        birth_date=dates[0] if dates else None,
        countries=frozenset([code]) if code else frozenset(),
        identifiers=frozenset([identifier]) if identifier else frozenset(),
    )


def screen_name(
    database: Database,
    settings: Settings,
    actor: Principal,
    query: NameQuery,
    lists: list[str] | None = None,
) -> list[Hit]:
    """Hits for one party against the loaded lists, best first, each with its reasons."""
    from trustlane.screening.screeners import get_screener

    actor.require("screening:read")
    party = party_of(query)
    return get_screener(database, settings, lists).screen(party)
