"""Use cases: evidence files behind a member's answers and its responses to required actions.

An upload is refused when it is larger than the limit (413) or when its bytes are not one of
the accepted document types (422): the type is read from the content itself, and a declared
type or a file extension that disagrees with the content is refused too, so that an
executable renamed ``.pdf`` does not pass. Each file is stored with its SHA-256; the same file
given twice for the same purpose is kept once; reading a file checks its hash again.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePath

from sqlalchemy.orm import Session

from trustlane.access import audit
from trustlane.access.principal import Principal
from trustlane.errors import FieldProblem, InvalidInput, NotFound, PayloadTooLarge, TrustlaneError
from trustlane.programs import store
from trustlane.programs.catalogs import catalog_in_force
from trustlane.programs.membership import get_member
from trustlane.programs.models import Action, Evidence


@dataclass(frozen=True)
class DocumentType:
    """An accepted kind of evidence: its media type, extensions and how to recognize it."""

    media_type: str
    label: str
    extensions: tuple[str, ...]
    recognize: Callable[[bytes], bool]


def _ooxml(part: str) -> Callable[[bytes], bool]:
    """Office Open XML files are zip packages with a content-types part and a main folder."""

    def recognize(data: bytes) -> bool:
        if not data.startswith(b"PK\x03\x04"):
            return False
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                names = set(z.namelist())
        except zipfile.BadZipFile:
            return False
        return "[Content_Types].xml" in names and any(n.startswith(part) for n in names)

    return recognize


def _text(data: bytes) -> bool:
    """UTF-8 text without NUL bytes (binary files nearly always have some)."""
    if b"\x00" in data[:65536]:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


#: What members may upload, most specific first (the first that recognizes the bytes wins).
DOCUMENT_TYPES = [
    DocumentType("application/pdf", "PDF", (".pdf",), lambda d: d.startswith(b"%PDF-")),
    DocumentType("image/png", "PNG image", (".png",), lambda d: d.startswith(b"\x89PNG\r\n\x1a\n")),
    DocumentType(
        "image/jpeg", "JPEG image", (".jpg", ".jpeg"), lambda d: d.startswith(b"\xff\xd8\xff")
    ),
    DocumentType(
        "image/tiff",
        "TIFF image",
        (".tif", ".tiff"),
        lambda d: d.startswith((b"II*\x00", b"MM\x00*")),
    ),
    DocumentType(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "Word document",
        (".docx",),
        _ooxml("word/"),
    ),
    DocumentType(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "Excel workbook",
        (".xlsx",),
        _ooxml("xl/"),
    ),
    DocumentType("text/csv", "CSV text", (".csv",), _text),
    DocumentType("text/plain", "plain text", (".txt", ".md", ".log"), _text),
]
#: Declared types that say nothing about the content (browsers send them for unknown files).
GENERIC_TYPES = {"", "application/octet-stream", "binary/octet-stream"}


def detect(data: bytes, filename: str, declared: str | None) -> DocumentType:
    """The document type of ``data``, or :class:`InvalidInput` saying why it is refused."""
    suffix = PurePath(filename).suffix.lower()
    candidates = [t for t in DOCUMENT_TYPES if suffix in t.extensions]
    accepted = ", ".join(sorted({t.label for t in DOCUMENT_TYPES}))
    if not candidates:
        raise InvalidInput(
            "This kind of file is not accepted as evidence",
            [FieldProblem("file", f"extension {suffix or '(none)'} is not one of: {accepted}")],
        )
    kind = next((t for t in candidates if t.recognize(data)), None)
    if kind is None:
        raise InvalidInput(
            "The file's content does not match its name",
            [
                FieldProblem(
                    "file", f"{filename} is not a valid {candidates[0].label}", value=filename
                )
            ],
        )
    media = (declared or "").split(";")[0].strip().lower()
    text_types = {"text/plain", "text/csv"}
    agrees = media in GENERIC_TYPES or media == kind.media_type
    agrees = agrees or (media in text_types and kind.media_type in text_types)
    if not agrees:
        raise InvalidInput(
            "The declared content type does not match the file",
            [
                FieldProblem(
                    "content_type", f"declared {media} but the file is {kind.label}", value=media
                )
            ],
        )
    return kind


def clean_filename(name: str) -> str:
    """The last path component, without control characters or quotes (it goes into a
    Content-Disposition header on download), at most 255 characters."""
    base = PurePath(name.replace("\\", "/")).name
    base = "".join(ch if ch not in "\"'" else "_" for ch in base if ch.isprintable()).strip()
    return base[-255:] or "evidence"


def add_evidence(
    session: Session,
    actor: Principal,
    member_id: int,
    *,
    filename: str,
    data: bytes,
    content_type: str | None,
    max_bytes: int,
    criterion: str | None = None,
    action_id: int | None = None,
    note: str | None = None,
) -> Evidence:
    """Store an evidence file for a criterion of the member's profile or a required action."""
    actor.require("programs:write")
    member = get_member(session, actor, member_id)
    if len(data) > max_bytes:
        raise PayloadTooLarge(
            f"The file is {len(data):,} bytes; evidence is limited to {max_bytes:,} bytes",
            [FieldProblem("file", f"larger than {max_bytes:,} bytes")],
        )
    if not data:
        raise InvalidInput("The file is empty", [FieldProblem("file", "no content")])
    name = clean_filename(filename)
    kind = detect(data, name, content_type)
    problems = []
    if criterion is not None:
        catalog = catalog_in_force(session, member.program).catalog
        c = catalog.by_id.get(criterion)
        if c is None or member.entity_type not in c.entity_types:
            problems.append(
                FieldProblem(
                    "criterion", f"not a criterion for {member.entity_type}", None, criterion
                )
            )
    if action_id is not None:
        action = session.get(Action, action_id)
        if action is None or action.member_id != member.id:
            problems.append(
                FieldProblem("action_id", "no such action of this member", None, action_id)
            )
    if problems:
        raise InvalidInput("The evidence cannot be attached", problems)
    digest = hashlib.sha256(data).hexdigest()
    existing = store.same_evidence(session, member.id, digest, criterion, action_id)
    if existing is not None:
        return existing
    evidence = Evidence(
        member_id=member.id,
        criterion=criterion,
        action_id=action_id,
        filename=name,
        content_type=kind.media_type,
        size_bytes=len(data),
        sha256=digest,
        content=data,
        note=(note or "").strip() or None,
        uploaded_by=actor.label,
    )
    session.add(evidence)
    session.flush()
    audit.record(
        session,
        actor,
        "upload",
        "program_evidence",
        evidence.id,
        tenant_id=member.org_id,
        after=audit.snapshot(evidence, exclude={"content"}),
        summary=f"{name} ({len(data):,} bytes, sha256 {digest[:12]}…)",
    )
    return evidence


def list_evidence(session: Session, actor: Principal, member_id: int) -> list[Evidence]:
    member = get_member(session, actor, member_id)
    return store.evidence_of(session, member.id)


class EvidenceCorrupted(TrustlaneError):
    """The stored bytes no longer match the hash taken at upload (500)."""

    status = 500
    title = "Evidence corrupted"


def read_evidence(session: Session, actor: Principal, evidence_id: int) -> tuple[Evidence, bytes]:
    """The evidence record and its bytes, checked against the hash taken at upload."""
    actor.require("programs:read")
    evidence = session.get(Evidence, evidence_id)
    if evidence is None:
        raise NotFound(f"Evidence {evidence_id} not found")
    try:
        get_member(session, actor, evidence.member_id)
    except NotFound:
        raise NotFound(f"Evidence {evidence_id} not found") from None
    data = bytes(evidence.content)
    if hashlib.sha256(data).hexdigest() != evidence.sha256:
        raise EvidenceCorrupted(f"Evidence {evidence_id} does not match its recorded hash")
    return evidence, data
