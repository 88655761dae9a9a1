"""Shell: the Pyodide entries the pages' Web Workers call (``checker.web.check`` for the checker,
``checker.web.audit`` for the page audit, ``checker.web.message`` for the message page). JSON text or
bytes in, JSON text or bytes out."""
from __future__ import annotations

from typing import Protocol


class JsBytes(Protocol):
    """What a worker passes for a file: a Pyodide JsProxy of a Uint8Array."""

    def to_bytes(self) -> bytes: ...


def as_bytes(content: bytes | bytearray | memoryview | JsBytes) -> bytes:
    """The bytes of ``content`` (a JsProxy of a Uint8Array is converted with ``to_bytes``)."""
    if isinstance(content, (bytes, bytearray, memoryview)):
        return bytes(content)
    return content.to_bytes()
