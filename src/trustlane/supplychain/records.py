"""Use cases: the business records attached to links (purchase orders, invoices, bills of
lading, proofs of payment), one at a time or from a ``documents.csv`` with its files.

``documents.csv``: ``supplier_id, buyer_id, material, kind, number, date, quantity, unit,
amount, currency, file`` (``material`` may be empty when one link joins the two facilities;
``file`` is a path relative to the CSV). Rows are checked like the chain files: a bad row is
rejected with its line, the others are stored.
"""

from __future__ import annotations

import csv
import hashlib
import io
import mimetypes
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from trustlane.access import audit
from trustlane.access.principal import Principal
from trustlane.errors import FieldProblem, InvalidInput, NotFound
from trustlane.supplychain import store
from trustlane.supplychain.dossier import OTHER_KINDS, RECORD_KINDS
from trustlane.supplychain.models import Chain, Link, LinkDocument

KINDS = RECORD_KINDS + OTHER_KINDS
DOCUMENT_COLUMNS = ("supplier_id", "buyer_id", "kind", "number")
#: Largest attached file, in bytes.
MAX_FILE_BYTES = 20 * 2**20


@dataclass
class DocumentInput:
    kind: str
    number: str
    issued_on: date | None = None
    quantity: float | None = None
    unit: str | None = None
    amount: float | None = None
    currency: str | None = None
    file_name: str | None = None
    content: bytes | None = None


@dataclass
class DocumentsReport:
    stored: int
    rejected: list[FieldProblem] = field(default_factory=list)


def check_document(doc: DocumentInput, row: int | None = None) -> list[FieldProblem]:
    problems = []
    if doc.kind not in KINDS:
        problems.append(FieldProblem("kind", f"one of {', '.join(KINDS)}", row, doc.kind))
    if not doc.number.strip() or len(doc.number) > 64:
        problems.append(FieldProblem("number", "1 to 64 characters", row, doc.number))
    for name in ("quantity", "amount"):
        value = getattr(doc, name)
        if value is not None and value < 0:
            problems.append(FieldProblem(name, "may not be negative", row, value))
    if doc.currency and (len(doc.currency) != 3 or not doc.currency.isalpha()):
        problems.append(FieldProblem("currency", "an ISO 4217 code", row, doc.currency))
    if doc.content is not None and len(doc.content) > MAX_FILE_BYTES:
        problems.append(FieldProblem("file", f"larger than {MAX_FILE_BYTES // 2**20} MB", row))
    return problems


def find_link(
    session: Session, chain: Chain, supplier: str, buyer: str, material: str | None
) -> Link:
    links = store.link_between(session, chain.id, supplier, buyer, material or None)
    if not links:
        raise NotFound(f"No link from {supplier} to {buyer} in chain {chain.name!r}")
    if len(links) > 1:
        raise InvalidInput(
            "Ambiguous link",
            [FieldProblem("material", f"{supplier} supplies {buyer} several materials; name one")],
        )
    return links[0]


def add_document(
    session: Session, actor: Principal, chain: Chain, link: Link, doc: DocumentInput
) -> LinkDocument:
    actor.require("supplychain:write")
    actor.require_tenant(chain.tenant_id, f"Chain {chain.id}")
    if link.chain_id != chain.id:
        raise NotFound(f"Link {link.id} not found in chain {chain.name!r}")
    problems = check_document(doc)
    if problems:
        raise InvalidInput("Bad business record", problems)
    stored = _store(session, actor, chain, link, doc)
    audit.record(
        session,
        actor,
        "create",
        "link_document",
        stored.id,
        tenant_id=chain.tenant_id,
        after=audit.snapshot(stored, exclude={"content"}),
    )
    return stored


