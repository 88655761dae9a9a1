"""What cannot be audited (``AuditError``) and the audit's interface strings (``messages/audit.toml``)."""
from __future__ import annotations

from .._data import Data, default_data


def text(data: Data, key: str, lang: str, count: int | None = None, /, **params: object) -> str:
    """The interface string ``audit.<key>`` from ``messages/audit.toml`` in ``lang``, filled in. ``count``: the
    number the string counts, when it has a singular sibling ``<key>-one`` (English "1 row", not "1 rows"),
    which is taken when ``count`` is 1."""
    if count == 1 and f"audit.{key}-one" in data.ui:
        key = f"{key}-one"
    s = data.ui[f"audit.{key}"].get(lang)
    return s.format(**params) if params else s


class AuditError(Exception):
    """The input cannot be audited at all (binary, an Excel workbook, no address column...).

    ``key`` names the message in ``messages/audit.toml`` (``error-<key>``); ``params`` fill it in.
    """

    def __init__(self, key: str, *, detail: dict[str, object] | None = None, **params: object) -> None:
        super().__init__(key, params)
        self.key = key
        self.params = params
        #: plain data for a shell to offer a way out (the page: ``columns`` to pick the address column from)
        self.detail = detail or {}

    def message(self, lang: str, data: Data | None = None) -> str:
        """The localized message; a list parameter (the columns, the sheets) is quoted the language's way."""
        params = {k: quoted(v, lang) if isinstance(v, (list, tuple)) else v for k, v in self.params.items()}
        return text(data or default_data(), f"error-{self.key}", lang, **params)


def quoted(items: list[str] | tuple[str, ...], lang: str) -> str:
    """``["氏名", "tel"]`` as 「氏名」, 「tel」 (ja) or "氏名", "tel" (en); "-" when there is none."""
    if not items:
        return "-"
    return ", ".join(f"「{c}」" if lang == "ja" else f"\"{c}\"" for c in items)
