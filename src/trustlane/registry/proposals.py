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
from itertools import chain
from typing import Any

import numpy as np
import pandas as pd
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
from trustlane.registry.models import OrgAddress, OrgIdentifier, OrgNameToken, OrgRole
from trustlane.registry.names import core_name, name_key, name_tokens
from trustlane.registry.parties import Party, most_common
from trustlane.registry.vocab import (
    AddressKind,
    IdScheme,
    OrgKind,
    OrgStatus,
    trade_roles,
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
    session: Session,
    actor: Principal,
    items: Sequence[tuple[int, Party]],
    keyed: pd.DataFrame | None = None,
) -> tuple[dict[int, Proposed], list[int]]:
    """Create one proposed organization per distinct party. ``items`` are parties read in
    full, grouped here (row → proposal, first result); ``keyed`` are organizations made
    already for parties known by one identifier (:func:`keyed.unheld_organizations`), whose
    ids are the second result, in their order."""
    groups = group_parties(items)
    specs = [_spec(group) for group in groups]
    new = NewOrganizations.of_specs(specs, [len(g) for g in groups])
    if keyed is not None and len(keyed):
        new = new.then(NewOrganizations.of_keyed(keyed))
    if new.orgs.empty:
        return {}, []
    ids = _write(session, actor, new)
    out: dict[int, Proposed] = {}
    for org_id, group in zip(ids, groups, strict=False):
        proposal = Proposed(org_id=org_id, rows=len(group))
        for row, _ in group:
            out[row] = proposal
    return out, ids[len(groups) :]


@dataclass(frozen=True)
class NewOrganizations:
    """Organizations to propose, column-wise. ``orgs`` has one row per organization (name,
    name_key, country, attributes, rows: the parties of the call it stands for); the other
    frames refer to them by position (``org``)."""

    orgs: pd.DataFrame
    roles: pd.DataFrame  # org, role
    identifiers: pd.DataFrame  # org, scheme, value, value_key, country
    addresses: pd.DataFrame  # org, kind, street, city, subdivision, postal_code, country
    tokens: pd.DataFrame  # org, token

    @classmethod
    def of_specs(cls, specs: Sequence[_Spec], rows: Sequence[int]) -> NewOrganizations:
        at = range(len(specs))
        return cls(
            orgs=pd.DataFrame(
                {
                    "name": [s.name for s in specs],
                    "name_key": [s.name_key for s in specs],
                    "country": [s.country for s in specs],
                    "attributes": [s.attributes for s in specs],
                    "rows": list(rows),
                },
                dtype=object,
            ),
            roles=_frame(
                ["org", "role"], [(o, r) for o, s in zip(at, specs, strict=True) for r in s.roles]
            ),
            identifiers=_frame(
                ["org", "scheme", "value", "value_key", "country"],
                [
                    (o, i.scheme, i.value, i.key, i.country)
                    for o, s in zip(at, specs, strict=True)
                    for i in s.identifiers
                ],
            ),
            addresses=_frame(
                ["org", *ADDRESS_FIELDS],
                [
                    (o, *(s.address[f] for f in ADDRESS_FIELDS))
                    for o, s in zip(at, specs, strict=True)
                    if s.address
                ],
            ),
            tokens=_frame(
                ["org", "token"],
                [
                    (o, t)
                    for o, s in zip(at, specs, strict=True)
                    if not s.generated_name
                    for t in sorted(name_tokens(s.name))
                ],
            ),
        )

    @classmethod
    def of_keyed(cls, keyed: pd.DataFrame) -> NewOrganizations:
        """From :func:`keyed.unheld_organizations`: one identifier each, no address, and no
        name tokens (their names are generated)."""
        at = np.arange(len(keyed))
        counts = np.fromiter((len(r) for r in keyed["roles"]), dtype=np.int64, count=len(keyed))
        return cls(
            orgs=keyed[["name", "name_key", "country", "attributes", "rows"]].reset_index(
                drop=True
            ),
            roles=pd.DataFrame(
                {"org": np.repeat(at, counts), "role": list(chain.from_iterable(keyed["roles"]))}
            ),
            identifiers=pd.DataFrame(
                {
                    "org": at,
                    "scheme": keyed["scheme"].to_numpy(),
                    "value": keyed["value"].to_numpy(),
                    "value_key": keyed["key"].to_numpy(),
                    "country": keyed["id_country"].to_numpy(),
                }
            ),
            addresses=_frame(["org", *ADDRESS_FIELDS], []),
            tokens=_frame(["org", "token"], []),
        )

    def then(self, other: NewOrganizations) -> NewOrganizations:
        """These organizations followed by ``other``'s."""
        offset = len(self.orgs)

        def joined(mine: pd.DataFrame, theirs: pd.DataFrame) -> pd.DataFrame:
            if theirs.empty:
                return mine
            moved = theirs.assign(org=theirs["org"].to_numpy() + offset)
            return moved if mine.empty else pd.concat([mine, moved], ignore_index=True)

        orgs = pd.concat([self.orgs, other.orgs], ignore_index=True) if offset else other.orgs
        return NewOrganizations(
            orgs=orgs,
            roles=joined(self.roles, other.roles),
            identifiers=joined(self.identifiers, other.identifiers),
            addresses=joined(self.addresses, other.addresses),
            tokens=joined(self.tokens, other.tokens),
        )


