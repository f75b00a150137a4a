"""Organizations proposed by party resolution for parties the registry does not know.

One proposal per distinct party in a call: rows that share an identifier are one party
(connected through any shared identifier), and rows with a name but no identifier join the
party with the same folded name and country. Proposals are written in bulk (one INSERT per
table) with one audit entry for the batch, and wait for a person to confirm or merge them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from trustlane.access import audit
from trustlane.access.principal import Principal
from trustlane.db import utcnow
from trustlane.registry import store
from trustlane.registry.identifiers import (
    Identifier,
    IdentifierError,
    normalize_identifier,
    party_issuer,
)
from trustlane.registry.models import OrgAddress, OrgIdentifier, OrgRole
from trustlane.registry.names import core_name, name_key, name_tokens
from trustlane.registry.parties import Party, most_common
from trustlane.registry.vocab import (
    PARTY_ROLE_TRADE_ROLE,
    AddressKind,
    IdScheme,
    OrgKind,
    OrgStatus,
    TradeRole,
)


@dataclass(frozen=True)
class Proposed:
    """The organization proposed for a row, and how many rows of the call share it."""

    org_id: int
    rows: int


def group_parties(items: Sequence[tuple[int, Party]]) -> list[list[tuple[int, Party]]]:
    """Rows that are one party: connected by shared identifiers, or with the same folded name
    and country (rows with neither a name nor a usable identifier are left out)."""
    parent: dict[tuple[str, str], tuple[str, str]] = {}

    def find(key: tuple[str, str]) -> tuple[str, str]:
        root = key
        while parent[root] != root:
            root = parent[root]
        while parent[key] != root:  # path compression
            parent[key], key = root, parent[key]
        return root

    for _, party in items:
        keys = [(s, k) for s, k, _ in party.ids]
        for key in keys:
            parent.setdefault(key, key)
        for key in keys[1:]:
            a, b = find(keys[0]), find(key)
            if a != b:
                parent[b] = a
    by_root: dict[tuple[str, str], list[tuple[int, Party]]] = defaultdict(list)
    by_name: dict[tuple[str, str | None], list[tuple[int, Party]]] = defaultdict(list)
    for item in items:
        party = item[1]
        if party.ids:
            by_root[find((party.ids[0][0], party.ids[0][1]))].append(item)
        elif party.name:
            by_name[(core_name(party.name), party.country)].append(item)
    groups = list(by_root.values())
    # A nameless-identifier row and a name-only row of the same company cannot be told to be
    # one; a named row with identifiers and a name-only row with the same name and country can.
    named: dict[tuple[str, str | None], list[tuple[int, Party]]] = {}
    for group in groups:
        name = most_common([p.name for _, p in group])
        country = most_common([p.country for _, p in group])
        if name:
            named.setdefault((core_name(name), country), group)
    for signature, rows in by_name.items():
        if signature in named:
            named[signature].extend(rows)
        else:
            groups.append(rows)
    return groups


def propose(
    session: Session, actor: Principal, items: Sequence[tuple[int, Party]]
) -> dict[int, Proposed]:
    """Create one proposed organization per distinct party; row index → proposal."""
    groups = group_parties(items)
    if not groups:
        return {}
    now = utcnow()
    specs = [_spec(group) for group in groups]
    ids = store.insert_organizations(
        session,
        [
            {
                "name": spec.name,
                "name_key": name_key(spec.name),
                "kind": OrgKind.trade.value,
                "entity_type": "company",
                "status": OrgStatus.proposed.value,
                "country": spec.country,
                "attributes": spec.attributes,
                "created_at": now,
                "updated_at": now,
            }
            for spec in specs
        ],
    )
    roles, identifiers, addresses, tokens = [], [], [], []
    for org_id, spec in zip(ids, specs, strict=True):
        roles += [{"org_id": org_id, "role": r} for r in spec.roles]
        identifiers += [
            {
                "org_id": org_id,
                "scheme": i.scheme,
                "value": i.value,
                "value_key": i.key,
                "country": i.country,
            }
            for i in spec.identifiers
        ]
        if spec.address is not None:
            addresses.append({"org_id": org_id, **spec.address})
        if not spec.generated_name:
            tokens += [{"org_id": org_id, "token": t} for t in sorted(name_tokens(spec.name))]
    store.insert_rows(session, OrgRole, roles)
    store.insert_rows(session, OrgIdentifier, identifiers)
    store.insert_rows(session, OrgAddress, addresses)
    store.insert_name_tokens(session, tokens)
    # One audit entry for the batch, listing every organization proposed, as bulk writes
    # (ingest) are audited: one entry per record would cost more than the proposals.
    audit.record(
        session,
        actor,
        "propose",
        "organization",
        None,
        tenant_id=actor.tenant_id,
        summary=(
            f"party resolution proposed {len(ids)} organizations for "
            f"{sum(len(g) for g in groups)} parties"
        ),
        after={
            "organizations": [
                {
                    "id": org_id,
                    "name": spec.name,
                    "country": spec.country,
                    "roles": spec.roles,
                    "identifiers": [
                        {"scheme": i.scheme, "value": i.value, "country": i.country}
                        for i in spec.identifiers
                    ],
                    "address": spec.address,
                    "rows": len(group),
                }
                for org_id, spec, group in zip(ids, specs, groups, strict=True)
            ]
        },
    )
    out: dict[int, Proposed] = {}
    for org_id, group in zip(ids, groups, strict=True):
        for row, _ in group:
            out[row] = Proposed(org_id=org_id, rows=len(group))
    return out


@dataclass(frozen=True)
class _Spec:
    name: str
    generated_name: bool
    country: str | None
    roles: list[str]
    identifiers: list[Identifier]
    address: dict[str, Any] | None
    attributes: dict[str, Any]


def _spec(group: Sequence[tuple[int, Party]]) -> _Spec:
    parties = [p for _, p in group]
    country = most_common([p.country for p in parties])
    identifiers: dict[tuple[str, str], Identifier] = {}
    for party in parties:
        for scheme, key, given in party.ids:
            if (scheme, key) in identifiers:
                continue
            try:
                identifiers[(scheme, key)] = normalize_identifier(
                    scheme, given, party_issuer(scheme, party.country)
                )
            except IdentifierError:  # it passed as a key, so this does not happen; be safe
                continue
    name = most_common([p.name for p in parties])
    generated = name is None
    party_roles = sorted({p.role for p in parties if p.role})
    if name is None:
        first = next(iter(identifiers.values()))
        who = party_roles[0].replace("_", " ") if party_roles else "party"
        name = f"Unnamed {who} ({first.scheme} {first.value})"
    roles = {PARTY_ROLE_TRADE_ROLE[r].value for r in party_roles if r in PARTY_ROLE_TRADE_ROLE}
    if "carrier" in party_roles and any(k[0] == IdScheme.imo.value for k in identifiers):
        roles.add(TradeRole.sea_carrier.value)
    address = None
    with_address = next((p for p in parties if (p.street or p.city) and p.country), None)
    if with_address is not None:
        address = {
            "kind": AddressKind.operational.value,
            "street": with_address.street[:300] if with_address.street else None,
            "city": with_address.city[:120] if with_address.city else None,
            "subdivision": None,
            "postal_code": None,
            "country": with_address.country,
        }
    attributes: dict[str, Any] = {"proposed_by": "party resolution", "party_roles": party_roles}
    if generated:
        attributes["generated_name"] = True
    return _Spec(
        name=name[:300],
        generated_name=generated,
        country=country,
        roles=sorted(roles),
        identifiers=list(identifiers.values()),
        address=address,
        attributes=attributes,
    )
