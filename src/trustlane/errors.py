"""The errors of trustlane's domain code. Each carries an HTTP status and a CLI exit code.

Domain code raises these and never imports the web framework; the web app has one handler
that renders them as ``application/problem+json`` and the CLI turns them into a message and
an exit code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar


@dataclass
class FieldProblem:
    """One thing wrong with one input field, optionally at a row of a file."""

    field: str
    reason: str
    row: int | None = None
    value: Any = None

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"field": self.field, "reason": self.reason}
        if self.row is not None:
            out["row"] = self.row
        if self.value is not None:
            out["value"] = self.value
        return out

    def __str__(self) -> str:
        where = f"row {self.row}, " if self.row is not None else ""
        return f"{where}{self.field}: {self.reason}"


@dataclass
class TrustlaneError(Exception):
    """Base error: a message a person can act on, an HTTP status and an exit code."""

    message: str
    problems: list[FieldProblem] = field(default_factory=list)
    status: ClassVar[int] = 500
    exit_code: ClassVar[int] = 1
    title: ClassVar[str] = "Internal error"

    def __post_init__(self) -> None:
        super().__init__(self.message)

    def __str__(self) -> str:
        if not self.problems:
            return self.message
        listed = "; ".join(str(p) for p in self.problems[:10])
        more = f" (and {len(self.problems) - 10} more)" if len(self.problems) > 10 else ""
        return f"{self.message}: {listed}{more}"


class InvalidInput(TrustlaneError):
    """The input is malformed or breaks a rule (422)."""

    status = 422
    exit_code = 2
    title = "Invalid input"


class NotFound(TrustlaneError):
    """The record does not exist, or the caller may not know that it does (404)."""

    status = 404
    exit_code = 3
    title = "Not found"


class Conflict(TrustlaneError):
    """The request conflicts with the stored state, e.g. a duplicate key (409)."""

    status = 409
    exit_code = 4
    title = "Conflict"


class Unauthorized(TrustlaneError):
    """No valid credentials were given (401)."""

    status = 401
    exit_code = 5
    title = "Unauthorized"


class Forbidden(TrustlaneError):
    """The caller is known but its role does not allow this (403)."""

    status = 403
    exit_code = 5
    title = "Forbidden"


class PayloadTooLarge(TrustlaneError):
    """An upload exceeds the configured size limit (413)."""

    status = 413
    exit_code = 2
    title = "Payload too large"


class NotMigrated(TrustlaneError):
    """The database schema is missing or older than this code (503)."""

    status = 503
    exit_code = 6
    title = "Database not migrated"