ADDRESS_FIELDS = ("kind", "street", "city", "subdivision", "postal_code", "country")


def _frame(columns: list[str], rows: list[tuple[Any, ...]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=columns) if rows else pd.DataFrame(columns=columns)


def _write(session: Session, actor: Principal, new: NewOrganizations) -> list[int]:
    """The organizations, their roles, identifiers, addresses and name tokens, one bulk insert
    per table, and one audit entry listing them."""
    now = utcnow()
    orgs = new.orgs
    ids = store.insert_organizations(
        session,
        orgs[["name", "name_key", "country", "attributes"]].assign(
            kind=TRADE, entity_type="company", status=PROPOSED, created_at=now, updated_at=now
        ),
    )
    of = np.asarray(ids, dtype=np.int64)

    def numbered(frame: pd.DataFrame) -> pd.DataFrame:
        return frame.assign(org_id=of[frame["org"].to_numpy(dtype=np.int64)])

    store.insert_frame(session, OrgRole, numbered(new.roles))
    store.insert_frame(session, OrgIdentifier, numbered(new.identifiers))
    store.insert_frame(session, OrgAddress, numbered(new.addresses))
    store.insert_frame(session, OrgNameToken, numbered(new.tokens))
    # One audit entry for the batch listing every organization proposed and what it holds,
    # as bulk writes (ingest) are audited: one entry per record would cost more than the
    # proposals. Listed column-wise (the i-th entry of each list belongs together): an ingest
    # proposes tens of thousands, and a dict per organization costs several times as much.
    audit.record(
        session,
        actor,
        "propose",
        "organization",
        None,
        tenant_id=actor.tenant_id,
        summary=(
            f"party resolution proposed {len(ids)} organizations for "
            f"{int(orgs['rows'].sum())} parties"
        ),
        after={
            "organizations": {
                "id": ids,
                "name": orgs["name"].tolist(),
                "country": orgs["country"].tolist(),
                "rows": [int(r) for r in orgs["rows"]],
            },
            "roles": _listed(numbered(new.roles), ["org_id", "role"]),
            "identifiers": _listed(
                numbered(new.identifiers), ["org_id", "scheme", "value", "country"]
            ),
            "addresses": _listed(numbered(new.addresses), ["org_id", "street", "city", "country"]),
        },
    )
    return ids


def _listed(frame: pd.DataFrame, columns: list[str]) -> dict[str, list[Any]]:
    return {c: frame[c].astype(object).where(frame[c].notna(), None).tolist() for c in columns}


PROPOSED = OrgStatus.proposed.value
TRADE = OrgKind.trade.value


@dataclass(frozen=True)
class _Spec:
    name: str
    name_key: str
    generated_name: bool
    country: str | None
    roles: tuple[str, ...]
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
    roles = trade_roles(tuple(party_roles), any(k[0] == IdScheme.imo for k in identifiers))
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
        name_key=name_key(name[:300]),
        generated_name=generated,
        country=country,
        roles=roles,
        identifiers=list(identifiers.values()),
        address=address,
        attributes=attributes,
    )
