"""Use cases: find, list, create and delete chains, with the tenant rules.

A trade member sees and changes its own chains only (another member's chain is "not found",
never "forbidden"); agency users see every chain. Chains the agency keeps (critical supply
chains it studies) have no tenant.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from trustlane.access import audit
from trustlane.access.principal import Principal
from trustlane.errors import FieldProblem, Forbidden, InvalidInput, NotFound
from trustlane.paging import Page, PageRequest
from trustlane.supplychain import store
from trustlane.supplychain.models import Chain

#: The chain used when a command names none and the caller has no other.
DEFAULT_CHAIN = "default"


def owner_of(actor: Principal, tenant_id: int | None) -> int | None:
    """The tenant a new chain belongs to: a member's own organization; for the agency, the
    tenant it names (None: an agency chain)."""
    if actor.is_agency:
        return tenant_id
    if tenant_id is not None and tenant_id != actor.org_id:
        raise Forbidden("A trade member keeps chains for its own organization only")
    return actor.org_id


def get_chain(session: Session, actor: Principal, chain_id: int) -> Chain:
    actor.require("supplychain:read")
    chain = session.get(Chain, chain_id)
    if chain is None:
        raise NotFound(f"Chain {chain_id} not found")
    actor.require_tenant(chain.tenant_id, f"Chain {chain_id}")
    return chain


def find_chain(
    session: Session, actor: Principal, name: str | None = None, tenant_id: int | None = None
) -> Chain:
    """The chain called ``name`` (or the caller's only chain, or ``default``)."""
    actor.require("supplychain:read")
    visible = actor.tenant_id if actor.tenant_id is not None else tenant_id
    if name is None:
        chains = store.visible_chains(session, visible)
        if len(chains) == 1:
            return chains[0]
        if not chains:
            raise NotFound("No supply chain yet; import one with `supplychain import`")
        name = DEFAULT_CHAIN
        if not any(c.name == name for c in chains):
            names = ", ".join(sorted({c.name for c in chains}))
            raise InvalidInput(
                "Several chains; name one",
                [FieldProblem("chain", f"one of: {names}")],
            )
    found = store.chains_named(session, name, visible)
    if not found:
        raise NotFound(f"Chain {name!r} not found")
    if len(found) > 1:
        agency = [c for c in found if c.tenant_id is None]
        if len(agency) == 1:
            return agency[0]
        owners = ", ".join(str(c.tenant_id) for c in found)
        raise InvalidInput(
            f"Several chains are called {name!r}",
            [FieldProblem("tenant", f"name the owner organization: one of {owners}")],
        )
    return found[0]


def list_chains(
    session: Session, actor: Principal, page: PageRequest, q: str | None = None
) -> Page[Chain]:
    """The chains one may see, a page of them; ``q`` searches name and description."""
    actor.require("supplychain:read")
    return store.page_chains(session, actor.tenant_id, page, q)


def create_chain(
    session: Session,
    actor: Principal,
    name: str,
    *,
    tenant_id: int | None = None,
    source: str = "csv",
    description: str | None = None,
) -> Chain:
    """A new, empty chain (audited)."""
    actor.require("supplychain:write")
    name = name.strip()
    if not name or len(name) > 120:
        raise InvalidInput("Bad chain name", [FieldProblem("chain", "1 to 120 characters")])
    owner = owner_of(actor, tenant_id)
    chain = Chain(
        tenant_id=owner,
        owner_key=owner or 0,
        name=name,
        description=description,
        source=source,
        created_by=actor.label,
        import_problems=[],
        import_warnings=[],
        attributes={},
    )
    session.add(chain)
    session.flush()
    audit.record(
        session,
        actor,
        "create",
        "supply_chain",
        chain.id,
        tenant_id=owner,
        after=audit.snapshot(chain),
    )
    return chain


def chain_for_write(
    session: Session,
    actor: Principal,
    name: str,
    *,
    tenant_id: int | None = None,
    source: str = "csv",
    description: str | None = None,
) -> tuple[Chain, bool]:
    """The owner's chain called ``name``, created when new; True when it was created."""
    actor.require("supplychain:write")
    owner = owner_of(actor, tenant_id)
    for chain in store.chains_named(session, name, None):
        if chain.tenant_id == owner:
            return chain, False
    return create_chain(
        session, actor, name, tenant_id=owner, source=source, description=description
    ), True


def delete_chain(session: Session, actor: Principal, chain_id: int) -> None:
    actor.require("supplychain:write")
    chain = get_chain(session, actor, chain_id)
    before = audit.snapshot(chain)
    store.clear_chain(session, chain.id)
    session.delete(chain)
    audit.record(
        session, actor, "delete", "supply_chain", chain_id, tenant_id=chain.tenant_id, before=before
    )
