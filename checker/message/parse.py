"""Bytes in, a readable message out: MIME structure, decoded headers and text, bounded in size and depth.

Reads an ``.eml`` file, an mbox holding one message (its ``From `` line is dropped) or text pasted from a
mail app. Japanese mail needs ISO-2022-JP, Shift_JIS/CP932 and EUC-JP, encoded words (RFC 2047) and
quoted-printable/base64 bodies: all decoded here with the stdlib ``email`` package and codecs, never
raising. Hostile input is bounded: at most ``MAX_BYTES`` are read, ``MAX_PARTS`` parts, ``MAX_DEPTH``
levels of nesting; beyond that the rest is treated as plain text. Pure: no I/O.
"""
from __future__ import annotations

import email
import email.header
import email.policy
import re
from dataclasses import dataclass
from email.message import Message

#: bytes of input read at most (a bounce's explanation is at its start; a quoted 20 MB attachment is not needed)
MAX_BYTES = 2_000_000
#: MIME parts looked at, and levels of multipart / message nesting
MAX_PARTS = 200
MAX_DEPTH = 12
#: multipart / message headers in the input above which the MIME parser is not used at all (the stdlib
#: parser recurses once per level and overflows the stack near 1,000 levels; far less in a browser)
MAX_MIME_HEADERS = 100
#: characters of decoded text kept per part
MAX_TEXT = 200_000

#: charset labels real Japanese mail uses -> the Python codec that reads them (supersets where senders use them)
_CHARSETS = {
    "iso-2022-jp": "iso2022_jp_ext", "iso-2022-jp-2": "iso2022_jp_2", "iso-2022-jp-3": "iso2022_jp_3",
    "shift_jis": "cp932", "shift-jis": "cp932", "sjis": "cp932", "x-sjis": "cp932", "ms_kanji": "cp932",
    "windows-31j": "cp932", "cp932": "cp932", "x-ms-cp932": "cp932",
    "euc-jp": "euc_jp", "x-euc-jp": "euc_jp", "eucjp": "euc_jp",
    "us-ascii": "utf-8", "ascii": "utf-8", "utf8": "utf-8", "unicode-1-1-utf-7": "utf-7",
}
_MULTIPART_LINE = re.compile(rb"(?im)^content-type:[ \t]*(?:multipart/|message/rfc822)")
_HEADER_LINE = re.compile(r"^[!-9;-~]+:[ \t]?")


def codec(charset: str | None) -> str | None:
    """The Python codec for a declared charset, or None when unknown or unusable."""
    if not charset:
        return None
    name = charset.strip().strip('"').lower()
    name = _CHARSETS.get(name, name)
    import codecs

    try:
        info = codecs.lookup(name)
    except (LookupError, ValueError):
        return None
    # codecs that are not text encodings (rot13, hex, zlib...) are not charsets
    if not getattr(info, "_is_text_encoding", True):
        return None
    return info.name


def decode_bytes(raw: bytes, charset: str | None = None) -> str:
    """Text of ``raw``: in the declared charset when it reads cleanly, else the first of UTF-8, ISO-2022-JP,
    CP932, EUC-JP that does, else UTF-8 with replacement characters. Never raises."""
    tried: list[str] = []
    declared = codec(charset)
    if declared is not None and declared.startswith("iso2022") and any(b > 0x7F for b in raw[:65536]):
        declared = None  # a 7-bit charset declared on 8-bit text: the label is wrong, guess instead
    if declared is not None:
        tried.append(declared)
    if b"\x1b$" in raw or b"\x1b(" in raw:
        tried.append("iso2022_jp_ext")
    tried += ["utf-8", "cp932", "euc_jp"]
    for name in tried:
        try:
            return raw.decode(name)
        except (UnicodeDecodeError, LookupError, ValueError):
            continue
    return raw.decode(declared or "utf-8", errors="replace") if declared else raw.decode("utf-8", errors="replace")


def header_text(value: object) -> str:
    """A header's value as readable text: encoded words decoded, raw 8-bit guessed, folding removed."""
    if value is None:
        return ""
    if isinstance(value, email.header.Header):
        chunks = email.header.decode_header(value)
    else:
        text = str(value)
        if any("\udc80" <= c <= "\udcff" for c in text):  # raw 8-bit bytes kept by the parser
            text = decode_bytes(text.encode("utf-8", "surrogateescape"))
        try:
            chunks = email.header.decode_header(text)
        except Exception:  # noqa: BLE001 - hostile input: whatever the stdlib raises means unreadable
            chunks = [(text, None)]
    out: list[str] = []
    for part, charset in chunks:
        out.append(decode_bytes(part, charset) if isinstance(part, bytes) else part)
    return re.sub(r"\r?\n[ \t]+", " ", "".join(out)).strip()


