"""DNS as plain data: the questions the sender-domain core asks and the answers the shells give (sans-I/O).

The core never resolves anything. A check is a *generator* that yields a batch of questions
(``tuple[Query, ...]``) and is sent back the answers in the same order (``tuple[Answer, ...]``); its
``return`` value is the frozen result. A batch lets a shell resolve concurrently (threads with dnspython
on the command line, ``Promise.all`` over DNS-over-HTTPS in the page); a shell may also answer one by one.

    gen = check_domain("example.jp", lang="en")   # checker.sender.domain
    result = drive(gen, resolve_batch)            # resolve_batch(tuple[Query]) -> tuple[Answer]

Conventions (the contract between the core and every shell):

* ``Query.name`` is an ASCII (IDNA) host name, lower case, without the trailing dot. ``Query.rtype`` is one
  of ``A``, ``AAAA``, ``MX``, ``TXT``, ``PTR``.
* CNAMEs are followed by the shell (a recursive resolver does it anyway): an answer holds only records of the
  asked type found at the end of the chain; the chain itself is not reported. A CNAME loop or a chain the
  shell gives up on is ``SERVFAIL``.
* ``Answer.rcode`` is ``NOERROR`` (``records`` may be empty: NODATA), ``NXDOMAIN``, ``SERVFAIL``, ``REFUSED``,
  ``TIMEOUT`` (no answer in the shell's time budget, after retries and TCP fallback) or ``ERROR`` (anything
  else the shell could not use: FORMERR, a malformed reply). Only NOERROR and NXDOMAIN are definitive; the
  others are *temporary errors* for SPF/DMARC (RFC 7208 temperror).
* Records, per type (the same shapes in Python and in JSON):
    - ``TXT``: one tuple per record, of its character-strings *unjoined* (``("v=spf1 ", "-all")``), so a
      split record is visible (a character-string holds at most 255 octets: ``record_from_json`` refuses
      more); bytes are decoded as UTF-8, an invalid byte becomes U+FFFD (the core treats any non-ASCII
      character in SPF/DMARC/DKIM as the record's error).
    - ``MX``: ``(preference, exchange)``; the null MX (RFC 7505) is ``(0, "")``.
    - ``A``/``AAAA``: the address in text form (``"192.0.2.1"``, ``"2001:db8::1"``, any valid form).
    - ``PTR``: the host name (lower case, no trailing dot).

JSON form (``answers_to_json``/``answers_from_json``, the page's DoH shell and recorded golden cases use it)::

    {"name": "example.jp", "type": "TXT", "rcode": "NOERROR", "records": [["v=spf1 ", "-all"]]}

A JSON *zone* (``Zone.from_json``; tests, recorded answers, the parity goldens) maps a name to its records
per type, or to an rcode string for the whole name::

    {"example.jp": {"MX": [[10, "mx.example.jp"]], "TXT": [["v=spf1 mx -all"]], "A": ["192.0.2.1"]},
     "mx.example.jp": {"A": ["192.0.2.25"]}, "alias.example.jp": {"CNAME": "example.jp"},
     "slow.example.jp": "TIMEOUT", "broken.example.jp": {"TXT": "SERVFAIL"}}

A name absent from the zone is NXDOMAIN unless a name below it exists (then NOERROR with no records: an
empty non-terminal).
"""
from __future__ import annotations

from collections.abc import Callable, Generator, Iterable, Mapping
from dataclasses import dataclass
from typing import Literal, TypeVar, cast

RType = Literal["A", "AAAA", "MX", "TXT", "PTR"]
Rcode = Literal["NOERROR", "NXDOMAIN", "SERVFAIL", "REFUSED", "TIMEOUT", "ERROR"]
RTYPES: tuple[str, ...] = ("A", "AAAA", "MX", "TXT", "PTR")
RCODES: tuple[str, ...] = ("NOERROR", "NXDOMAIN", "SERVFAIL", "REFUSED", "TIMEOUT", "ERROR")
#: rcodes that are not a definitive answer (RFC 7208 temperror)
TEMPORARY: frozenset[str] = frozenset({"SERVFAIL", "REFUSED", "TIMEOUT", "ERROR"})
#: the longest CNAME chain the zone resolver follows
MAX_CNAME = 8

