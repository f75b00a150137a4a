"""What every list loader shares: the result shape, reading text with per-row problems, and
splitting the free-text fields lists are full of."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from trustlane.errors import FieldProblem, InvalidInput
from trustlane.screening.records import EntryRecord

#: Most problems listed in one load result (the count is always complete).
MAX_PROBLEMS = 200


@dataclass
class LoadResult:
    """Entries read from a file, the rows that could not be read, and what the file says
    about itself (publication date)."""

    records: list[EntryRecord]
    problems: list[FieldProblem] = field(default_factory=list)
    rows_read: int = 0
    rejected: int = 0
    published: str | None = None
    default_name: str = ""

    def reject(self, problem: FieldProblem) -> None:
        self.rejected += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(problem)

    def note(self, problem: FieldProblem) -> None:
        """A problem with a field that did not stop the row from loading."""
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(problem)


def wrong_file(path: Path, fmt: str, why: str) -> InvalidInput:
    return InvalidInput(f"{path} is not a {fmt} file: {why}", [FieldProblem("file", why)])


def decode_lines(path: Path, data: bytes, result: LoadResult, encoding: str = "utf-8") -> str:
    """The file as text. Lines that are not valid ``encoding`` are reported (file, line)
    and left out, so that the rest still loads."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        pass
    kept: list[str] = []
    for number, raw in enumerate(data.split(b"\n"), start=1):
        try:
            kept.append(raw.decode(encoding))
        except UnicodeDecodeError as exc:
            result.reject(
                FieldProblem(
                    "encoding",
                    f"{path.name}: line is not valid {encoding} (byte {exc.start + 1})",
                    row=number,
                )
            )
            kept.append("")
    return "\n".join(kept)


def csv_rows(text: str, *, delimiter: str = ",") -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) for every CSV row; the number is the row's first line."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    line = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        yield line, row
        line = reader.line_num + 1


def clean(value: str | None) -> str | None:
    """A cell's text, None for the lists' empty markers ('-0-', '', 'N/A')."""
    if value is None:
        return None
    v = value.replace("\x1a", "").strip()
    if not v or v in ("-0-", "-0", "N/A", "n/a", "NULL", "null", "None"):
        return None
    return v


def split_list(value: str | None, sep: str = ";") -> list[str]:
    """A delimited cell as a list of its non-empty parts."""
    v = clean(value)
    if not v:
        return []
    return [p.strip() for p in v.split(sep) if p.strip()]


_SPACES = re.compile(r"\s+")


def squash(value: str) -> str:
    """Runs of white space (line breaks inside XML text) as single spaces."""
    return _SPACES.sub(" ", value).strip()