@dataclass(frozen=True, slots=True)
class Part:
    """One leaf of the message: its content type, how deep it sits, whether it belongs to a quoted
    original message (inside ``message/rfc822`` or ``text/rfc822-headers``), and its decoded text."""

    ctype: str
    depth: int
    quoted: bool
    text: str


@dataclass(frozen=True, slots=True)
class Parsed:
    """The message as read: top-level headers (decoded, lowercased names, in order), its leaf parts, the
    headers of each quoted original message, and what had to be cut."""

    headers: tuple[tuple[str, str], ...]
    parts: tuple[Part, ...]
    originals: tuple[tuple[tuple[str, str], ...], ...]
    truncated: bool
    limited: bool
    binary: bool

    def header(self, name: str) -> str:
        name = name.lower()
        for k, v in self.headers:
            if k == name:
                return v
        return ""

    def headers_named(self, name: str) -> tuple[str, ...]:
        name = name.lower()
        return tuple(v for k, v in self.headers if k == name)


def _headers(msg: Message) -> tuple[tuple[str, str], ...]:
    out = []
    for k, v in msg.items()[:500]:
        out.append((str(k).strip().lower(), header_text(v)))
    return tuple(out)


def _payload_text(msg: Message) -> str:
    try:
        raw = msg.get_payload(decode=True)
    except Exception:  # noqa: BLE001 - hostile input: whatever the stdlib raises means unreadable
        raw = None
    if raw is None:
        payload = getattr(msg, "_payload", None)
        if isinstance(payload, str):
            raw = payload.encode("utf-8", "surrogateescape")
        else:
            return ""
    if not isinstance(raw, bytes):
        return ""
    try:
        charset = msg.get_content_charset()
    except Exception:  # noqa: BLE001 - hostile input: whatever the stdlib raises means unreadable
        charset = None
    return decode_bytes(raw[: MAX_TEXT * 4], charset)[:MAX_TEXT]


#: a line of the summary Gmail's "Show original" page puts above the source (copied with the page), in English or
#: Japanese ("SPF: PASS with IP ...", "Message ID", "メッセージ ID", "元のメッセージ")
_SUMMARY_LINE = re.compile((r"(?im)^[ \t]*(?:spf|dkim|dmarc)[ \t]*:|^[ \t]*(?:message id|original message)[ \t]*$|"
                            r"^[ \t]*(?:メッセージ ID|元のメッセージ)").encode())
#: the first header of a message's source as receivers write it
_SOURCE_START = re.compile(rb"(?im)^(?:delivered-to|return-path|received|arc-seal|arc-message-signature|"
                           rb"arc-authentication-results|authentication-results|x-received|dkim-signature):")


def _strip_envelope(raw: bytes) -> bytes:
    """Without a BOM, leading blank lines, an mbox ``From `` line, or the summary a mail app's "show original"
    page puts above the source when the whole page was copied."""
    raw = raw.lstrip(b"\xef\xbb\xbf").lstrip(b"\r\n\t ")
    if raw.startswith(b"From ") and b"\n" in raw:  # mbox separator line
        raw = raw.split(b"\n", 1)[1]
    head = raw[:8192]
    first = head.split(b"\n", 1)[0].decode("utf-8", "replace")
    if not is_header_line(first) and _SUMMARY_LINE.search(head):
        start = _SOURCE_START.search(head)
        if start is not None:
            raw = raw[start.start():]
    return raw


def _looks_binary(raw: bytes) -> bool:
    sample = raw[:4096]
    if not sample:
        return False
    controls = sum(1 for b in sample if b < 9 or 13 < b < 27 or 27 < b < 32)
    return b"\x00" in sample or controls * 20 > len(sample)


