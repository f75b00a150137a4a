"""Reading a small uploaded text file (a CSV) whole, for the API and the pages alike."""

from __future__ import annotations

from fastapi import UploadFile

from trustlane.errors import FieldProblem, InvalidInput, PayloadTooLarge


async def upload_text(upload: UploadFile, field: str, limit_mb: int) -> str:
    """The upload's text (UTF-8, a byte-order mark dropped); larger than ``limit_mb`` or not
    UTF-8 is a problem of ``field``. Reads at most one byte past the limit."""
    data = await upload.read(limit_mb * 2**20 + 1)
    if len(data) > limit_mb * 2**20:
        raise PayloadTooLarge(
            f"{field} is larger than {limit_mb} MB", [FieldProblem(field, "too large")]
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput(
            f"{field} is not UTF-8 text", [FieldProblem(field, "not UTF-8 text")]
        ) from None