def _store(
    session: Session, actor: Principal, chain: Chain, link: Link, doc: DocumentInput
) -> LinkDocument:
    media = mimetypes.guess_type(doc.file_name)[0] if doc.file_name else None
    stored = LinkDocument(
        chain_id=chain.id,
        link_id=link.id,
        kind=doc.kind,
        number=doc.number.strip(),
        issued_on=doc.issued_on,
        quantity=doc.quantity,
        unit=doc.unit,
        amount=doc.amount,
        currency=doc.currency.upper() if doc.currency else None,
        file_name=doc.file_name,
        media_type=media,
        content=doc.content,
        sha256=hashlib.sha256(doc.content).hexdigest() if doc.content is not None else None,
        created_by=actor.label,
    )
    session.add(stored)
    session.flush()
    return stored


def import_documents(
    session: Session,
    actor: Principal,
    chain: Chain,
    text: str,
    read_file: Callable[[str], bytes],
    *,
    name: str = "documents.csv",
) -> DocumentsReport:
    """Store every valid row of a documents CSV; ``read_file`` opens the ``file`` column."""
    actor.require("supplychain:write")
    actor.require_tenant(chain.tenant_id, f"Chain {chain.id}")
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip().lower() for h in reader.fieldnames or []]
    missing = [c for c in DOCUMENT_COLUMNS if c not in header]
    if missing:
        raise InvalidInput(
            f"{name}: required columns missing",
            [FieldProblem(c, "required column missing") for c in missing],
        )
    reader.fieldnames = header
    report = DocumentsReport(0)
    for record in reader:
        line = reader.line_num
        values = {k: (v or "").strip() for k, v in record.items() if k}
        try:
            doc = _document_from(values, read_file, line)
            problems = check_document(doc, line)
            if problems:
                report.rejected.extend(problems)
                continue
            link = find_link(
                session, chain, values["supplier_id"], values["buyer_id"], values.get("material")
            )
        except (InvalidInput, NotFound) as exc:
            report.rejected.extend(exc.problems or [FieldProblem("(row)", exc.message, line)])
            continue
        _store(session, actor, chain, link, doc)
        report.stored += 1
    audit.record(
        session,
        actor,
        "import",
        "link_document",
        None,
        tenant_id=chain.tenant_id,
        after={"stored": report.stored, "rejected": len(report.rejected)},
        summary=f"{report.stored} business records from {name} into chain {chain.name!r}",
    )
    return report


def _document_from(
    values: dict[str, str], read_file: Callable[[str], bytes], line: int
) -> DocumentInput:
    def number(key: str) -> float | None:
        raw = values.get(key, "")
        if not raw:
            return None
        try:
            return float(raw)
        except ValueError:
            raise InvalidInput(
                "Bad number", [FieldProblem(key, "not a number", line, raw)]
            ) from None

    issued = None
    if values.get("date"):
        try:
            issued = date.fromisoformat(values["date"])
        except ValueError:
            raise InvalidInput(
                "Bad date", [FieldProblem("date", "not a date (YYYY-MM-DD)", line, values["date"])]
            ) from None
    content = None
    file_name = values.get("file") or None
    if file_name:
        try:
            content = read_file(file_name)
        except OSError as exc:
            raise InvalidInput(
                "Unreadable file",
                [FieldProblem("file", f"cannot read: {exc.strerror}", line, file_name)],
            ) from None
    return DocumentInput(
        kind=values.get("kind", "").lower(),
        number=values.get("number", ""),
        issued_on=issued,
        quantity=number("quantity"),
        unit=values.get("unit") or None,
        amount=number("amount"),
        currency=values.get("currency") or None,
        file_name=file_name.rsplit("/", 1)[-1] if file_name else None,
        content=content,
    )


def document_file(
    session: Session, actor: Principal, chain: Chain, document_id: int
) -> tuple[LinkDocument, bytes]:
    actor.require("supplychain:read")
    actor.require_tenant(chain.tenant_id, f"Chain {chain.id}")
    doc = session.get(LinkDocument, document_id)
    if doc is None or doc.chain_id != chain.id:
        raise NotFound(f"Document {document_id} not found")
    content = store.document_content(session, document_id)
    if content is None:
        raise NotFound(f"Document {document_id} has no attached file")
    return doc, content
