"""OFAC legacy CSV: the SDN trio (``sdn.csv``, ``alt.csv``, ``add.csv``, optional
``sdn_comments.csv``) and the consolidated non-SDN set (``cons_prim.csv``, ``cons_alt.csv``,
``cons_add.csv``, ``cons_comments.csv``).

The files have no header, write empty cells as ``-0-``, are Latin-1 with CRLF and end with
a 0x1A byte. Most of what a matcher needs (dates of birth, nationality, identifiers, weak
aliases) sits in the free-text remarks, written as ``Label value; Label value; ...``;
:func:`parse_remarks` reads them. Remarks longer than the column are continued in the
comments file.
"""

from __future__ import annotations

import re
from pathlib import Path

from trustlane.errors import FieldProblem
from trustlane.screening.loaders.common import (
    LoadResult,
    clean,
    csv_rows,
    decode_lines,
    squash,
    wrong_file,
)
from trustlane.screening.normalize import EntityKind
from trustlane.screening.records import (
    Category,
    EntryName,
    EntryRecord,
    Identifier,
    NameQuality,
    birth_dates,
    country_code,
)

SDN_FILES = ("sdn.csv", "alt.csv", "add.csv", "sdn_comments.csv")
CONS_FILES = ("cons_prim.csv", "cons_alt.csv", "cons_add.csv", "cons_comments.csv")

_TYPES = {
    "individual": EntityKind.person,
    "vessel": EntityKind.vessel,
    "aircraft": EntityKind.aircraft,
    None: EntityKind.organization,
}

#: Remark labels that introduce an identifier, and the scheme they are stored under.
#: Longest labels first so that "alt. Passport" is not read as "Passport".
ID_LABELS: list[tuple[str, str]] = sorted(
    [
        ("Passport", "passport"),
        ("alt. Passport", "passport"),
        ("Diplomatic Passport", "passport"),
        ("National ID No.", "national_id"),
        ("alt. National ID No.", "national_id"),
        ("Identification Number", "national_id"),
        ("D.N.I.", "national_id"),
        ("Cedula No.", "national_id"),
        ("C.U.R.P.", "national_id"),
        ("SSN", "national_id"),
        ("Personal ID Card", "national_id"),
        ("Tax ID No.", "tax_id"),
        ("NIT #", "tax_id"),
        ("RUC #", "tax_id"),
        ("R.F.C.", "tax_id"),
        ("V.A.T. Number", "tax_id"),
        ("Registration Number", "registration"),
        ("Registration ID", "registration"),
        ("Business Registration Number", "registration"),
        ("Business Number", "registration"),
        ("Company Number", "registration"),
        ("UK Company Number", "registration"),
        ("Commercial Registry Number", "registration"),
        ("C.R. No.", "registration"),
        ("Trade License No.", "registration"),
        ("Folio Mercantil No.", "registration"),
        ("Economic Register Number (CBLS)", "registration"),
        ("Government Gazette Number", "registration"),
        ("Unified Social Credit Code (USCC)", "registration"),
        ("Public Registration Number", "registration"),
        ("Legal Entity Number", "lei"),
        ("SWIFT/BIC", "swift_bic"),
        ("Vessel Registration Identification IMO", "imo"),
        ("IMO", "imo"),
        ("MMSI", "mmsi"),
        ("Aircraft Tail Number", "aircraft_tail"),
        ("Aircraft Manufacturer's Serial Number (MSN)", "aircraft_msn"),
    ],
    key=lambda kv: -len(kv[0]),
)
_ID_PATTERN = re.compile(
    r"^(?:" + "|".join(re.escape(label) for label, _ in ID_LABELS) + r")\s+(.+)$"
)
_ID_SCHEMES = dict(ID_LABELS)
_PAREN_COUNTRY = re.compile(r"^(.*?)\s*\(([^)]+)\)\s*(?:\(.*\))?\s*$")
_AKA = re.compile(r"^(a\.k\.a\.|f\.k\.a\.|n\.k\.a\.)\s*'(.+)'\.?$", re.I)


def parse_remarks(text: str, record: EntryRecord, result: LoadResult, row: int) -> list[str]:
    """Fill ``record`` from OFAC remarks; returns the pieces that are not structured."""
    rest: list[str] = []
    for piece in (squash(p) for p in text.split(";")):
        piece = piece.rstrip(".").strip()
        if not piece:
            continue
        low = piece.lower()
        if low.startswith(("dob ", "alt. dob ")):
            value = piece.split(" ", 2)[-1] if low.startswith("alt.") else piece[4:]
            dates = birth_dates(value)
            if dates:
                record.birth_dates.extend(d for d in dates if d not in record.birth_dates)
            else:
                result.note(FieldProblem("remarks.DOB", f"unreadable date {value!r}", row=row))
        elif low.startswith(("pob ", "alt. pob ")):
            record.birth_places.append(
                piece.split(" ", 2)[-1] if low.startswith("alt.") else piece[4:]
            )
        elif low.startswith(("nationality ", "alt. nationality ", "citizen ", "alt. citizen ")):
            code = country_code(
                piece.split(" ", 2)[-1] if low.startswith("alt.") else piece.split(" ", 1)[1]
            )
            if code and code not in record.nationalities:
                record.nationalities.append(code)
        elif low.startswith("gender "):
            record.gender = piece.split(" ", 1)[1].lower()
        elif m := _AKA.match(piece):
            quality = NameQuality.weak if m.group(1).lower() == "a.k.a." else NameQuality.former
            record.names.append(EntryName(m.group(2).strip(), quality))
        elif m := _ID_PATTERN.match(piece):
            label = piece[: len(piece) - len(m.group(1))].strip()
            value, country = m.group(1), None
            if pm := _PAREN_COUNTRY.match(value):
                value, country = pm.group(1), country_code(pm.group(2))
            value = value.strip().strip(",")
            if value:
                record.identifiers.append(Identifier(_ID_SCHEMES[label], value, country))
        else:
            rest.append(piece)
    return rest