def read(raw: bytes) -> Parsed:
    """Parse ``raw``. Never raises: anything the MIME parser cannot read is kept as one plain-text part."""
    truncated = len(raw) > MAX_BYTES
    raw = _strip_envelope(raw[:MAX_BYTES])
    binary = _looks_binary(raw)
    limited = False
    # deep or huge MIME trees: the stdlib parser recurses per level; read such input as plain text instead
    if len(_MULTIPART_LINE.findall(raw, 0, MAX_BYTES)) > MAX_MIME_HEADERS:
        limited = True
        head, _, body = raw.partition(b"\n\n") if b"\r\n\r\n" not in raw[:65536] else raw.partition(b"\r\n\r\n")
        try:
            top = email.message_from_bytes(head + b"\n\n", policy=email.policy.compat32)
            headers = _headers(top)
        except Exception:  # noqa: BLE001 - hostile input: whatever the stdlib raises means unreadable
            headers = ()
        return Parsed(headers=headers, parts=(Part("text/plain", 0, False, decode_bytes(body)[:MAX_TEXT]),),
                      originals=(), truncated=truncated, limited=True, binary=binary)
    try:
        msg = email.message_from_bytes(raw, policy=email.policy.compat32)
        headers = _headers(msg)
    except Exception:  # noqa: BLE001 - hostile input: whatever the stdlib raises means unreadable
        return Parsed(headers=(), parts=(Part("text/plain", 0, False, decode_bytes(raw)[:MAX_TEXT]),),
                      originals=(), truncated=truncated, limited=True, binary=binary)
    parts: list[Part] = []
    originals: list[tuple[tuple[str, str], ...]] = []
    stack: list[tuple[Message, int, bool]] = [(msg, 0, False)]
    seen = 0
    while stack:
        node, depth, quoted = stack.pop()
        seen += 1
        if seen > MAX_PARTS or depth > MAX_DEPTH:
            limited = True
            continue
        try:
            ctype = node.get_content_type()
        except Exception:  # noqa: BLE001 - hostile input: whatever the stdlib raises means unreadable
            ctype = "text/plain"
        # the raw payload: get_payload() can raise on a bad charset parameter
        payload = getattr(node, "_payload", None)
        if ctype == "message/rfc822" or (isinstance(payload, list) and ctype.startswith("message/")
                                         and ctype not in ("message/delivery-status", "message/global-delivery-status",
                                                           "message/feedback-report")):
            if isinstance(payload, list):
                inner = [p for p in payload if isinstance(p, Message)]
                for sub in reversed(inner):
                    originals.append(_headers(sub))
                    stack.append((sub, depth + 1, True))
            elif isinstance(payload, str):
                parts.append(Part("text/rfc822-headers", depth + 1, True, _payload_text(node)))
            continue
        if ctype in ("message/delivery-status", "message/global-delivery-status", "message/feedback-report"):
            if isinstance(payload, list):  # compat32 parses the status groups as header blocks
                blocks = []
                for block in payload:
                    if isinstance(block, Message):
                        blocks.append("\n".join(f"{k}: {header_text(v)}" for k, v in block.items()))
                text = "\n\n".join(blocks)
            else:
                text = _payload_text(node)
            parts.append(Part(ctype, depth, quoted, text[:MAX_TEXT]))
            continue
        if node.is_multipart() and isinstance(payload, list):
            for sub in reversed(payload):
                if isinstance(sub, Message):
                    stack.append((sub, depth + 1, quoted))
            continue
        if ctype.startswith("multipart/"):  # boundary missing or wrong: the body is all the text there is
            parts.append(Part("text/plain", depth, quoted, _payload_text(node)))
            continue
        if ctype == "text/rfc822-headers":
            parts.append(Part(ctype, depth, True, _payload_text(node)))
            continue
        if ctype.startswith("text/") or ctype in ("application/octet-stream",) and depth == 0:
            text = _payload_text(node)
            if ctype == "text/html":
                text = _html_text(text)
            parts.append(Part(ctype, depth, quoted, text))
    return Parsed(headers=headers, parts=tuple(parts), originals=tuple(originals), truncated=truncated,
                  limited=limited, binary=binary)


_TAG = re.compile(r"<(script|style)\b.*?</\1\s*>|<[^>]{0,2000}>", re.DOTALL | re.IGNORECASE)
_ENTITIES = {"&lt;": "<", "&gt;": ">", "&amp;": "&", "&quot;": '"', "&#39;": "'", "&nbsp;": " "}


def _html_text(html: str) -> str:
    text = re.sub(r"(?i)<br\s*/?>|</p>|</div>|</tr>|</li>", "\n", html)
    text = _TAG.sub(" ", text)
    for k, v in _ENTITIES.items():
        text = text.replace(k, v)
    return re.sub(r"[ \t]+", " ", text)


def is_header_line(line: str) -> bool:
    return bool(_HEADER_LINE.match(line))
