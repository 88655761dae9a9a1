"""The sender-domain data: receivers (``data/receivers.toml``) and findings (``data/messages/sender.toml``),
parsed into frozen values (pure; the files are read once by ``checker._data.read_raw``)."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType
from typing import Any

from .._data import Message, Text, read_raw


def sender_url(code: str, lang: str) -> str:
    """The guide's anchor for a sender finding: ``/sender/#spf-none``, ``/en/sender/#spf-none``."""
    return f"{'/en/' if lang == 'en' else '/'}sender/#{code}"


@dataclass(frozen=True, slots=True)
class Rule:
    when: tuple[str, ...]
    verdict: str
    finding: str
    source: str
    secondary: bool = False
    since: str | None = None
    bulk: bool = False


@dataclass(frozen=True, slots=True)
class Receiver:
    id: str
    name: Text
    provider: str
    source: str
    rules: tuple[Rule, ...]


@dataclass(frozen=True, slots=True)
class SenderData:
    receivers: tuple[Receiver, ...]
    messages: Mapping[str, Message]

    def message(self, code: str, lang: str, **params: object) -> str:
        return self.messages[code].message.get(lang).format(**params)


def _text(raw: Mapping[str, Any]) -> Text:
    return Text(ja=str(raw["ja"]), en=str(raw["en"]))


def parse(receivers: Mapping[str, Any], messages: Mapping[str, Any]) -> SenderData:
    recs = tuple(
        Receiver(id=r["id"], name=_text(r["name"]), provider=r["provider"], source=r["source"],
                 rules=tuple(Rule(when=tuple(x["when"]), verdict=x["verdict"], finding=x["finding"],
                                  source=x["source"], secondary=bool(x.get("secondary", False)),
                                  since=x.get("since"), bulk=bool(x.get("bulk", False)))
                             for x in r.get("rule", ())))
        for r in receivers["receiver"]
    )
    msgs = {code: Message(code=code, severity=m["severity"], title=_text(m["title"]), message=_text(m["message"]),
                          explain=_text(m["explain"]), page=m.get("page"))
            for code, m in messages.items()}
    return SenderData(receivers=recs, messages=MappingProxyType(msgs))


@lru_cache(maxsize=1)
def default_sender_data() -> SenderData:
    raw = read_raw()
    return parse(raw["receivers"], raw["sender"])
