"""Finding → cell text, shared by the html and xlsx reports: every cell of a plan indexed by
where it sits, and which part of a cell's text a finding is about (its span)."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator

from ..findings import Finding, Span, merged_spans
from ..plan import PlacedCell, Plan


def plan_fields(plan: Plan) -> Iterator[PlacedCell]:
    """Every cell of every task, continuation rows included, with its location."""
    for task in plan.tasks:
        yield from task.placed()


def field_index(plan: Plan | None) -> dict[tuple[str | None, int, int], PlacedCell]:
    """(sheet, row, col) → cell. A whole-row key (col 0) maps to the task's name, so a finding
    about a whole task still shows which task it is."""
    if plan is None:
        return {}
    index = {(f.location.sheet, f.location.row, f.location.col): f for f in plan_fields(plan)}
    for task in plan.tasks:
        name = task.get("name")
        if name is not None:
            index[(task.location.sheet, task.location.row, 0)] = PlacedCell(
                "name", name, task.location_of("name")
            )
    return index


def highlight(raw: str, finding: Finding) -> list[tuple[str, bool]]:
    """Split `raw` into (text, offending?) segments: the parts of the cell the finding is about
    (`Finding.spans`, set by the rule from the parse error or the matched text: every occurrence)
    are marked. The renderer escapes each segment, so a cell's text never becomes markup."""
    return segments(raw, finding.spans)


def segments(raw: str, spans: Iterable[Span]) -> list[tuple[str, bool]]:
    """`raw` as (text, marked?) segments, the spans (those inside the text, merged) marked."""
    segments: list[tuple[str, bool]] = []
    pos = 0
    for start, end in merged_spans(list(spans), len(raw)):
        segments += [(raw[pos:start], False), (raw[start:end], True)]
        pos = end
    segments.append((raw[pos:], False))
    return [(text, marked) for text, marked in segments if text]


@functools.lru_cache(maxsize=1)
def rule_titles() -> dict[str, str]:
    """Rule id → its Chinese title (the packs' `summary`), for the editor's reports (the workbook's
    名称 column, the HTML report's rule column): the editor reads 抽查比例/数量以文字说明，需人工核对,
    not quota-needs-review. A rule from a pack of one's own keeps its slug."""
    from ..rules.loader import load_pack, pack_names

    return {r.id: r.summary for name in pack_names() for r in load_pack(name) if r.summary}
