"""The level model: the seed article's simplified security levels (10..1), both directions. Pure.

What a server at a level refuses comes from ``levels.toml`` (``refuses`` kinds); nothing here names a
provider. The recipient's level L is the provider's (or its category's; a domain the data does not know,
another company's own domain, is the ``unknown`` category, treated as standard: level 7). Your mail to
them:

* refuses ``everything`` (L 3..1): ``block`` (``recipient-refuses-all``);
* refuses ``not-allowlisted`` (L 4): ``block`` unless they allowlisted you (``allowlist-only``);
* refuses ``links-attachments`` (L 5, carrier mail): allowlisted -> ``deliver``; otherwise ``at-risk``
  (``carrier-filter``: the recipient's own settings, such as refusing mail from computers, may refuse
  ordinary server mail; ask them to allowlist your domain with the provider's allowlist, named in the
  data), plus ``carrier-links`` for links (a URL filter the recipient may have turned on, named in the
  data where the operator names it) and ``carrier-attachments`` for attachments (no carrier documents
  refusing them: this guide's model counts them, and messages have a size limit). Never ``block``:
  refusing URLs is a setting the recipient chooses;
* refuses ``listed-senders`` (L 6): ``deliver``, with ``listed-senders``;
* refuses nothing (L 10..8, free mail): ``spam-folder`` (it accepts everything and sorts it).

Their reply to you, at your own level S (``situation.level``), is a second answer (``reply``, same
vocabulary); it never changes the verdict of your mail:

* S 3..1: your own server refuses everything (``own-level-broken``): ``block``;
* S 4: their reply is refused unless they are on your allowlist: ``block`` with ``reply-blocked``,
  ``deliver`` when ``reply_allowlisted``;
* S 5: replies with links or attachments are refused: ``at-risk`` with ``reply-links``, ``deliver`` when
  ``reply_allowlisted`` (the allowlist wins, as it does for your mail to them);
* S 10..6: ``deliver`` (nothing a customer's ordinary reply carries is refused).
"""
from __future__ import annotations

from .._data import Data, Provider, Text
from .._model import Situation
from .syntax import Issue

ORDER = ("deliver", "spam-folder", "at-risk", "block", "invalid")


def worst(a: str, b: str) -> str:
    return a if ORDER.index(a) >= ORDER.index(b) else b


def refuses(level: int, data: Data) -> frozenset[str]:
    return frozenset(data.level_for(level).refuses)


def _quoted(name: str, en: str, data: Data) -> Text:
    fmt = data.ui["core.setting"]
    return Text(ja=fmt.ja.format(name=name, en=en), en=fmt.en.format(name=name, en=en))


def allowlist_setting(provider: Provider | None, data: Data) -> Text:
    """The provider's allowlist as the data names it (the setting whose role is "allowlist"), in
    quotes; a carrier whose allowlist no official page names gets its own wording; anyone else the
    generic wording."""
    s = provider.role("allowlist") if provider is not None else None
    if s is not None:
        return _quoted(s.name, s.en, data)
    if provider is not None and provider.allowlist_unverified is not None:
        return provider.allowlist_unverified
    return data.ui["core.allowlist-setting"]


def url_filter_setting(provider: Provider | None, data: Data) -> Text:
    """The provider's URL filter as the data names it (role "url-filter"), or the generic wording."""
    s = provider.role("url-filter") if provider is not None else None
    if s is not None:
        return _quoted(s.name, s.en, data)
    return data.ui["core.url-filter"]


def provider_name(provider: Provider | None, category: str, data: Data) -> Text:
    if provider is not None:
        return provider.name
    return data.categories[category].name


def judge(level: int, provider: Provider | None, category: str, situation: Situation,
          data: Data) -> tuple[str, str, list[Issue]]:
    """(verdict, reply, findings) for a valid address whose recipient server is at ``level``."""
    issues: list[Issue] = []
    r = refuses(level, data)
    name = provider_name(provider, category, data)
    setting = allowlist_setting(provider, data)
    common = {"provider": name, "level": level, "setting": setting}
    if "everything" in r:
        verdict = "block"
        issues.append(Issue("recipient-refuses-all", common))
    elif "not-allowlisted" in r:
        if situation.allowlisted:
            verdict = "deliver"
            issues.append(Issue("allowlisted", common))
        else:
            verdict = "block"
            issues.append(Issue("allowlist-only", common))
    elif "links-attachments" in r:
        if situation.allowlisted:
            verdict = "deliver"
            issues.append(Issue("allowlisted", common))
        else:
            verdict = "at-risk"
            issues.append(Issue("carrier-filter", common))
            if situation.links:
                issues.append(Issue("carrier-links", {**common, "filter": url_filter_setting(provider, data)}))
            if situation.attachments:
                issues.append(Issue("carrier-attachments", common))
    elif "listed-senders" in r:
        verdict = "deliver"
        issues.append(Issue("listed-senders", common))
    elif not r:
        verdict = "spam-folder"
        issues.append(Issue("spam-folder", common))
    else:
        verdict = "deliver"
    answer, mine = reply(situation, data)
    return verdict, answer, issues + mine


def reply(situation: Situation, data: Data) -> tuple[str, list[Issue]]:
    """(reply, findings): whether the recipient's reply reaches the sender's own server, at
    ``situation.level``. Independent of the recipient and of the verdict of the mail to them."""
    own = refuses(situation.level, data)
    mine = {"level": situation.level}
    if "everything" in own:
        return "block", [Issue("own-level-broken", mine)]
    if situation.reply_allowlisted:
        return "deliver", []
    if "not-allowlisted" in own:
        return "block", [Issue("reply-blocked", mine)]
    if "links-attachments" in own:
        return "at-risk", [Issue("reply-links", mine)]
    return "deliver", []
