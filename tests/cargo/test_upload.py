"""The streaming multipart receiver: saves the file part, stops past the limit."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from trustlane.cargo.upload import receive_upload
from trustlane.errors import InvalidInput, PayloadTooLarge

BOUNDARY = "xyzBOUNDARY"


def _body(content: bytes) -> bytes:
    return (
        (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="profile"\r\n\r\nisf\r\n'
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="../../etc/a b.csv"\r\nContent-Type: text/csv\r\n\r\n'
        ).encode()
        + content
        + f"\r\n--{BOUNDARY}--\r\n".encode()
    )


async def _pieces(data: bytes, size: int = 1000) -> AsyncIterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


def _receive(data: bytes, folder: Path, limit: int):  # type: ignore[no-untyped-def]
    kind = f"multipart/form-data; boundary={BOUNDARY}"
    return asyncio.run(receive_upload(_pieces(data), kind, folder, limit))


def test_saves_the_file_under_a_safe_name(tmp_path: Path) -> None:
    content = b"isf_number,line_number\n1,1\n" * 100
    upload = _receive(_body(content), tmp_path / "up", 10_000)
    assert upload.fields == {"profile": "isf"}
    assert upload.filename == "../../etc/a b.csv"
    assert upload.path is not None
    assert upload.path.parent == tmp_path / "up"
    assert upload.path.name.endswith("-a_b.csv")
    assert upload.path.read_bytes() == content


def test_stops_past_the_limit_without_a_content_length(tmp_path: Path) -> None:
    with pytest.raises(PayloadTooLarge):
        _receive(_body(b"x" * 50_000), tmp_path / "up", 10_000)
    assert list((tmp_path / "up").iterdir()) == []


def test_refuses_a_body_without_the_file(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput):
        asyncio.run(receive_upload(_pieces(b"{}"), "application/json", tmp_path, 10))
