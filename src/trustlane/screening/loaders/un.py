"""UN Security Council consolidated list (XML, ``CONSOLIDATED_LIST`` of ``INDIVIDUAL`` and
``ENTITY`` elements).

Read incrementally: every entry that is complete before a point where the XML breaks is
kept, and the break is reported with its line and column. Parsing goes through
``defusedxml`` so that a hostile file cannot expand entities or reach the network.
"""

from __future__ import annotations

import io
from pathlib import Path
from xml.etree.ElementTree import Element

from defusedxml.ElementTree import ParseError, iterparse

from trustlane.errors import FieldProblem
from trustlane.screening.loaders.common import LoadResult, decode_lines, squash, wrong_file
from trustlane.screening.normalize import EntityKind
from trustlane.screening.records import (
    Category,
    EntryName,
    EntryRecord,
    Identifier,
    NameQuality,
    country_code,
    parse_date,
)

_DOC_SCHEMES = {
    "passport": "passport",
    "national identification number": "national_id",
    "identification card": "national_id",
    "national identity card": "national_id",
    "id card": "national_id",
}


def _text(el: Element | None, tag: str) -> str | None:
    if el is None:
        return None
    child = el.find(tag)
    if child is None or child.text is None:
        return None
    value = squash(child.text)
    return value or None


def _values(el: Element, tag: str) -> list[str]:
    out: list[str] = []
    for node in el.findall(tag):
        for value in node.findall("VALUE"):
            if value.text and squash(value.text):
                out.append(squash(value.text))
    return out


def _entry(el: Element, result: LoadResult, line: int) -> EntryRecord | None:
    person = el.tag == "INDIVIDUAL"
    key = _text(el, "REFERENCE_NUMBER") or _text(el, "DATAID")
    parts = [_text(el, t) for t in ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")]
    name = " ".join(p for p in parts if p)
    if not key:
        result.reject(FieldProblem(f"{el.tag}.REFERENCE_NUMBER", "missing", row=line))
        return None
    if not name:
        result.reject(FieldProblem(f"{el.tag}.FIRST_NAME", f"empty name ({key})", row=line))
        return None
    record = EntryRecord(
        key=key,
        kind=EntityKind.person if person else EntityKind.organization,
        names=[EntryName(name, NameQuality.primary)],
        category=Category.sanctions,
        programs=[p for p in [_text(el, "UN_LIST_TYPE")] if p],
        listed_on=parse_date(_text(el, "LISTED_ON")),
        remarks=_text(el, "COMMENTS1"),
        gender=(_text(el, "GENDER") or "").lower() or None,
        source_record={"dataid": _text(el, "DATAID"), "line": line},
    )
    original = _text(el, "NAME_ORIGINAL_SCRIPT")
    if original:
        record.names.append(EntryName(original, NameQuality.original_script))
    for alias in el.findall(f"{el.tag}_ALIAS"):
        alias_name = _text(alias, "ALIAS_NAME")
        if not alias_name:
            continue
        quality = (_text(alias, "QUALITY") or "").lower()
        record.names.append(
            EntryName(
                alias_name,
                NameQuality.weak
                if quality in ("low", "a.k.a. low")
                else NameQuality.strong
                if quality in ("good", "a.k.a. good")
                else NameQuality.aka,
            )
        )
    for nationality in _values(el, "NATIONALITY"):
        code = country_code(nationality)
        if code and code not in record.nationalities:
            record.nationalities.append(code)
    for dob in el.findall("INDIVIDUAL_DATE_OF_BIRTH"):
        date = parse_date(_text(dob, "DATE")) or parse_date(_text(dob, "YEAR"))
        if date:
            record.birth_dates.append(date)
        start, end = _text(dob, "FROM_YEAR"), _text(dob, "TO_YEAR")
        if start and end and start.isdigit() and end.isdigit() and 0 <= int(end) - int(start) <= 10:
            record.birth_dates.extend(str(y) for y in range(int(start), int(end) + 1))
    for pob in el.findall("INDIVIDUAL_PLACE_OF_BIRTH"):
        place = ", ".join(
            p for p in (_text(pob, t) for t in ("CITY", "STATE_PROVINCE", "COUNTRY")) if p
        )
        if place:
            record.birth_places.append(place)
    for address in el.findall(f"{el.tag}_ADDRESS"):
        text = ", ".join(
            p
            for p in (_text(address, t) for t in ("STREET", "CITY", "STATE_PROVINCE", "COUNTRY"))
            if p
        )
        if text:
            record.addresses.append(text)
        code = country_code(_text(address, "COUNTRY"))
        if code and code not in record.countries:
            record.countries.append(code)
    for doc in el.findall("INDIVIDUAL_DOCUMENT"):
        number = _text(doc, "NUMBER")
        if not number:
            continue
        kind = (_text(doc, "TYPE_OF_DOCUMENT") or "").lower()
        record.identifiers.append(
            Identifier(
                _DOC_SCHEMES.get(kind, "other"),
                number,
                country_code(_text(doc, "ISSUING_COUNTRY") or _text(doc, "COUNTRY_OF_ISSUE")),
            )
        )
    record.source_record["designation"] = _values(el, "DESIGNATION")
    record.source_record["title"] = _values(el, "TITLE")
    return record


def load_un(path: Path) -> LoadResult:
    """Read the UN consolidated list XML. Problems name the entry by its position (the
    ``row`` of a problem is the n-th INDIVIDUAL/ENTITY element)."""
    if path.is_dir():
        raise wrong_file(path, "un-xml", "expected the XML file, got a folder")
    result = LoadResult(records=[], default_name="un-sc")
    text = decode_lines(path, path.read_bytes(), result)
    if "<CONSOLIDATED_LIST" not in text[:2000]:
        raise wrong_file(path, "un-xml", "no CONSOLIDATED_LIST root element")
    source = io.BytesIO(text.encode("utf-8"))
    try:
        for event, el in iterparse(source, events=("start", "end")):
            if event == "start":
                if el.tag == "CONSOLIDATED_LIST":
                    result.published = (el.get("dateGenerated") or "")[:10] or None
                continue
            if el.tag in ("INDIVIDUAL", "ENTITY"):
                result.rows_read += 1
                record = _entry(el, result, result.rows_read)
                if record is not None:
                    result.records.append(record)
                el.clear()
    except ParseError as exc:
        line, column = getattr(exc, "position", (0, 0))
        result.reject(
            FieldProblem(
                "xml", f"{path.name}: malformed XML at line {line}, column {column}", row=line
            )
        )
    if not result.records:
        raise wrong_file(path, "un-xml", "no INDIVIDUAL or ENTITY entries could be read")
    return result
