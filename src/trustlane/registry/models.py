"""Registry tables: organizations with their roles, identifiers and addresses."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trustlane.db import Base, JSONDoc, UTCDateTime, utcnow


class Organization(Base):
    """A legal entity or facility known to the platform; also the unit of tenancy."""

    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(300))
    # Folded name used for blocking in party resolution (see registry.names).
    name_key: Mapped[str] = mapped_column(sa.String(300), index=True)
    kind: Mapped[str] = mapped_column(sa.String(16), default="trade")
    # company or person: owners in ownership links can be natural persons.
    entity_type: Mapped[str] = mapped_column(sa.String(16), default="company")
    status: Mapped[str] = mapped_column(sa.String(16), default="active", index=True)
    country: Mapped[str | None] = mapped_column(sa.String(2), index=True)
    sector: Mapped[str | None] = mapped_column(sa.String(48), index=True)
    website: Mapped[str | None] = mapped_column(sa.String(300))
    parent_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="SET NULL")
    )
    merged_into_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="SET NULL")
    )
    attributes: Mapped[dict[str, Any]] = mapped_column(JSONDoc, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    roles: Mapped[list[OrgRole]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="OrgRole.role"
    )
    identifiers: Mapped[list[OrgIdentifier]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="OrgIdentifier.id"
    )
    addresses: Mapped[list[OrgAddress]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="OrgAddress.id"
    )
    aliases: Mapped[list[OrgAlias]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="OrgAlias.id"
    )


class OrgRole(Base):
    """One trade role of an organization (importer, sea carrier, ...)."""

    __tablename__ = "org_roles"

    org_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(sa.String(40), primary_key=True)


class OrgIdentifier(Base):
    """An identifier of an organization; one (scheme, value) belongs to one organization."""

    __tablename__ = "org_identifiers"
    __table_args__ = (sa.UniqueConstraint("scheme", "value_key"),)

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    org_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    scheme: Mapped[str] = mapped_column(sa.String(48))
    value: Mapped[str] = mapped_column(sa.String(100))
    # The value folded for comparison: upper case, no spaces or punctuation.
    value_key: Mapped[str] = mapped_column(sa.String(100))
    # Issuing country (ISO 3166-1 alpha-2), for national registry numbers and tax ids.
    country: Mapped[str | None] = mapped_column(sa.String(2))


class OrgAddress(Base):
    """A postal address of an organization, with an ISO 3166 country and subdivision."""

    __tablename__ = "org_addresses"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    org_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(sa.String(16), default="registered")
    street: Mapped[str | None] = mapped_column(sa.String(300))
    city: Mapped[str | None] = mapped_column(sa.String(120))
    subdivision: Mapped[str | None] = mapped_column(sa.String(8))
    postal_code: Mapped[str | None] = mapped_column(sa.String(20))
    country: Mapped[str] = mapped_column(sa.String(2))


class OwnershipLink(Base):
    """``owner`` holds ``share`` (0..1) of ``owned``, as stated by ``source``."""

    __tablename__ = "org_ownership"
    __table_args__ = (
        sa.UniqueConstraint("owner_id", "owned_id"),
        sa.CheckConstraint("share > 0 AND share <= 1", name="share_range"),
    )

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    owner_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    owned_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    share: Mapped[float] = mapped_column(sa.Float)
    source: Mapped[str | None] = mapped_column(sa.String(300))
    as_of: Mapped[datetime | None] = mapped_column(UTCDateTime)


class OrgAlias(Base):
    """Another name of an organization: a trade name, a former name, or the name of a record
    merged into it (so that later filings naming the duplicate still resolve here)."""

    __tablename__ = "org_aliases"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    org_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(300))
    name_key: Mapped[str] = mapped_column(sa.String(300), index=True)
    # alias (given by a person), former (the name before a rename), merged (from a merge).
    kind: Mapped[str] = mapped_column(sa.String(16), default="alias")


class OrgNameToken(Base):
    """A word of one of an organization's names (see ``registry.names.name_tokens``).

    Party resolution finds candidate organizations through shared words instead of comparing
    every party with every organization; kept in step with names and aliases by the use
    cases. Merged records have none, so they are never candidates.
    """

    __tablename__ = "org_name_tokens"

    org_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True
    )
    token: Mapped[str] = mapped_column(sa.String(64), primary_key=True, index=True)
