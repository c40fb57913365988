"""Checks on the 信用风险分类 clause: incomplete, untiered, contradictory tiers, application rate.

"凡随机抽查必风险分类": every task carries a clause that names the four tiers (A 低风险 … D 高风险)
and raises ratio or frequency with risk ("分别递加比例"). A may be exempted (无事不扰).

A clause is judged by its own tier scheme (RiskClause.scheme): a plan that sets three tiers (低 / 中 /
高风险: other departments' and local schemes) or 上海's five (A类 … E类) is complete when it names its
own tiers. No binding document makes a plan's clause name the four national tiers word for word: the
national opinion (2022) asks that ratios and frequencies follow the classification, so a clause in
another scheme is read, not reported.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from ...plan import Cell, Task
from ...values import STANDARD_RISK_CLAUSE, TIER_SCHEMES, RiskClause, TierSpec, tier_name
from ..registry import FIELD, PARAM, CellHit, Ctx, Hit, primitive


def _clause(task: Task, field: str) -> RiskClause | None:
    value = task.value(field)
    return value if isinstance(value, RiskClause) else None


def applies_tiers(clause: RiskClause | None) -> bool:
    """A clause that really applies the risk classification: tiered and not cut off."""
    return clause is not None and clause.tiered and not clause.truncated


# A clause in the credit scheme's words (守信 · 警示 · 失信 · 严重失信, the A–D tiers the parser reads them as)
# is told the tiers it misses in those words, not the risk scheme's.
_CREDIT_WORDS = re.compile(r"守信|警示|失信")
_CREDIT_NAMES = {"A": "守信", "B": "警示", "C": "失信", "D": "严重失信"}


@primitive(
    "risk_incomplete", ("cell",), {"field": FIELD}, required=("field",), provides=("problem", "canonical")
)
def risk_incomplete(ctx: Ctx, cell: Cell) -> Iterator[CellHit]:
    clause = cell.value
    if not isinstance(clause, RiskClause) or clause.not_applicable:
        return
    named = set(clause.tiers) | set(clause.exemptions)
    scheme = clause.scheme or "four"
    missing = [t for t in TIER_SCHEMES[scheme] if t not in named]
    if clause.truncated or (clause.tiers and missing):
        names = _CREDIT_NAMES if scheme == "four" and _CREDIT_WORDS.search(cell.raw) else None
        shown = [names[t] if names else tier_name(t, scheme) for t in missing]
        what = "条款被截断" if clause.truncated else "未写明" + "、".join(shown)
        # cut off: the list left unfinished; else the tiers it does name, where the others are missing
        where = (clause.cut_span,) if clause.cut_span is not None else clause.tier_spans
        yield CellHit({"problem": what, "canonical": STANDARD_RISK_CLAUSE}, spans=where)


@primitive("risk_untiered", ("cell",), {"field": FIELD}, required=("field",), provides=("canonical",))
def risk_untiered(ctx: Ctx, cell: Cell) -> Iterator[CellHit]:
    """Text in the risk column that names no tier at all (or names tiers but never differentiates)."""
    if not cell.text:
        return
    clause = cell.value if isinstance(cell.value, RiskClause) else None
    if clause is not None and (clause.not_applicable or clause.tiered or clause.truncated):
        return
    yield CellHit({"canonical": STANDARD_RISK_CLAUSE})  # about the whole clause: no span


Amount = tuple[Decimal, Decimal]  # (least, most) per year or percent


def _measure(spec: TierSpec) -> tuple[str, Amount, str] | None:
    """What a tier spec promises, comparably: (unit, (least, most), text)."""
    if spec.frequency is not None:
        return "frequency", spec.frequency.per_year(), spec.frequency.canonical()
    if spec.ratio is not None:
        return "ratio", (spec.ratio.low, spec.ratio.high or spec.ratio.low), spec.ratio.canonical()
    return None


@primitive(
    "risk_inconsistent", ("cell",), {"field": FIELD}, required=("field",), provides=("problems", "suggested")
)
def risk_inconsistent(ctx: Ctx, cell: Cell) -> Iterator[CellHit]:
    """A tier stated twice with different numbers, or a riskier tier given less than a safer one."""
    clause = cell.value
    if not isinstance(clause, RiskClause) or not clause.specs:
        return
    scheme = clause.scheme or "four"
    tiers = TIER_SCHEMES[scheme]

    problems: list[str] = []
    stated: dict[tuple[str, str], list[tuple[Amount, str]]] = {}
    where: dict[tuple[str, str], list[TierSpec]] = {}  # the specs behind each stated amount
    for spec in clause.specs:
        m = _measure(spec)
        if m is not None:
            stated.setdefault((spec.tier, m[0]), []).append((m[1], m[2]))
            where.setdefault((spec.tier, m[0]), []).append(spec)
    involved: list[TierSpec] = []  # the specs a problem is about: their numbers are marked
    for key, values in stated.items():
        texts = list(dict.fromkeys(text for _, text in values))
        if len(texts) > 1:
            tier = key[0]
            problems.append(f"{_label(tier, scheme)}前后写了{'和'.join(texts)}")
            involved += where[key]
    for unit in ("frequency", "ratio"):
        # Each tier against the lowest safer tier it undercuts: one complaint per tier, not per pair.
        firsts = [(t, stated[(t, unit)][0]) for t in tiers if (t, unit) in stated]
        for i, (tier, (value, text)) in enumerate(firsts):
            above = next(((t, v) for t, v in firsts[:i] if v[0][0] > value[0]), None)
            if above is not None:
                safer, (_, safer_text) = above
                problems.append(f"{_label(tier, scheme, text)}少于{_label(safer, scheme, safer_text)}")
                involved += [where[(tier, unit)][0], where[(safer, unit)][0]]
    if problems:
        spans = tuple(sorted({span for spec in involved for span in spec.spans}))
        yield CellHit({"problems": "；".join(problems), "suggested": _suggest(stated, scheme)}, spans=spans)


def _label(tier: str, scheme: str, text: str = "") -> str:
    """D级（高风险） · D级（高风险，不少于1次/年） · 中风险（5%） · E类（10%）."""
    if scheme == "four":
        return f"{tier}级（{tier_name(tier)}{'，' + text if text else ''}）"
    return tier_name(tier, scheme) + (f"（{text}）" if text else "")


def _suggest(stated: dict[tuple[str, str], list[tuple[Amount, str]]], scheme: str) -> str:
    """Reassign the distinct stated amounts to the tiers in rising order, when there are as many."""
    tiers = TIER_SCHEMES[scheme]
    for unit in ("frequency", "ratio"):
        amounts = sorted(
            {v for (_t, u), vals in stated.items() if u == unit for v in vals}, key=lambda x: x[0]
        )
        if len(amounts) == len(tiers):
            if scheme == "four":
                return "；".join(f"{t}级{text}" for t, (_v, text) in zip(tiers, amounts))
            return "；".join(f"{tier_name(t, scheme)}{text}" for t, (_v, text) in zip(tiers, amounts))
    if scheme == "four":
        return "按A级≤B级≤C级≤D级写明各级抽查比例或频次，每级只写一次"
    return "按" + "≤".join(tier_name(t, scheme) for t in tiers) + "写明各级抽查比例或频次，每级只写一次"


@primitive(
    "risk_share",
    ("plan",),
    {"field": FIELD, "param": PARAM},
    required=("field", "param"),
    provides=("share", "applied", "total", "tasks", "raw"),
)
def risk_share(ctx: Ctx, task: None, field: str, param: str) -> Iterator[Hit]:
    """Share of tasks whose clause applies the tiers, against the profile's floor. Tasks whose
    clause says the classification does not apply are left out of the count; a plan with fewer
    tasks than `min_share_tasks` is not judged by a share. Every failing task counts, but the
    finding lists again only those no cell rule has reported (one problem, one finding)."""
    threshold = ctx.param(param)
    plan = ctx.plan
    if threshold is None or field not in plan.columns or not plan.tasks:
        return
    counted = [t for t in plan.tasks if not ((c := _clause(t, field)) and c.not_applicable)]
    if not counted or len(counted) < (ctx.param("min_share_tasks") or 0):
        return
    bad = [t for t in counted if not applies_tiers(_clause(t, field))]
    share = 1 - len(bad) / len(counted)
    if share < float(threshold):
        column = plan.columns[field]
        yield Hit(
            column.location,
            field=field,
            vars={
                "share": f"{share:.0%}",
                "param": f"{float(threshold):.0%}",
                "applied": len(counted) - len(bad),
                "total": len(counted),
                "tasks": task_list(bad, field, ctx.reported),
                "raw": column.header,
            },
        )


def task_list(tasks: list, field: str, reported: set[tuple[str, int]]) -> str:
    """「2、3」, with the tasks already reported cell by cell named apart, not listed again."""
    fresh = [t.seq or "?" for t in tasks if (field, t.location.row) not in reported]
    known = [t.seq or "?" for t in tasks if (field, t.location.row) in reported]
    if not known:
        return "、".join(fresh)
    if not fresh:
        return f"{'、'.join(known)}（均已逐项报告）"
    return f"{'、'.join(fresh)}（另有任务{'、'.join(known)}已逐项报告）"