Txt = tuple[str, ...]
Mx = tuple[int, str]
Record = str | Txt | Mx

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Query:
    """One DNS question: ``name`` (ASCII, lower case, no trailing dot) and ``rtype``."""

    name: str
    rtype: RType

    def to_json(self) -> dict[str, str]:
        return {"name": self.name, "type": self.rtype}


@dataclass(frozen=True, slots=True)
class Answer:
    """The shell's answer to one ``Query``. ``records`` hold only the asked type (shapes: module docstring)."""

    rcode: Rcode
    records: tuple[Record, ...] = ()

    @property
    def ok(self) -> bool:
        return self.rcode == "NOERROR"

    @property
    def temporary(self) -> bool:
        return self.rcode in TEMPORARY

    def txt(self) -> tuple[Txt, ...]:
        """TXT records, each the tuple of its character-strings."""
        return tuple(r for r in self.records if isinstance(r, tuple) and all(isinstance(s, str) for s in r))  # type: ignore[misc]

    def texts(self) -> tuple[str, ...]:
        """TXT records, each joined (RFC 7208 3.3: concatenated without spaces)."""
        return tuple("".join(r) for r in self.txt())

    def mx(self) -> tuple[Mx, ...]:
        return tuple(r for r in self.records if isinstance(r, tuple) and len(r) == 2 and isinstance(r[0], int))

    def strings(self) -> tuple[str, ...]:
        """A, AAAA and PTR records."""
        return tuple(r for r in self.records if isinstance(r, str))


NXDOMAIN = Answer("NXDOMAIN")
TIMEOUT = Answer("TIMEOUT")

Batch = tuple[Query, ...]
Answers = tuple[Answer, ...]
#: the protocol of every DNS-asking check in the core
Asking = Generator[Batch, Answers, T]


def ask(*queries: Query) -> Generator[Batch, Answers, Answers]:
    """``answers = yield from ask(q1, q2)``: one batch, its answers checked for shape and order."""
    answers = yield tuple(queries)
    if not isinstance(answers, tuple) or len(answers) != len(queries):
        raise ValueError("the shell must answer a batch with one Answer per Query, in order")
    return answers


def drive(gen: Asking[T], resolve: Callable[[Batch], Iterable[Answer]]) -> T:
    """Run a check synchronously: every batch the generator yields is answered by ``resolve``."""
    try:
        batch = next(gen)
        while True:
            batch = gen.send(tuple(resolve(batch)))
    except StopIteration as stop:
        return cast(T, stop.value)


def normalize_name(name: str) -> str:
    """Lower case, one trailing dot removed."""
    name = name.lower()
    return name[:-1] if name.endswith(".") else name


# ---- JSON ---------------------------------------------------------------------------------------------------

def record_to_json(rec: Record) -> object:
    return list(rec) if isinstance(rec, tuple) else rec


def record_from_json(rtype: str, raw: object) -> Record:
    """One record from its JSON shape; raises ValueError on a wrong shape."""
    if rtype == "TXT":
        if isinstance(raw, str):  # convenience: a one-string record
            raw = [raw]
        if isinstance(raw, list) and all(isinstance(s, str) and len(s.encode("utf-8")) <= 255 for s in raw):
            return tuple(cast(list[str], raw))
    elif rtype == "MX":
        if (isinstance(raw, list) and len(raw) == 2 and isinstance(raw[0], int) and not isinstance(raw[0], bool)
                and isinstance(raw[1], str)):
            return (raw[0], normalize_name(raw[1]))
    elif rtype in ("A", "AAAA") and isinstance(raw, str):
        return raw
    elif rtype in ("PTR", "CNAME") and isinstance(raw, str):
        return normalize_name(raw)
    raise ValueError(f"bad {rtype} record: {raw!r}")


def answer_to_json(q: Query, a: Answer) -> dict[str, object]:
    return {"name": q.name, "type": q.rtype, "rcode": a.rcode, "records": [record_to_json(r) for r in a.records]}


def answer_from_json(raw: Mapping[str, object]) -> tuple[Query, Answer]:
    """``{"name", "type", "rcode", "records"}`` -> (Query, Answer); raises ValueError on a wrong shape."""
    name, rtype, rcode, records = raw.get("name"), raw.get("type"), raw.get("rcode"), raw.get("records", [])
    if not isinstance(name, str) or rtype not in RTYPES or rcode not in RCODES or not isinstance(records, list):
        raise ValueError(f"bad answer: {raw!r}")
    return (Query(normalize_name(name), cast(RType, rtype)),
            Answer(cast(Rcode, rcode), tuple(record_from_json(rtype, r) for r in records)))


