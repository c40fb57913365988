"""What changed between two versions of one plan, classified for the 调整报备.

Tasks are paired in three passes: identical content whatever the 序号 (so renumbering shows as
renumbering, not as everything removed and added), then the same 序号 while the task is still the
most similar one, then the cross-plan similarity matching for the rest. Each changed field is
classified from its typed value (ratio lowered, window postponed …); edits that only touch
punctuation, whitespace or character width are cosmetic and kept apart.
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .findings import Finding
from .matching import match_tasks, plain, similarity
from .plan import FIELD_NAMES, Plan, Task
from .values import Count, Frequency, Mode, ParseError, Quota, Ratio, RiskClause, Window

if TYPE_CHECKING:
    from .result import PlanReport

# Task statuses, in the order reports group them.
ADDED, REMOVED, CHANGED, COSMETIC, RENUMBERED, UNCHANGED = (
    "added",
    "removed",
    "changed",
    "cosmetic",
    "renumbered",
    "unchanged",
)
STATUS_NAMES = {
    ADDED: "新增",
    REMOVED: "取消",
    CHANGED: "调整",
    COSMETIC: "仅文字调整",
    RENUMBERED: "仅序号变化",
    UNCHANGED: "未变化",
}

# Classification codes (stable: the JSON output carries them) → the words of a 调整报备.
KINDS = {
    "added": "新增任务",
    "removed": "取消任务",
    "ratio-lowered": "抽查比例降低",
    "ratio-raised": "抽查比例提高",
    "ratio-changed": "抽查比例调整",
    "count-lowered": "抽查数量减少",
    "count-raised": "抽查数量增加",
    "count-changed": "抽查数量调整",
    "frequency-lowered": "抽查频次降低",
    "frequency-raised": "抽查频次提高",
    "frequency-changed": "抽查频次调整",
    "quota-changed": "抽查比例/频次调整",
    "window-postponed": "延期",
    "window-brought-forward": "提前结束",
    "window-extended": "抽查时间延长",
    "window-shortened": "抽查时间缩短",
    "window-changed": "抽查时间调整",
    "scope-narrowed": "对象范围缩小",
    "scope-widened": "对象范围扩大",
    "scope-changed": "对象范围变更",
    "items-reduced": "抽查事项减少",
    "items-added": "抽查事项增加",
    "items-changed": "抽查事项调整",
    "mode-changed": "检查模式变更",
    "initiator-changed": "发起主体变更",
    "inspector-changed": "检查主体变更",
    "partner-changed": "配合部门变更",
    "name-changed": "任务名称调整",
    "type-changed": "抽查类型变更",
    "risk-changed": "信用风险分类要求调整",
    "field-changed": "内容调整",
}
_KEY_KINDS = {
    "mode": "mode-changed",
    "initiator": "initiator-changed",
    "inspector": "inspector-changed",
    "partner": "partner-changed",
    "name": "name-changed",
    "type": "type-changed",
    "risk": "risk-changed",
    "quota": "quota-changed",
    "window": "window-changed",
}
# Findings name the column they are about; separate ratio/frequency columns belong to the quota.
_FIELD_FAMILY = {"ratio": "quota", "count": "quota", "frequency": "quota"}

SEQ_THRESHOLD = 0.5  # the same 序号 pairs two tasks at least this similar …
MATCH_THRESHOLD = 0.62  # … otherwise the cross-plan matching threshold (profile default) applies
_NO_YEAR = 2001  # windows of a plan without a year are compared within an ordinary year

# Character variants that carry no meaning, folded before the cosmetic comparison (NFKC already
# folds full-width ASCII such as `；` `，` `（`).
_FOLD = str.maketrans(
    {
        "—": "-",
        "–": "-",
        "―": "-",
        "－": "-",
        "～": "~",
        "。": ".",
        "、": ",",
        "“": '"',
        "”": '"',
        "‘": "'",
        "’": "'",
        "「": '"',
        "」": '"',
        "『": '"',
        "』": '"',
        "《": "<",
        "》": ">",
        "【": "[",
        "】": "]",
        "〔": "[",
        "〕": "]",
    }
)
_KEEP = frozenset("%/")
_LIST_SEP = re.compile(r"以及|[、，,；;及和与/\n]")


def normalize(text: str) -> str:
    """Text with width, whitespace and punctuation folded away: two cells that normalize alike
    differ only cosmetically. `%` and `/` stay (`5%`, `1次/年`), and so does a `.` or `-` between
    digits (`1.5%`, `10-20%`)."""
    text = unicodedata.normalize("NFKC", text).translate(_FOLD)
    out = []
    for i, ch in enumerate(text):
        if ch.isspace():
            continue
        if unicodedata.category(ch)[0] == "P" and ch not in _KEEP:
            between_digits = 0 < i < len(text) - 1 and text[i - 1].isdigit() and text[i + 1].isdigit()
            if not between_digits:
                continue
        out.append(ch)
    return "".join(out).lower()


@dataclass(slots=True)
class FieldChange:
    """One field of a task whose text changed. `kinds` classify a substantive change (codes of
    KINDS); `notes` say what changed in words; `findings` are new-version findings on this field
    that the old version did not have."""

    key: str
    old: str
    new: str
    cosmetic: bool
    kinds: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    findings: list[Finding] = field(default_factory=list)

    @property
    def label(self) -> str:
        return FIELD_NAMES.get(self.key, self.key)


@dataclass(slots=True)
class TaskDiff:
    status: str
    old: Task | None
    new: Task | None
    changes: list[FieldChange] = field(default_factory=list)
    match: str = ""  # why the two versions were paired
    findings: list[Finding] = field(default_factory=list)  # introduced by this change

    @property
    def old_seq(self) -> str | None:
        return self.old.seq if self.old is not None else None

    @property
    def new_seq(self) -> str | None:
        return self.new.seq if self.new is not None else None

    @property
    def seq(self) -> str:
        return (self.new_seq if self.new is not None else self.old_seq) or ""

    @property
    def name(self) -> str:
        task = self.new if self.new is not None else self.old
        return task.name if task is not None else ""

    @property
    def renumbered(self) -> bool:
        return self.old is not None and self.new is not None and self.old.seq.strip() != self.new.seq.strip()

    @property
    def substantive(self) -> list[FieldChange]:
        return [c for c in self.changes if not c.cosmetic]

    @property
    def cosmetic(self) -> list[FieldChange]:
        return [c for c in self.changes if c.cosmetic]

    @property
    def kinds(self) -> list[str]:
        """Classification codes of the whole task, in field order, each once."""
        if self.status in (ADDED, REMOVED):
            return [self.status]
        return list(dict.fromkeys(k for c in self.substantive for k in c.kinds))


@dataclass(slots=True)
class PlanDiff:
    old: Plan
    new: Plan
    tasks: list[TaskDiff]
    plan_findings: list[Finding] = field(default_factory=list)  # introduced, not tied to a changed task

    def by_status(self, status: str) -> list[TaskDiff]:
        return [t for t in self.tasks if t.status == status]

    def summary(self) -> dict[str, int]:
        counts = {s: len(self.by_status(s)) for s in STATUS_NAMES}
        counts["new_findings"] = sum(len(t.findings) for t in self.tasks) + len(self.plan_findings)
        return counts


# --- pairing ------------------------------------------------------------------------------------


def field_texts(task: Task) -> dict[str, str]:
    """Each field's full text: the task row's cell plus its continuation rows, one per line."""
    texts: dict[str, list[str]] = defaultdict(list)
    for row in [task.fields, *task.continuation]:
        for key, f in row.items():
            if key != "seq" and f.raw.strip():
                texts[key].append(f.raw)
    return {k: "\n".join(v) for k, v in texts.items()}


def _content_key(task: Task) -> tuple:
    return tuple(sorted((k, normalize(t)) for k, t in field_texts(task).items()))


def pair_tasks(old: Sequence[Task], new: Sequence[Task]) -> list[tuple[int, int, str]]:
    """(old index, new index, why) for every task present in both versions."""
    pairs: list[tuple[int, int, str]] = []
    by_content: dict[tuple, list[int]] = defaultdict(list)
    for i, t in enumerate(old):
        by_content[_content_key(t)].append(i)
    for j, t in enumerate(new):
        same = by_content.get(_content_key(t))
        if same:
            i = next((i for i in same if old[i].seq == t.seq), same[0])
            same.remove(i)
            pairs.append((i, j, "内容相同"))

    used_old, used_new = {p[0] for p in pairs}, {p[1] for p in pairs}
    left_old = [i for i in range(len(old)) if i not in used_old]
    for j in [j for j in range(len(new)) if j not in used_new]:
        same_seq = next(
            (i for i in left_old if new[j].seq.strip() and old[i].seq.strip() == new[j].seq.strip()), None
        )
        if same_seq is None:
            continue
        score, why = similarity(old[same_seq], new[j])
        rival = max((similarity(old[k], new[j])[0] for k in left_old if k != same_seq), default=0.0)
        if score >= SEQ_THRESHOLD and score >= rival:
            pairs.append((same_seq, j, f"序号相同，匹配度{score:.0%}：{why}"))
            left_old.remove(same_seq)
            used_new.add(j)

    left_new = [j for j in range(len(new)) if j not in used_new]
    index = {id(old[i]): i for i in left_old}
    for a, m in match_tasks([new[j] for j in left_new], [old[i] for i in left_old], MATCH_THRESHOLD).items():
        pairs.append((index[id(m.other)], left_new[a], m.reason))
    return pairs


# --- classification -----------------------------------------------------------------------------


def _typed(value: Any) -> bool:
    return value is not None and not isinstance(value, ParseError)


def _day(d: _dt.date) -> str:
    return f"{d.month}月{d.day}日"


def _ordered(a: Any, b: Any, lo: Any, hi: Any, code: str, label: str) -> list[tuple[str, str]]:
    """lowered / raised / changed for two values whose comparable magnitudes are lo, hi."""
    if hi < lo:
        return [
            (
                f"{code}-lowered",
                f"{label}由{a.canonical()}{'减少' if code == 'count' else '降低'}为{b.canonical()}",
            )
        ]
    if hi > lo:
        return [
            (
                f"{code}-raised",
                f"{label}由{a.canonical()}{'增加' if code == 'count' else '提高'}为{b.canonical()}",
            )
        ]
    return [(f"{code}-changed", f"{label}由{a.canonical()}改为{b.canonical()}")]


def _part(a: Any, b: Any, code: str, label: str) -> list[tuple[str, str]]:
    if a == b:
        return []
    if a is None:
        return [(f"{code}-changed", f"新增{label}{b.canonical()}")]
    if b is None:
        return [(f"{code}-changed", f"删去{label}{a.canonical()}")]
    if isinstance(a, Frequency):
        return _ordered(a, b, a.per_year()[0], b.per_year()[0], code, label)
    return _ordered(a, b, a.low, b.low, code, label)


def _quota(a: Quota, b: Quota) -> list[tuple[str, str]]:
    out = _part(a.ratio, b.ratio, "ratio", "抽查比例")
    out += _part(a.count, b.count, "count", "抽查数量")
    out += _part(a.frequency, b.frequency, "frequency", "抽查频次")
    if a.note != b.note:
        out.append(("quota-changed", f"备注由「{a.note or ''}」改为「{b.note or ''}」"))
    return out


def _window(a: Window, b: Window, year: int) -> list[tuple[str, str]]:
    try:
        a0, a1, b0, b1 = a.start_date(year), a.end_date(year), b.start_date(year), b.end_date(year)
    except ValueError:  # an impossible date (2月30日): the rules report it, the diff just shows it
        return [("window-changed", "")]
    out = []
    if b1 > a1:
        out.append(("window-postponed", f"结束时间由{_day(a1)}推迟至{_day(b1)}"))
    elif b1 < a1:
        out.append(("window-brought-forward", f"结束时间由{_day(a1)}提前至{_day(b1)}"))
    if b0 != a0:
        out.append(("", f"开始时间由{_day(a0)}{'推迟' if b0 > a0 else '提前'}至{_day(b0)}"))
    # Longer or shorter only when one window contains the other; a shifted window is just moved.
    if b0 <= a0 and b1 >= a1 and (b0, b1) != (a0, a1):
        out.append(("window-extended", ""))
    elif b0 >= a0 and b1 <= a1 and (b0, b1) != (a0, a1):
        out.append(("window-shortened", ""))
    return out or [("window-changed", f"由{a.canonical()}改为{b.canonical()}")]


def _parts(text: str) -> set[str]:
    """List items of a scope or items cell; a closing 等 ("and the like") is not part of the item."""
    return {p for p in (plain(s).removesuffix("等") for s in _LIST_SEP.split(text)) if p}


def _listed(a: str, b: str, key: str) -> list[tuple[str, str]]:
    """Scope and items compared as lists (`、`/`及`…): a strict subset or superset is honest
    evidence of narrowing or widening; an exclusion (`除…`) added or dropped too. Anything else is
    only "changed" — a reworded scope is not provably wider or narrower."""
    pa, pb = _parts(a), _parts(b)
    less, more = ("scope-narrowed", "scope-widened") if key == "scope" else ("items-reduced", "items-added")
    if pb < pa:
        return [(less, "删去：" + "、".join(sorted(pa - pb)))]
    if pb > pa:
        return [(more, "增加：" + "、".join(sorted(pb - pa)))]
    if key == "scope" and ("除" in b) != ("除" in a):
        return [(less, "新增除外对象")] if "除" in b else [(more, "不再除外部分对象")]
    if key == "scope":
        return [("scope-changed", "对象范围变更，请核对是扩大还是缩小")]
    return [("items-changed", "")]


def _classify(key: str, a_text: str, b_text: str, a: Any, b: Any, year: int) -> list[tuple[str, str]]:
    if _typed(a) and _typed(b) and type(a) is type(b):
        if isinstance(a, Quota):
            return _quota(a, b) or [("quota-changed", "")]
        if isinstance(a, Ratio):
            return _part(a, b, "ratio", "抽查比例")
        if isinstance(a, Count):
            return _part(a, b, "count", "抽查数量")
        if isinstance(a, Frequency):
            return _part(a, b, "frequency", "抽查频次")
        if isinstance(a, Window):
            return _window(a, b, year)
        if isinstance(a, Mode):
            return [("mode-changed", f"检查模式由{a.canonical()}改为{b.canonical()}")]
        if isinstance(a, RiskClause) and a.tiered and not b.tiered:
            return [("risk-changed", "新版不再按信用风险分类分别确定比例和频次")]
    if key in ("scope", "items") and a_text and b_text:
        return _listed(a_text, b_text, key)
    if not a_text:
        return [(_KEY_KINDS.get(key, "field-changed"), f"新增{FIELD_NAMES.get(key, key)}")]
    if not b_text:
        return [(_KEY_KINDS.get(key, "field-changed"), f"删去{FIELD_NAMES.get(key, key)}")]
    return [(_KEY_KINDS.get(key, "field-changed"), "")]


def compare_field(
    key: str, old_text: str, new_text: str, old_value: Any, new_value: Any, year: int
) -> FieldChange | None:
    """The change of one field, or None when the text is the same."""
    if old_text == new_text:
        return None
    both_typed = _typed(old_value) and _typed(new_value)
    if normalize(old_text) == normalize(new_text) and (not both_typed or old_value == new_value):
        return FieldChange(key, old_text, new_text, True, notes=("仅标点、空格或全半角不同",))
    if both_typed and old_value == new_value:
        return FieldChange(key, old_text, new_text, True, notes=("写法不同，含义相同",))
    found = _classify(key, old_text, new_text, old_value, new_value, year)
    kinds = tuple(dict.fromkeys(k for k, _ in found if k)) or (_KEY_KINDS.get(key, "field-changed"),)
    return FieldChange(key, old_text, new_text, False, kinds, tuple(n for _, n in found if n))


def diff_tasks(old: Task, new: Task, year: int, match: str = "") -> TaskDiff:
    a, b = field_texts(old), field_texts(new)
    changes = []
    for key in dict.fromkeys([*a, *b]):
        change = compare_field(key, a.get(key, ""), b.get(key, ""), old.value(key), new.value(key), year)
        if change is not None:
            changes.append(change)
    td = TaskDiff(UNCHANGED, old, new, changes, match)
    if td.substantive:
        td.status = CHANGED
    elif changes:
        td.status = COSMETIC
    elif td.renumbered:
        td.status = RENUMBERED
    return td


def diff_plans(old: Plan, new: Plan) -> PlanDiff:
    """Every task of both versions: paired ones with their field changes, the rest added/removed.
    Tasks come in the new version's order, then the removed ones in the old order."""
    year = new.meta.year or old.meta.year or _NO_YEAR
    pairs = {j: (i, why) for i, j, why in pair_tasks(old.tasks, new.tasks)}
    tasks = []
    for j, t in enumerate(new.tasks):
        if j in pairs:
            i, why = pairs[j]
            tasks.append(diff_tasks(old.tasks[i], t, year, why))
        else:
            tasks.append(TaskDiff(ADDED, None, t))
    paired = {i for i, _ in pairs.values()}
    tasks += [TaskDiff(REMOVED, t, None) for i, t in enumerate(old.tasks) if i not in paired]
    return PlanDiff(old, new, tasks)


