"""Agreement of checker.message with sisimai's own expectations on /work/shared/corpora/sisimai-set-of-emails
(read in place, never copied). Shared by tests/test_message_corpus.py and scripts/bench_message.py.

The held-out third (a seeded random sample of the file stems, fixed before any rule was written) is kept apart
so the figures on it show whether the rules generalize; rules were tuned on the other two thirds only.
"""
from __future__ import annotations

import json
import os
import random
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

#: beside the repository like every corpus (tests/conftest.py CORPORA); TODOKU_CORPORA overrides (a worktree)
CORPUS = Path(os.environ.get("TODOKU_CORPORA", Path(__file__).resolve().parent.parent.parent / "shared" / "corpora")
              ) / "sisimai-set-of-emails"
SEED = 20261129


#: Differences where we think sisimai's expectation is wrong, and why (all seen while developing on the tuned two
#: thirds; they stay counted as differences in every figure).
DISPUTED: dict[str, str] = {
    "rhost-nttdocomo-02": "docomo's '550 Unknown user' after DATA, the same answer sisimai calls filtered when the "
                          "sending MTA wrote Status 5.2.0 (its own NTTDOCOMO table); until March 2025 (this bounce "
                          "is dated 2 November 2022) docomo answered so when the customer's reception settings "
                          "refused the mail: filtered, whatever status the sender's MTA made up, not rejected",
    "lhost-postfix-48": "docomo's '552 Too many recipients' is a per-message recipient limit (exceedlimit), not too "
                        "many connections (toomanyconn)",
    "lhost-postfix-55": "same as lhost-postfix-48",
    "lhost-yahoo-13": "'Unable to deliver message after multiple retries, giving up' is an expiry (sisimai's own "
                      "Expired phrase), not a system error",
    "lhost-notes-02": "the failure reason, in ISO-2022-JP, is Notes' 'ディレクトリのリストにありません' (not in the "
                      "directory), which sisimai's own Notes table reads as userunknown: the part does not declare "
                      "its charset and sisimai did not decode it (onhold)",
}


@dataclass
class Row:
    stem: str
    held_out: bool
    want_reason: str
    got_reason: str
    want_status: str
    got_status: str
    want_reply: str
    got_reply: str
    want_hard: bool = False
    got_hard: bool = False
    #: the recipient's place in the message (expected.json's ``index``)
    index: int = 1


def held_out_stems(stems: list[str]) -> set[str]:
    rng = random.Random(SEED)
    return set(rng.sample(sorted(stems), len(stems) // 3))


def pseudo(status: str) -> bool:
    """sisimai's own pseudo codes (x.0.9xx) and empty: not a status written in the bounce."""
    parts = status.split(".")
    return not status or (len(parts) == 3 and parts[1] == "0" and len(parts[2]) == 3 and parts[2].startswith("9"))


def recipient_rows() -> list[Row]:
    """One row per recipient expected.json lists (``index`` n is compared with our n-th recipient)."""
    from checker.message import read_message

    expected = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))["expected"]
    held = held_out_stems(list(expected))
    out = []
    for stem, wants in sorted(expected.items()):
        report = read_message((CORPUS / f"{stem}.eml").read_bytes(), "en")
        for want in wants:
            n = int(want.get("index", 1))
            got = report.recipients[n - 1] if 0 < n <= len(report.recipients) else None
            out.append(Row(stem=stem, held_out=stem in held, want_reason=want["reason"],
                           got_reason=got.reason if got else "(none)", want_status=want["status"],
                           got_status=got.status if got else "", want_reply=want["replycode"],
                           got_reply=got.reply_code if got else "", want_hard=bool(want["hardbounce"]),
                           got_hard=got.hard if got else False, index=n))
    return out


def rows(per_recipient: list[Row] | None = None) -> list[Row]:
    """One row per message: its first recipient."""
    return [r for r in (per_recipient if per_recipient is not None else recipient_rows()) if r.index == 1]


def figures(rs: list[Row]) -> dict[str, str]:
    def pct(n: int, d: int) -> str:
        return f"{n}/{d} = {100 * n / d:.1f}%" if d else "0/0"

    out = {}
    for name, sel in (("all", rs), ("tuned (2/3)", [r for r in rs if not r.held_out]),
                      ("held out (1/3)", [r for r in rs if r.held_out])):
        real = [r for r in sel if not pseudo(r.want_status)]
        out[f"reason agreement, {name}"] = pct(sum(r.want_reason == r.got_reason for r in sel), len(sel))
        out[f"status agreement where sisimai's status is a real code, {name}"] = pct(
            sum(r.want_status == r.got_status for r in real), len(real))
        out[f"reply code agreement, {name}"] = pct(sum(r.want_reply == r.got_reply for r in sel), len(sel))
        out[f"hard/soft agreement, {name}"] = pct(sum(r.want_hard == r.got_hard for r in sel), len(sel))
    return out


def confusion(rs: list[Row]) -> str:
    pairs = Counter((r.want_reason, r.got_reason) for r in rs if r.want_reason != r.got_reason)
    lines = ["sisimai -> todoku (count): differences only"]
    for (want, got), n in pairs.most_common():
        lines.append(f"  {want:16} -> {got:16} {n}")
    return "\n".join(lines)