# ---- a zone in memory (pure): tests, recorded answers, the RFC 7208 suite -------------------------------------

@dataclass(frozen=True, slots=True)
class Zone:
    """Answers from data. ``names``: name -> rcode string, or type -> records / rcode string
    (``"CNAME"`` -> target name). See the module docstring for the JSON form."""

    names: Mapping[str, str | Mapping[str, str | tuple[Record, ...]]]

    @staticmethod
    def from_json(raw: Mapping[str, object]) -> Zone:
        names: dict[str, str | dict[str, str | tuple[Record, ...]]] = {}
        for name, value in raw.items():
            key = normalize_name(name)
            if isinstance(value, str):
                if value not in RCODES:
                    raise ValueError(f"bad rcode for {name}: {value!r}")
                names[key] = value
                continue
            if not isinstance(value, Mapping):
                raise ValueError(f"bad zone entry for {name}: {value!r}")
            types: dict[str, str | tuple[Record, ...]] = {}
            for rtype, recs in value.items():
                if rtype == "CNAME":
                    if not isinstance(recs, str):
                        raise ValueError(f"bad CNAME for {name}: {recs!r}")
                    types["CNAME"] = normalize_name(recs)
                elif rtype not in RTYPES:
                    raise ValueError(f"bad type for {name}: {rtype!r}")
                elif isinstance(recs, str):
                    if recs not in RCODES:
                        raise ValueError(f"bad rcode for {name} {rtype}: {recs!r}")
                    types[rtype] = recs
                elif isinstance(recs, list):
                    types[rtype] = tuple(record_from_json(rtype, r) for r in recs)
                else:
                    raise ValueError(f"bad records for {name} {rtype}: {recs!r}")
            names[key] = types
        return Zone(names)

    def resolve(self, q: Query) -> Answer:
        name = normalize_name(q.name)
        for _ in range(MAX_CNAME + 1):
            entry = self.names.get(name)
            if entry is None:
                suffix = "." + name
                if any(n.endswith(suffix) for n in self.names):
                    return Answer("NOERROR")
                return NXDOMAIN
            if isinstance(entry, str):
                return Answer(cast(Rcode, entry))
            recs = entry.get(q.rtype)
            if isinstance(recs, str):
                return Answer(cast(Rcode, recs))
            if recs is not None:
                return Answer("NOERROR", recs)
            target = entry.get("CNAME")
            if isinstance(target, str):
                name = target
                continue
            return Answer("NOERROR")
        return Answer("SERVFAIL")  # CNAME chain too long or a loop

    def resolve_batch(self, batch: Batch) -> Answers:
        return tuple(self.resolve(q) for q in batch)


class Stepper:
    """A check driven step by step with JSON (for a shell that resolves asynchronously, e.g. the page's Web
    Worker over DoH): ``first = s.start()`` gives the first batch as ``[{"name", "type"}, ...]``; each
    ``s.feed(answers_json)`` (a list of ``{"name","type","rcode","records"}`` in batch order) gives the next
    batch, or ``None`` when the check is done and ``s.result`` holds its return value."""

    def __init__(self, gen: Asking[object]) -> None:
        self._gen = gen
        self._batch: Batch = ()
        self.result: object = None
        self.done = False

    def _advance(self, answers: Answers | None) -> list[dict[str, str]] | None:
        try:
            self._batch = next(self._gen) if answers is None else self._gen.send(answers)
        except StopIteration as stop:
            self.result = stop.value
            self.done = True
            return None
        return [q.to_json() for q in self._batch]

    def start(self) -> list[dict[str, str]] | None:
        return self._advance(None)

    def feed(self, answers: list[Mapping[str, object]]) -> list[dict[str, str]] | None:
        if self.done or len(answers) != len(self._batch):
            raise ValueError("answers do not match the pending batch")
        parsed: list[Answer] = []
        for q, raw in zip(self._batch, answers, strict=True):
            aq, a = answer_from_json(raw)
            if aq != q:
                raise ValueError(f"answer for {aq} given for {q}")
            parsed.append(a)
        return self._advance(tuple(parsed))
