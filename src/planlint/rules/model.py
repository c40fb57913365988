"""A rule as loaded from a pack: metadata, the check it runs, and its documentation."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class RuleDoc:
    what: str = ""
    why: str = ""
    example: str = ""  # a bad cell/row
    use_instead: str = ""  # the good version
    fix_safety: str = ""


@dataclass(frozen=True, slots=True)
class Rule:
    id: str  # PL301
    slug: str  # window-after-deadline
    severity: str  # error | warning | info (after profile/config overrides)
    scope: str  # cell | task | plan | plan-set
    check: dict[str, Any]  # {"fn": primitive name, ...arguments}
    message: str  # str.format template, Chinese
    fix: str  # str.format template, Chinese
    basis: str  # document number and clause
    when: dict[str, Any] = field(default_factory=dict)
    doc: RuleDoc = RuleDoc()
    pack: str = ""  # pack file it came from
    summary: str = ""  # one line, Chinese, for `planlint rules` and SARIF shortDescription
    safety: str = ""  # "safe" | "unsafe": the edits the rule proposes (rules/core YAML); "" none

    @property
    def fn(self) -> str:
        return self.check["fn"]
