"""The rules: one address + the sender's situation -> a Result. Pure: no I/O, no clock.

(Foundation version: syntax, lookup and the level model; the full rule set grows here.)
"""
from __future__ import annotations

from ._data import Data, default_data
from ._model import Finding, Result, Situation


def _finding(data: Data, code: str, lang: str, **params: object) -> Finding:
    m = data.messages[code]
    prefix = "/en/" if lang == "en" else "/"
    return Finding(code=code, severity=m.severity,  # type: ignore[arg-type]
                   message=m.message.get(lang).format_map(params), url=f"{prefix}findings/#{code}")


def check(address: str, /, *, situation: Situation | None = None, lang: str = "ja",
          data: Data | None = None) -> Result:
    """Will mail from the sender described by ``situation`` reach ``address``, and what to do if not."""
    data = data or default_data()
    situation = situation or Situation()
    text = address.strip()
    if not text:
        return Result(input=address, address=None, valid=False, category=None, provider=None,
                      level=None, verdict="invalid", findings=(_finding(data, "empty", lang),))
    local, _, domain = text.rpartition("@")
    domain = domain.lower().rstrip(".")
    provider = data.lookup(domain)
    category = provider.category if provider else "domain"
    level = provider.level if provider else data.categories["domain"].level
    verdict = "spam-folder" if category == "free" else ("at-risk" if level <= 5 else "deliver")
    return Result(input=address, address=f"{local}@{domain}", valid=True, category=category,
                  provider=provider.id if provider else None, level=level, verdict=verdict)  # type: ignore[arg-type]
