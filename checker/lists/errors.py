"""What cannot be audited (``AuditError``) and the audit's interface strings (``messages/audit.toml``)."""
from __future__ import annotations

from .._data import Data, default_data


def text(data: Data, key: str, lang: str, **params: object) -> str:
    """The interface string ``audit.<key>`` from ``messages/audit.toml`` in ``lang``, filled in."""
    s = data.ui[f"audit.{key}"].get(lang)
    return s.format(**params) if params else s


class AuditError(Exception):
    """The input cannot be audited at all (binary, an Excel workbook, no address column...).

    ``key`` names the message in ``messages/audit.toml`` (``error-<key>``); ``params`` fill it in.
    """

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key, params)
        self.key = key
        self.params = params

    def message(self, lang: str, data: Data | None = None) -> str:
        return text(data or default_data(), f"error-{self.key}", lang, **self.params)
