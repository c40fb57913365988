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
    # Which requirement layer binds the rule (planlint.layers): as defined in its pack, `national`
    # (on everywhere) or `local` (on only where a layer binds it); once bound, the binding layer's
    # level (province, city, plan), place, years and profile name.
    layer: str = "national"
    jurisdiction: str = "全国"
    years: tuple[int | None, int | None] = (None, None)
    source: str = "default"
    nature: str = "requirement"  # requirement | kpi | template | premise
    # Rules that report the same defect more specifically: on a cell where one of them reported
    # (its finding's cell, or a cell its fix rewrites), this rule stays silent (one problem, one
    # finding).
    yields_to: tuple[str, ...] = ()

    @property
    def fn(self) -> str:
        return self.check["fn"]
