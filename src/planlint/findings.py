"""Findings and fixes as data: what rules produce and every reporter consumes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .table import Location

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
    # the part of the cell's text (as written) the finding is about: [start, end) character offsets,
    # from the parse error or the matched text; None when it is about the whole cell or no cell
    span: tuple[int, int] | None = None

    def autofix(self) -> Fix | None:
        """The finding's edits as one unit; unsafe as soon as one edit is."""
        if not self.edits:
            return None
        return Fix(self.edits, "safe" if all(e.safe for e in self.edits) else "unsafe", self.slug)

    def sort_key(self) -> tuple:
        loc = self.location
        return (loc.path, loc.sheet or "", loc.row, loc.col, self.rule_id, self.message)

    def to_json(self) -> dict:
        return {
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
