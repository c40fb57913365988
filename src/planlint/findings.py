"""Findings and fixes as data: what rules produce and every reporter consumes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .table import Location

# [start, end) character offsets into a cell's text as written (its raw text, before stripping)
Span = tuple[int, int]

SEVERITIES = ("error", "warning", "info")
SEVERITY_RANK = {"error": 3, "warning": 2, "info": 1}
# how every human-readable report names a severity
SEVERITY_NAMES = {"error": "错误", "warning": "警告", "info": "提示"}


def counts_text(counts: Mapping[str, int]) -> str:
    """`错误 2，警告 4，提示 1`: counts by severity as every human-readable summary writes them."""
    return "，".join(f"{name} {counts[sev]}" for sev, name in SEVERITY_NAMES.items())


@dataclass(frozen=True, slots=True)
class Edit:
    """A rewrite of one cell's text. `safe` edits never change meaning (`planlint fix` applies
    them); unsafe ones need `--unsafe-fixes`."""

    location: Location
    old: str
    new: str
    safe: bool

    def __reduce__(self) -> tuple:
        # a constructor call: pickling one (a --jobs worker's or the cache's results) skips
        # dataclasses' generic per-field __setstate__, 5× slower for the thousands a plan has
        return Edit, (self.location, self.old, self.new, self.safe)


@dataclass(frozen=True, slots=True)
class Fix:
    """The edits of one finding, applied together or not at all (a swap is two edits: applying
    one without the other would copy a cell over its neighbour and lose a text)."""

    edits: tuple[Edit, ...]
    safety: str  # "safe" | "unsafe"
    rule: str = ""  # the slug of the rule that proposed it, for messages

    @property
    def safe(self) -> bool:
        return self.safety == "safe"


@dataclass(frozen=True, slots=True)
class Finding:
    rule_id: str
    slug: str
    severity: str
    message: str
    fix: str
    location: Location
    field: str | None = None
    task_seq: str | None = None
    basis: str = ""
    edits: tuple[Edit, ...] = ()
    # the parts of the cell's text the finding is about, in reading order: every occurrence of
    # what it quotes (a stale year written twice is two spans), from the parse error or the matched
    # text; () when it is about the whole cell or no cell
    spans: tuple[Span, ...] = ()

    def __reduce__(self) -> tuple:
        return Finding, (
            self.rule_id,
            self.slug,
            self.severity,
            self.message,
            self.fix,
            self.location,
            self.field,
            self.task_seq,
            self.basis,
            self.edits,
            self.spans,
        )

    def autofix(self) -> Fix | None:
        """The finding's edits as one unit; unsafe as soon as one edit is."""
        if not self.edits:
            return None
        return Fix(self.edits, "safe" if all(e.safe for e in self.edits) else "unsafe", self.slug)

    def sort_key(self) -> tuple:
        loc = self.location
        return (loc.path, loc.sheet or "", loc.row, loc.col, self.rule_id, self.message)

    def to_json(self) -> dict:
        out: dict[str, Any] = {
            "rule": self.rule_id,
            "slug": self.slug,
            "severity": self.severity,
            "message": self.message,
            "fix": self.fix,
            "basis": self.basis,
            "task": self.task_seq,
            "field": self.field,
            "location": self.location.to_json(),
        }
        if self.spans:  # additive: a finding about a whole cell or none has no "spans" key
            out["spans"] = [{"start": start, "end": end} for start, end in self.spans]
        return out


def spans_of(text: str, part: str) -> tuple[Span, ...]:
    """Every occurrence of `part` in `text`, as spans, left to right and not overlapping; () when
    `part` is empty, absent, or the whole text (a finding about the whole cell marks nothing)."""
    if not part or part.strip() == text.strip():
        return ()
    found: list[Span] = []
    at = text.find(part)
    while at >= 0:
        found.append((at, at + len(part)))
        at = text.find(part, at + len(part))
    return tuple(found)


def merged_spans(spans: tuple[Span, ...] | list[Span], length: int) -> list[Span]:
    """`spans` inside a text of `length` characters, sorted, overlapping or touching ones merged;
    spans outside the text (a cell edited since) are dropped."""
    out: list[Span] = []
    for start, end in sorted(s for s in spans if 0 <= s[0] < s[1] <= length):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out
