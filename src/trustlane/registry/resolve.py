"""Use case: resolve parties named on filings to organizations of the registry.

For a frame of parties (columns ``role, name, address, city, country, identifiers``):

1. **identifier**: an identifier that agrees (same scheme, normalized value) links to the
   organization holding it; when a party's identifiers point at different organizations the
   scheme of highest priority (``vocab.ID_SCHEME_PRIORITY``) wins and the reason says so;
2. **name**: otherwise the name (legal forms set aside) and address are compared with the
   organizations that share a word of the name with it (``org_name_tokens``), never with
   the whole registry, and the best candidate links when ``registry.matching`` says so;
3. **proposed**: otherwise, when asked to, a party with a name or a valid identifier gets a
   new organization with status ``proposed`` — one per distinct party in the call (parties
   sharing an identifier, or with the same name and country, are one) — carrying its
   identifiers, country, address and the trade role its party role suggests.

Parties known by one identifier and nothing else take a set-based path with the same
decisions (:mod:`trustlane.registry.keyed`). Runs in the caller's transaction, a handful of
set-based queries per call.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from trustlane.access.principal import Principal
from trustlane.errors import FieldProblem, Forbidden, InvalidInput
from trustlane.registry import proposals, store
from trustlane.registry.countries import find_country
from trustlane.registry.keyed import (
    SEP,
    in_keys,
    keyed_parties,
    text_keys,
    unheld_organizations,
)
from trustlane.registry.matching import (
    NAME_FLOOR,
    SHOW_FLOOR,
    CandidateView,
    Match,
    NamePool,
    PartyView,
    Reason,
    best_link,
    rank_candidates,
)
from trustlane.registry.names import name_tokens
from trustlane.registry.parties import Party, read_parties
from trustlane.registry.vocab import ID_SCHEME_PRIORITY

#: Blocking: a party's rarest name words are used, at most this many ...
BLOCK_WORDS = 2
#: ... and while they bring at most this many candidate organizations (the rarest word is
#: used whatever its count).
BLOCK_BUDGET = 500


def resolve_parties(
    session: Session, actor: Principal, parties: pd.DataFrame, *, propose: bool = True
) -> pd.DataFrame:
    """Resolve every row of ``parties``; a frame with the same index and the columns
    ``organization_id`` (Int64), ``resolution``, ``resolution_score``, ``resolution_reason``."""
    actor.require("orgs:read")
    if propose and not (actor.can("orgs:write") or actor.can("shipments:write")):
        raise Forbidden(
            f"Your role ({actor.role.value}) may not propose organizations for new parties"
        )
    n = len(parties)
    org_ids: list[int | None] = [None] * n
    how: list[str | None] = [None] * n
    scores: list[float] = [math.nan] * n
    reasons: list[str | None] = [None] * n

    # Parties known by one identifier alone are decided set-based (registry.keyed); the rest
    # are read in full. A keyed row whose identifier another row also carries joins the rest,
    # so that proposals group it with that row.
    keyed = keyed_parties(parties)
    full = np.setdiff1d(np.arange(n), keyed.index.to_numpy(), assume_unique=True).tolist()
    rows = dict(zip(full, read_parties(parties.iloc[full]), strict=True))
    shared = {f"{s}{SEP}{k}" for p in rows.values() for s, k, _ in p.ids}
    if shared:
        moved = in_keys(text_keys(keyed), shared)
        if moved.any():
            back = keyed.index[moved].tolist()
            rows.update(zip(back, read_parties(parties.iloc[back]), strict=True))
            keyed = keyed[~moved]

    # 1. identifiers
    wanted = {(s, k) for p in rows.values() for s, k, _ in p.ids}
    wanted |= set(zip(keyed["scheme"], keyed["key"], strict=True))
    holders = store.identifier_holders(session, wanted)
    labels = store.org_labels(session, set(holders.values()))
    for i, party in rows.items():
        decided = _identifier_decision(party, holders, labels)
        if decided is not None:
            org_ids[i], reasons[i] = decided
            how[i], scores[i] = "identifier", 1.0
    keyed_text = text_keys(keyed)
    held = pd.Series({f"{s}{SEP}{k}": o for (s, k), o in holders.items()}, dtype="Int64")
    found = held.reindex(keyed_text.to_numpy())
    keyed_org = found.astype(object).to_numpy(copy=True)
    keyed_org[found.isna().to_numpy()] = None
    is_held = pd.notna(keyed_org)
    if is_held.any():
        hit = keyed[is_held]
        org = pd.Series(keyed_org[is_held], index=hit.index).astype("int64")
        name = org.map({int(o): labels[int(o)][0] for o in pd.unique(org.to_numpy())})
        text = (
            hit["scheme"]
            + " "
            + hit["given"]
            + " is held by organization "
            + org.astype(str)
            + " ("
            + name
            + ")"
        )
        for i, org_id, reason in zip(hit.index, org, text, strict=True):
            org_ids[i], how[i], scores[i], reasons[i] = int(org_id), "identifier", 1.0, reason

    # 2. names, once per distinct (name, country, address)
    pending = [i for i, party in rows.items() if org_ids[i] is None and party.name]
    views: dict[PartyView, list[int]] = defaultdict(list)
    for i in pending:
        view = rows[i].view()
        if view is not None:
            views[view].append(i)
    blocks = _blocks(session, list(views))
    screened = blocks.screen()
    best_seen: dict[int, Match] = {}
    for view, where in views.items():
        link, best = best_link(view, screened.get(view, {}), blocks.records)
        if link is not None:
            for i in where:
                org_ids[i], how[i], scores[i] = link.org_id, "name", link.score
                reasons[i] = link.reason_text()
        elif best is not None:
            for i in where:
                best_seen[i] = best

    # 3. proposals (or the reason nothing was found)
    unresolved = [i for i in rows if org_ids[i] is None]
    unheld = keyed[~is_held]
    keyed_orgs, keyed_group = unheld_organizations(keyed, ~is_held)
    made: dict[int, proposals.Proposed] = {}
    keyed_ids: list[int] = []
    if propose and (unresolved or len(unheld)):
        made, keyed_ids = proposals.propose(
            session, actor, [(i, rows[i]) for i in unresolved], keyed_orgs
        )
    for i in unresolved:
        reasons[i] = _unresolved_reason(rows[i], best_seen.get(i), made.get(i), propose)
        if i in made:
            org_ids[i], how[i] = made[i].org_id, "proposed"
    if len(unheld):
        text = "no organization holds " + unheld["scheme"] + " " + unheld["given"]
        if keyed_ids:
            group_org = np.asarray(keyed_ids, dtype=np.int64)[keyed_group]
            shared_by = keyed_orgs["rows"].to_numpy()[keyed_group]
            suffix = np.full(len(unheld), "", dtype=object)
            many = shared_by > 1
            suffix[many] = [f", shared by {c} rows of this batch" for c in shared_by[many]]
            text = text + "; proposed new organization " + group_org.astype(str) + suffix
            for i, org_id in zip(unheld.index, group_org.tolist(), strict=True):
                org_ids[i], how[i] = org_id, "proposed"
        else:
            text = text + "; not proposed (proposals off)"
        for i, reason in zip(unheld.index, text, strict=True):
            reasons[i] = reason

    out = pd.DataFrame(
        {
            "organization_id": pd.array(org_ids, dtype="Int64"),
            "resolution": pd.Series(how, dtype=object),
            "resolution_score": pd.Series(scores, dtype="float64"),
            "resolution_reason": pd.Series(reasons, dtype=object),
        }
    )
    out.index = parties.index
    return out


@dataclass(frozen=True)
class Candidate:
    """One candidate organization for one party, for people (the API)."""

    org_id: int
    score: float
    resolution: str
    links: bool
    reasons: list[Reason]


@dataclass(frozen=True)
class PartyResolution:
    decision: str | None
    organization_id: int | None
    candidates: list[Candidate]


def resolve_party(
    session: Session,
    actor: Principal,
    *,
    role: str | None = None,
    name: str | None = None,
    address: str | None = None,
    city: str | None = None,
    country: str | None = None,
    identifiers: dict[str, str] | None = None,
    limit: int = 5,
) -> PartyResolution:
    """Ranked candidates for one party, with scores and reasons; proposes nothing. A trade
    member sees only its own organization among them."""
    actor.require("orgs:read")
    if country and find_country(country) is None:
        raise InvalidInput(
            "Invalid party", [FieldProblem("country", f"unknown country {country!r}")]
        )
    (party,) = read_parties(
        pd.DataFrame(
            [
                {
                    "role": role,
                    "name": name,
                    "address": address,
                    "city": city,
                    "country": country,
                    "identifiers": identifiers or {},
                }
            ]
        )
    )
    holders = store.identifier_holders(session, {(s, k) for s, k, _ in party.ids})
    labels = store.org_labels(session, set(holders.values()))
    decided = _identifier_decision(party, holders, labels)
    out: list[Candidate] = []
    for scheme, key, given in party.ids:
        org_id = holders.get((scheme, key))
        if org_id is None or any(c.org_id == org_id for c in out):
            continue
        text = f"{scheme} {given} is held by organization {org_id} ({labels[org_id][0]})"
        out.append(
            Candidate(
                org_id,
                1.0,
                "identifier",
                decided is not None and decided[0] == org_id,
                [Reason("identifier_same", text)],
            )
        )
    view = party.view()
    if view is not None:
        for match in rank_candidates(view, _blocks(session, [view]).candidates_for(view)):
            if any(c.org_id == match.org_id for c in out):
                continue
            links = decided is None and match.links and not any(c.links for c in out)
            out.append(Candidate(match.org_id, match.score, "name", links, list(match.reasons)))
    if actor.tenant_id is not None:
        out = [c for c in out if c.org_id == actor.tenant_id]
    out.sort(key=lambda c: (not c.links, -c.score, c.org_id))
    out = out[:limit]
    chosen = next((c for c in out if c.links), None)
    return PartyResolution(
        decision=chosen.resolution if chosen else None,
        organization_id=chosen.org_id if chosen else None,
        candidates=out,
    )


def _identifier_decision(
    party: Party, holders: dict[tuple[str, str], int], labels: dict[int, tuple[str, str]]
) -> tuple[int, str] | None:
    hits = [(s, given, holders[(s, k)]) for s, k, given in party.ids if (s, k) in holders]
    if not hits:
        return None
    hits.sort(key=lambda h: _priority(h[0]))
    scheme, given, org_id = hits[0]
    text = f"{scheme} {given} is held by organization {org_id} ({labels[org_id][0]})"
    others = sorted({(s, g, o) for s, g, o in hits[1:] if o != org_id})
    if others:
        listed = ", ".join(f"{s} {g} → organization {o}" for s, g, o in others)
        text += f"; other identifiers point elsewhere ({listed}), {scheme} takes precedence"
    return org_id, text


def _priority(scheme: str) -> int:
    try:
        return ID_SCHEME_PRIORITY.index(scheme)
    except ValueError:
        return len(ID_SCHEME_PRIORITY)


@dataclass
class Blocks:
    """Candidates found through shared name words: the records, one name pool per word, and
    the words chosen for each party."""

    records: dict[int, CandidateView]
    pools: dict[str, NamePool]
    words: dict[PartyView, list[str]]

    def screen(self) -> dict[PartyView, dict[int, float]]:
        """Each party's candidates with a name close enough to link, and its closest one
        (for the reason when none links), with their name similarity: one rapidfuzz matrix
        per word, over the parties that chose that word."""
        by_word: dict[str, list[PartyView]] = defaultdict(list)
        for view, words in self.words.items():
            for word in words:
                if word in self.pools:
                    by_word[word].append(view)
        out: dict[PartyView, dict[int, float]] = {view: {} for view in self.words}
        for word, views in by_word.items():
            screened = self.pools[word].screen(
                [v.core for v in views], NAME_FLOOR, closest=SHOW_FLOOR
            )
            for view, similar in zip(views, screened, strict=True):
                found = out[view]
                for org, score in similar.items():
                    if score > found.get(org, 0.0):
                        found[org] = score
        return out

    def candidates_for(self, view: PartyView) -> list[CandidateView]:
        ids = {o for w in self.words.get(view, []) if w in self.pools for o in self.pools[w].owners}
        return [self.records[i] for i in sorted(ids)]


def _blocks(session: Session, views: Sequence[PartyView]) -> Blocks:
    """Candidate organizations for each party, found through the rarest words of its name:
    words are taken rarest first until they bring :data:`BLOCK_WORDS` words or
    :data:`BLOCK_BUDGET` organizations. A party and a registry name that share no word (or
    only words beyond that budget) are not compared."""
    tokens_of = {v: name_tokens(v.name) for v in views}
    everything: set[str] = set().union(*tokens_of.values()) if tokens_of else set()
    frequency = store.token_frequencies(session, everything) if everything else {}
    chosen_of: dict[PartyView, list[str]] = {}
    for view, tokens in tokens_of.items():
        known = sorted((t for t in tokens if t in frequency), key=lambda t: (frequency[t], t))
        chosen: list[str] = []
        budget = 0
        for token in known:
            if chosen and (len(chosen) >= BLOCK_WORDS or budget + frequency[token] > BLOCK_BUDGET):
                break
            chosen.append(token)
            budget += frequency[token]
        chosen_of[view] = chosen
    holders = store.orgs_with_tokens(
        session, set().union(*chosen_of.values()) if chosen_of else set()
    )
    records = store.candidates(session, {o for ids in holders.values() for o in ids})
    pools = {
        token: NamePool.of(records[i] for i in ids if i in records)
        for token, ids in holders.items()
    }
    return Blocks(records=records, pools=pools, words=chosen_of)


def _unresolved_reason(
    party: Party, best: Match | None, made: proposals.Proposed | None, propose: bool
) -> str | None:
    parts: list[str] = []
    if party.ids:
        listed = ", ".join(f"{s} {g}" for s, _, g in party.ids)
        parts.append(f"no organization holds {listed}")
    if party.bad_ids:
        parts.append("ignored: " + ", ".join(party.bad_ids))
    if best is not None:
        parts.append(
            f"closest name is not close enough ({best.reason_text()}; score {best.score:.2f})"
        )
    elif party.name:
        parts.append(f"no organization with a name like {party.name!r}")
    if made is not None:
        shared = f", shared by {made.rows} rows of this batch" if made.rows > 1 else ""
        parts.append(f"proposed new organization {made.org_id}{shared}")
    elif not party.name and not party.ids:
        parts.append("no name and no usable identifier")
    elif not propose:
        parts.append("not proposed (proposals off)")
    return "; ".join(parts) if parts else None
