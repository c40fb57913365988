"""Match tasks across plans (county vs city, sibling vs sibling, old vs new version).

Real plans reword the same task (`对直销企业的双随机抽查` / `直销企业双随机抽查检查`), so tasks are
compared on their distinctive words: boilerplate (双随机, 抽查, 检查, 对…的), years, place words and
punctuation are stripped, then name, 抽查事项 and 抽查对象范围 are scored with rapidfuzz and
weighted. Every match carries a Chinese explanation of why it matched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .plan import Task

# Words every task uses; they say nothing about which task it is.
_BOILERPLATE = re.compile(
    r"双随机|随机|部门联合|联合|抽查|抽检|检查|监督|专项|执法|行政|情况|工作|开展|日常|年度|"
    r"本辖区|辖区内|辖区|全县|全市|全省|本省|本市|本县|市直|县直|各类|所有|[对的等及和与]|"
    # generic kinds of target: the distinctive part is what precedes them (直销|企业, 拍卖|企业)
    r"企业|单位|机构|生产者|主体|场所"
)
_YEAR_MONTH = re.compile(r"\d{4}\s*年度?|\d{1,2}\s*月份?|\d+[.、．]|[（(]\d+[)）]")
_PUNCT = re.compile(r"[\s\W_]+")

WEIGHTS = {"name": 0.5, "items": 0.3, "scope": 0.2}
NAME_MARGIN = 0.1  # a name-only match scores its name similarity less this
FIELD_LABELS = {"name": "任务名称", "items": "抽查事项", "scope": "抽查对象范围"}


@lru_cache(maxsize=65536)
def distinctive(text: str) -> str:
    """The words that tell this task from others."""
    text = _YEAR_MONTH.sub("", text)
    text = _BOILERPLATE.sub("", text)
    return _PUNCT.sub("", text)


def plain(text: str) -> str:
    """Only whitespace and punctuation removed (for scopes such as 全县企业, where every word counts)."""
    return _PUNCT.sub("", text)


def text_similarity(a: str, b: str) -> float:
    """0..1. Containment counts (`直销企业` in `直销企业服务网点经销商`), discounted by length so a
    short generic word (`企业`) does not match everything that contains it."""
    if not a or not b:
        return 0.0
    from rapidfuzz import fuzz  # here: only plan-set rules with other plans to compare need it

    score = fuzz.ratio(a, b)
    short, long_ = sorted((len(a), len(b)))
    if short >= 4:
        score = max(score, fuzz.partial_ratio(a, b) * (0.6 + 0.4 * short / long_))
    return score / 100


@dataclass(frozen=True, slots=True)
class Match:
    task: Task
    other: Task
    score: float
    reason: str


def _short(text: str, n: int = 12) -> str:
    return text if len(text) <= n else text[:n] + "…"


def similarity(a: Task, b: Task) -> tuple[float, str]:
    """Weighted similarity of two tasks over the fields both have, and why.

    Names whose distinctive words (three or more characters) nearly coincide are strong evidence on
    their own: a county often writes a terse 抽查事项 (`计量监督检查`) where the city lists the items."""
    total = weight = 0.0
    sims: dict[str, float] = {}
    parts = []
    for key, w in WEIGHTS.items():
        ta, tb = distinctive(a.text(key)), distinctive(b.text(key))
        if not ta or not tb:
            continue
        s = sims[key] = text_similarity(ta, tb)
        total += w * s
        weight += w
        shown = f"（「{_short(ta)}」≈「{_short(tb)}」）" if s >= 0.5 else ""
        parts.append(f"{FIELD_LABELS[key]}相似度{s:.0%}{shown}")
    if weight == 0:
        return 0.0, "两项任务没有可比较的文字"
    score = total / weight
    names = min(len(distinctive(a.text("name"))), len(distinctive(b.text("name"))))
    if names >= 3 and sims.get("name", 0) - NAME_MARGIN > score:
        score = sims["name"] - NAME_MARGIN
        parts.insert(0, "任务名称的关键词基本相同")
    return score, "，".join(parts)


def closest(task: Task, others: list[Task]) -> tuple[float, Task | None]:
    """The most similar of `others` (for messages about a task that found no match)."""
    best: tuple[float, Task | None] = (0.0, None)
    for o in others:
        s, _ = similarity(task, o)
        if s > best[0]:
            best = (s, o)
    return best


def match_tasks(tasks: list[Task], others: list[Task], threshold: float) -> dict[int, Match]:
    """One-to-one matches, best first: index in `tasks` → Match with a task of `others`."""
    candidates = []
    for i, t in enumerate(tasks):
        for j, o in enumerate(others):
            score, reason = similarity(t, o)
            if score >= threshold:
                candidates.append((score, i, j, reason))
    candidates.sort(key=lambda c: (-c[0], c[1], c[2]))
    used_i: set[int] = set()
    used_j: set[int] = set()
    out: dict[int, Match] = {}
    for score, i, j, reason in candidates:
        if i in used_i or j in used_j:
            continue
        used_i.add(i)
        used_j.add(j)
        out[i] = Match(tasks[i], others[j], score, f"匹配度{score:.0%}：{reason}")
    return out