def mark_findings(diff: PlanDiff, old_findings: list[Finding], new_findings: list[Finding]) -> None:
    """Attach each finding of the new version that the old version did not have, matched by task
    and rule: a finding on a paired task is new when the old task had no finding of that rule; on
    an added task every finding is new. It goes on the task, and on the field change it is about."""
    old_keys = {(f.task_seq, f.rule_id) for f in old_findings}
    by_seq: dict[str, TaskDiff] = {}
    for task_diff in diff.tasks:
        if task_diff.new is not None:
            by_seq.setdefault(task_diff.new.seq, task_diff)
    for f in new_findings:
        td = by_seq.get(f.task_seq) if f.task_seq is not None else None
        if td is None or td.status == UNCHANGED:
            if (f.task_seq if td is None else td.old_seq, f.rule_id) not in old_keys:
                diff.plan_findings.append(f)
            continue
        if td.old is not None and (td.old.seq, f.rule_id) in old_keys:
            continue
        td.findings.append(f)
        key = _FIELD_FAMILY.get(f.field or "", f.field)
        for change in td.changes:
            if change.key == key:
                change.findings.append(f)


# --- two versions of one file -------------------------------------------------------------------


def pair_reports(old: Sequence[PlanReport], new: Sequence[PlanReport]) -> list[tuple[PlanReport, PlanReport]]:
    """The plans (tables) of two versions of one file, paired by sheet/table name when every new
    table's name is in the old version, else in order. Reports without a plan are left out."""
    old = [r for r in old if r.plan is not None]
    new = [r for r in new if r.plan is not None]
    by_sheet = {r.sheet: r for r in old}
    if len(old) == len(new) == 1 or not all(r.sheet in by_sheet for r in new):
        return list(zip(old, new, strict=False))
    return [(by_sheet[r.sheet], r) for r in new]


def diff_reports(old: Sequence[PlanReport], new: Sequence[PlanReport]) -> list[PlanDiff]:
    """`diff_plans` of each pair of tables (`pair_reports`), with the findings the new version has
    and the old one had not marked on the change that caused them. Both versions must have been
    linted with the same options, separately."""
    diffs = []
    for o, n in pair_reports(old, new):
        assert o.plan is not None and n.plan is not None  # pair_reports keeps only reports with a plan
        d = diff_plans(o.plan, n.plan)
        mark_findings(d, o.findings, n.findings)
        diffs.append(d)
    return diffs
