"""Core: read one message. A bounce (who failed, why, what to do) or a received message's authentication.

``read_message(raw: bytes, lang) -> Report``; sans-I/O, stdlib ``email`` only, identical in CPython and Pyodide.
"""
from __future__ import annotations

from .auth import Authentication
from .report import Recipient, Report, bounce_url, read_message

__all__ = ["Authentication", "Recipient", "Report", "bounce_url", "read_message"]
