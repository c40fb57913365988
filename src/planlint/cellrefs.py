"""How findings refer to cells as the plan's author sees them.

- A continuation row (blank 序号 under a task: another 抽查事项, another 联查部门 with its own ratio)
  holds cells of its own, and those are linted like any other cell (planlint.engine): cell rules
  see them as they see the task row's, and task rules run on the task as seen from the row
  (`Task.view`), keeping the hits that land on the continuation row.
- A merged range is one cell: rules see its text once per task it spans, but the plan shows it
  once, so the findings of one rule on it become one finding at the range's anchor, with the range
  (J8:J13) in its location.
- A cell read through planlint.script (traditional script, pinyin) is quoted as written, and gets
  no automatic edit: an edit made on the converted text would not match the file's text.
"""

from __future__ import annotations

from dataclasses import replace

from .findings import Finding
from .plan import Plan
from .script import to_simplified
from .table import Location


def with_original_text(plan: Plan, variables: dict, location: Location, edits: tuple) -> tuple[dict, tuple]:
    """Message variables quoting the cell as written, and no edits, for a converted cell."""
    original = plan.originals.get((location.row, location.col))
    if original is None:
        return variables, edits
    raw = variables.get("raw")
    if isinstance(raw, str) and raw and raw == to_simplified(original).strip():  # the whole cell
        variables = {**variables, "raw": original.strip()}
    return variables, ()


def collapse_merged(findings: list[Finding], plan: Plan) -> list[Finding]:
    """One finding per rule and merged range, located at the anchor with the range shown."""
    spans = plan.spans
    if not spans:
        return findings
    out: list[Finding] = []
    seen: set[tuple[str, Location]] = set()
    for f in findings:
        loc = f.location
        end = spans.get((loc.row, loc.col)) if loc.col else None
        if end is None:
            out.append(f)
            continue
        if (f.rule_id, loc) in seen:
            continue
        seen.add((f.rule_id, loc))
        out.append(replace(f, location=Location(loc.path, loc.sheet, loc.row, loc.col, end[0], end[1])))
    return out