def _read_table(folder: Path, name: str, result: LoadResult) -> list[tuple[int, list[str]]]:
    path = folder / name
    if not path.exists():
        return []
    data = path.read_bytes()
    # The legacy files are Windows-1252 in practice; Latin-1 (which decodes every byte) is
    # the fallback for the few bytes 1252 leaves undefined.
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        text = decode_lines(path, data, result, encoding="latin-1")
    return [(line, row) for line, row in csv_rows(text) if any(clean(c) for c in row)]


def load_ofac(path: Path, *, consolidated: bool) -> LoadResult:
    """Read an OFAC legacy CSV set from its folder (or from any of its files)."""
    folder = path if path.is_dir() else path.parent
    prim, alt, add, comments = CONS_FILES if consolidated else SDN_FILES
    fmt = "ofac-cons" if consolidated else "ofac-sdn"
    result = LoadResult(records=[], default_name=fmt)
    if not (folder / prim).exists():
        raise wrong_file(folder, fmt, f"{prim} not found in {folder}")
    primary = _read_table(folder, prim, result)
    if primary and len(primary[0][1]) < 12 and not any(len(r) >= 12 for _, r in primary[:20]):
        raise wrong_file(folder / prim, fmt, "rows do not have the 12 legacy SDN columns")
    extra_remarks: dict[str, str] = {}
    for _line, row in _read_table(folder, comments, result):
        if len(row) >= 2 and clean(row[0]):
            extra_remarks[row[0].strip()] = row[1]
    by_key: dict[str, EntryRecord] = {}
    for line, row in primary:
        result.rows_read += 1
        where = f"{prim} "
        if len(row) < 12:
            result.reject(FieldProblem(where + "row", f"{len(row)} columns, expected 12", row=line))
            continue
        key, name = clean(row[0]), clean(row[1])
        if not key:
            result.reject(FieldProblem(where + "ent_num", "missing", row=line))
            continue
        if not name:
            result.reject(FieldProblem(where + "SDN_Name", "empty name", row=line))
            continue
        kind = _TYPES.get((clean(row[2]) or "").lower() or None, EntityKind.organization)
        programs = [p.strip() for p in re.split(r"\]\s*\[", clean(row[3]) or "") if p.strip()]
        record = EntryRecord(
            key=key,
            kind=kind,
            names=[EntryName(squash(name), NameQuality.primary)],
            category=Category.sanctions,
            programs=[p.strip("[] ") for p in programs],
            source_record={
                "file": prim,
                "row": line,
                "cells": [c.replace("\x1a", "") for c in row],
            },
        )
        remarks = (clean(row[11]) or "") + (extra_remarks.get(key, "") or "")
        if remarks:
            rest = parse_remarks(remarks, record, result, line)
            record.remarks = "; ".join(rest) or None
        if kind is EntityKind.vessel:
            flag = country_code(clean(row[9]))
            if flag:
                record.countries.append(flag)
            if clean(row[5]):
                record.identifiers.append(Identifier("call_sign", clean(row[5]) or ""))
        title = clean(row[4])
        if title:
            record.source_record["title"] = title
        by_key[key] = record
    result.records = list(by_key.values())
    for line, row in _read_table(folder, alt, result):
        if len(row) < 4 or not clean(row[0]) or not clean(row[3]):
            result.note(FieldProblem(f"{alt} alt_name", "incomplete alias row", row=line))
            continue
        owner = by_key.get(clean(row[0]) or "")
        if owner is None:
            continue  # an alias of an entry this edition does not have
        alt_type = (clean(row[2]) or "aka").lower()
        quality = NameQuality.aka if alt_type == "aka" else NameQuality.former
        remark = (clean(row[4]) if len(row) > 4 else None) or ""
        if "low quality" in remark.lower() or "weak" in remark.lower():
            quality = NameQuality.weak
        owner.names.append(EntryName(squash(clean(row[3]) or ""), quality))
    for line, row in _read_table(folder, add, result):
        if len(row) < 5 or not clean(row[0]):
            result.note(FieldProblem(f"{add} address", "incomplete address row", row=line))
            continue
        holder = by_key.get(clean(row[0]) or "")
        if holder is None:
            continue
        parts = [clean(c) for c in row[2:5]]
        text = ", ".join(p for p in parts if p)
        if text:
            holder.addresses.append(text)
        code = country_code(clean(row[4]))
        if code and code not in holder.countries:
            holder.countries.append(code)
    if not result.records:
        raise wrong_file(folder / prim, fmt, "no entries could be read")
    return result
