"""Receive a multipart upload straight to a file under the data directory, with a size limit.

The web framework's own form parsing would spool the whole body to a temporary file before
any check could run; this parser writes the file part where it will be ingested from and
stops as soon as the limit is passed. Framework-free: it takes the request's byte stream.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from python_multipart.multipart import MultipartParser, parse_options_header

from trustlane.errors import FieldProblem, InvalidInput, PayloadTooLarge

#: Largest plain (non-file) form field accepted, in bytes.
MAX_FIELD_BYTES = 10_000


@dataclass
class Upload:
    """The saved file and the form's other fields."""

    path: Path | None = None
    filename: str | None = None
    size: int = 0
    fields: dict[str, str] = field(default_factory=dict)


def safe_name(name: str) -> str:
    """A file name without folders or odd characters, keeping its extension."""
    base = Path(name.replace("\\", "/")).name
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", base).strip("._")
    return cleaned[:120] or "upload"


async def receive_upload(
    chunks: AsyncIterator[bytes],
    content_type: str,
    folder: Path,
    limit_bytes: int,
    file_field: str = "file",
) -> Upload:
    """Parse a ``multipart/form-data`` body; the ``file_field`` part goes to a new file in
    ``folder``. Raises :class:`PayloadTooLarge` past ``limit_bytes`` (the partial file is
    removed) and :class:`InvalidInput` for a body that is not a form with that file."""
    kind, options = parse_options_header(content_type)
    boundary = options.get(b"boundary")
    if kind != b"multipart/form-data" or not boundary:
        raise InvalidInput(
            "Send the file as multipart/form-data",
            [FieldProblem(file_field, "expected a multipart/form-data upload")],
        )
    result = Upload()
    state: dict[str, object] = {}
    out: list[BinaryIO] = []
    header_name = bytearray()
    header_value = bytearray()
    headers: dict[str, bytes] = {}
    buffer = bytearray()

    def on_part_begin() -> None:
        headers.clear()
        buffer.clear()
        state["name"] = None

    def on_header_field(data: bytes, start: int, end: int) -> None:
        header_name.extend(data[start:end])

    def on_header_value(data: bytes, start: int, end: int) -> None:
        header_value.extend(data[start:end])

    def on_header_end() -> None:
        headers[header_name.decode("latin-1").lower()] = bytes(header_value)
        header_name.clear()
        header_value.clear()

    def on_headers_finished() -> None:
        _, disposition = parse_options_header(headers.get("content-disposition", b""))
        name = disposition.get(b"name", b"").decode()
        state["name"] = name
        filename = disposition.get(b"filename")
        if name == file_field and filename is not None:
            result.filename = filename.decode("utf-8", "replace")
            folder.mkdir(parents=True, exist_ok=True)
            result.path = folder / f"{uuid.uuid4().hex}-{safe_name(result.filename)}"
            out.append(result.path.open("wb"))

    def on_part_data(data: bytes, start: int, end: int) -> None:
        if out and state["name"] == file_field:
            result.size += end - start
            if result.size > limit_bytes:
                raise PayloadTooLarge(
                    f"The upload is larger than the limit of {limit_bytes // 2**20} MB",
                    [FieldProblem(file_field, f"larger than {limit_bytes // 2**20} MB")],
                )
            out[-1].write(data[start:end])
        else:
            buffer.extend(data[start:end])
            if len(buffer) > MAX_FIELD_BYTES:
                raise InvalidInput(
                    "A form field is too long",
                    [FieldProblem(str(state["name"]), f"longer than {MAX_FIELD_BYTES} bytes")],
                )

    def on_part_end() -> None:
        name = str(state.get("name") or "")
        if out and name == file_field:
            out[-1].close()
        elif name:
            result.fields[name] = buffer.decode("utf-8", "replace")

    parser = MultipartParser(
        boundary,
        {
            "on_part_begin": on_part_begin,
            "on_part_data": on_part_data,
            "on_part_end": on_part_end,
            "on_header_field": on_header_field,
            "on_header_value": on_header_value,
            "on_header_end": on_header_end,
            "on_headers_finished": on_headers_finished,
        },
    )
    try:
        async for chunk in chunks:
            parser.write(chunk)
        parser.finalize()
    except BaseException:
        for handle in out:
            handle.close()
        if result.path is not None:
            result.path.unlink(missing_ok=True)
        raise
    if result.path is None:
        raise InvalidInput(
            "No file in the upload", [FieldProblem(file_field, "attach the file to ingest")]
        )
    return result
