"""A rule's hit → a finding: the rule's id, severity, message, fix and basis stamped on what a
primitive found (yamllint's split: primitives find, this module words). Shared by the cell rules
(planlint.cellrules) and the task, plan and plan-set rules (planlint.engine)."""

from __future__ import annotations

from typing import Any

from .cellrefs import with_original_text
from .findings import SEVERITY_RANK, Edit, Finding, Span
from .plan import KIND_NAMES, LEVEL_NAMES, Task
from .rules.model import Rule
from .rules.registry import Ctx, Hit
from .script import to_simplified
from .templating import render


def common_vars(rule: Rule, ctx: Ctx, task: Task | None) -> dict[str, Any]:
    """The template variables the engine gives every rule: the task's and the plan's, and the
    parameter a check names."""
    meta = ctx.plan.meta
    variables: dict[str, Any] = {
        "seq": task.seq if task else "",
        "name": task.name if task else "",
        "place": meta.place or "",
        "year": meta.year or "",
        "level": LEVEL_NAMES.get(meta.level or "", ""),
        "kind": KIND_NAMES.get(meta.kind or "", ""),
    }
    if "param" in rule.check:
        variables["param"] = ctx.param(rule.check["param"])
    return variables


def severity_of(rule: Rule, softened: str | None) -> str:
    """The rule's severity, or the softer one its hit asks for (never a harsher one)."""
    if softened and SEVERITY_RANK[softened] < SEVERITY_RANK[rule.severity]:
        return softened
    return rule.severity


def declared(rule: Rule, edits: tuple[Edit, ...]) -> tuple[Edit, ...]:
    """The rule's YAML declares what its fix is: an undeclared fix is not offered, and an unsafe
    rule's edits are never applied without --unsafe-fixes (tests/test_fix_units.py checks the
    declarations against what each primitive emits)."""
    if edits and rule.safety != "safe":
        return tuple(Edit(e.location, e.old, e.new, False) for e in edits) if rule.safety else ()
    return edits


def make_finding(rule: Rule, hit: Hit, ctx: Ctx) -> Finding:
    """The finding of a task, plan or plan-set rule's hit."""
    task = hit.task
    variables = common_vars(rule, ctx, task)
    variables.update(hit.vars)
    edits, spans = hit.edits, hit.spans
    if ctx.plan.originals:  # a cell converted from traditional script: quoted as written
        variables, edits = with_original_text(ctx.plan, variables, hit.location, edits)
        spans = original_spans(ctx, hit.location.row, hit.location.col, spans)
    return Finding(
        rule_id=rule.id,
        slug=rule.slug,
        severity=severity_of(rule, hit.severity),
        message=render(rule.message, variables),
        fix=render(rule.fix, variables),
        location=hit.location,
        field=hit.field,
        task_seq=(task.seq or None) if task else None,
        basis=rule.basis,
        edits=declared(rule, edits),
        spans=spans,
    )


def original_spans(ctx: Ctx, row: int, col: int, spans: tuple[Span, ...]) -> tuple[Span, ...]:
    """Spans found in a converted cell's text (traditional script, pinyin) hold for the text as
    written only where conversion kept every character in place; else none: the location still
    names the cell."""
    original = ctx.plan.originals.get((row, col)) if spans else None
    if original is None or len(to_simplified(original)) == len(original):
        return spans
    return ()
