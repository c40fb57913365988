"""Match tasks across plans (county vs city, sibling vs sibling, old vs new version).

Real plans reword the same task (`对直销企业的双随机抽查` / `直销企业双随机抽查检查`), so tasks are
compared on their distinctive words: boilerplate (双随机, 抽查, 检查, 对…的), years, place words and
punctuation are stripped, then name, 抽查事项 and 抽查对象范围 are scored with rapidfuzz and
weighted. Every match carries a Chinese explanation of why it matched.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
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
SCOPE_FLOOR = 0.5  # object ranges less alike than this, with neither inside the other, differ
SUBSET_SCOPE = 0.8  # the scope similarity credited when the ranges name the same population
# The most two tasks on different populations can score: below any match threshold, but enough for
# superior-task-missing to name the closest task ("若是同一任务请统一写法").
MISMATCH_CAP = 0.45
SAME_NAME_CAP = 0.55  # … and with the same name: still below any cross-plan threshold
ALL_ENTITIES = (
    "*"  # population_parts of a range that names only kinds of target: ("*企业",), ("*",) for several
)


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


# Qualifiers of a population that say nothing about which population it is (全县企业 = 企业).
_SCOPE_GENERIC = re.compile(
    r"本辖区内?|辖区内|辖区|全省|全市|全县|全区|本省|本市|本县|本区|市直|县直|区域内|各类|所有|其他|其它|包括|"
    # a registration state is not a condition: 2024年度已年报的企业, 存续企业 are every enterprise;
    # nor is a registration cut-off (市场监管部门2022年12月31日前登记的, the year and month gone by now)
    r"已?(?:报送并?|公示)*(?:年度报告|年报)|存续|在营|在业|登记在册|"
    r"(?:在?(?:市场监管|市场监督管理|工商行政管理|工商)(?:部门|局))?(?:\d{1,2}日|底)?(?:之|以)?前(?:依法)?(?:登记|注册|成立|设立)|"
    r"[的等其]"
)
# The three kinds of registered entity; an entity is one of them.
_KIND_WORDS = {
    "企业": ("企业", "公司", "企事业"),
    "个体工商户": ("个体工商户", "个体户"),
    "农民专业合作社": ("合作社",),
}
# Kinds of target that, alone, mean every registered entity (of that kind): 企业、个体工商户 is everyone.
_SCOPE_KINDS = re.compile(
    r"企事业单位|企事业|事业单位|企业|个体工商户|个体户|农民专业合作社|合作社|市场主体|经营主体|经营者|经营单位|单位|主体"
)
# A leading place name (太原市农药生产经营主体); 市场 is not a place.
_LEADING_PLACE = re.compile(r"^[\u4e00-\u9fff]{2,3}?(?:省|市(?!场)|县|区)")


_PAREN = re.compile(r"[（(][^（）()]*[)）]")
_LIST_SEP = re.compile(r"[、，,；;/]|及其(?!他)|以及|[及和与或]")


@lru_cache(maxsize=65536)
def population_parts(scope: str) -> tuple[str, ...]:
    """An 抽查对象范围 reduced to the populations it lists (`本辖区集贸市场、加油站` → 集贸市场, 加油站):
    years, place words, remarks in brackets and punctuation removed, the kind of target (企业, 单位,
    个体工商户) kept, since it is part of the population. A range naming only kinds of target is every
    registered entity of its kind: ("*企业",) for 全县企业, ("*",) for 企业、个体工商户 or 市场主体."""
    text = _PAREN.sub("", _YEAR_MONTH.sub("", scope))
    parts = []
    for piece in _LIST_SEP.split(text):
        piece = _SCOPE_GENERIC.sub("", _PUNCT.sub("", piece))
        piece = _LEADING_PLACE.sub("", piece) if len(piece) > 4 else piece
        if piece:
            parts.append(piece)
    if not parts:
        return ()
    if not any(_SCOPE_KINDS.sub("", p) for p in parts):
        kinds = {k for k, words in _KIND_WORDS.items() if any(w in text for w in words)}
        return (ALL_ENTITIES + (kinds.pop() if len(kinds) == 1 else ""),)
    whole = "".join(parts)
    return tuple(dict.fromkeys([whole, *parts]))


def _substituted(a: str, b: str) -> tuple[str, str] | None:
    """Where two names of populations share words but put different ones in the same slot: 农药|种子
    before 生产经营主体, 作业人员|使用登记 after 特种设备. An added qualifier (入网餐饮服务提供者) narrows a
    population instead of naming another, so it is not a substitution."""
    from difflib import SequenceMatcher

    ops = SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    if not any(op == "equal" and i2 - i1 >= 2 for op, i1, i2, _, _ in ops):
        return None  # nothing shared: not two versions of one name
    for op, i1, i2, j1, j2 in ops:
        x, y = a[i1:i2], b[j1:j2]
        if op == "replace" and len(x) + len(y) >= 3:
            return x, y
    return None


def _pair_agrees(a: str, b: str) -> bool:
    if a == b or _within(a, b) or _within(b, a):
        return True
    return _substituted(a, b) is None and text_similarity(a, b) >= SCOPE_FLOOR


@lru_cache(maxsize=65536)  # a pure function of two texts, asked again for every pair of plans
def objects_agree(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[bool | None, str]:
    """Whether two populations (`population_parts`, or a task name reduced by `distinctive`) are the
    same: True (the same, or one within the other), False (different populations), None (nothing to
    compare); with the reason in Chinese."""
    if not a or not b:
        return None, ""
    if a == b:
        return True, "对象相同"
    if everyone(a) or everyone(b):
        return _kind_agrees(a, b)
    for x in a:
        for y in b:
            if _pair_agrees(x, y):
                return (
                    True,
                    "对象范围一致" if x == y else f"对象范围相近（「{_short(x, 8)}」≈「{_short(y, 8)}」）",
                )
    sub = _substituted(a[0], b[0])
    if sub is not None:
        return False, f"对象不同（「{_short(sub[0], 8)}」≠「{_short(sub[1], 8)}」）"
    return False, f"对象范围不同（「{_short(a[0], 8)}」≠「{_short(b[0], 8)}」）"


def everyone(parts: tuple[str, ...]) -> bool:
    """A population of every registered entity (of one kind, or of all)."""
    return bool(parts) and parts[0].startswith(ALL_ENTITIES)


def kind_of(parts: tuple[str, ...]) -> str:
    """企业, 个体工商户 or 农民专业合作社 for a population of one kind, else ''."""
    if everyone(parts):
        return parts[0][len(ALL_ENTITIES) :]
    kinds = {k for k, words in _KIND_WORDS.items() if any(w in parts[0] for w in words)} if parts else set()
    return kinds.pop() if len(kinds) == 1 else ""


def _kind_agrees(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[bool, str]:
    """Every entity of a kind holds any population of that kind, none of another kind (an enterprise
    is never a 个体工商户)."""
    ka, kb = kind_of(a), kind_of(b)
    if ka and kb and ka != kb:
        return False, f"对象不同（{ka}≠{kb}）"
    return True, "一方的对象范围是全部" + (
        ka if everyone(a) and ka else kb if everyone(b) and kb else "市场主体"
    )


def _within(short: str, long_: str) -> bool:
    """`short` names a population inside `long_`'s: contained as written, or — four characters or
    more — with qualifiers inserted (营利性民办学校 in 营利性民办职业高中学校). Two characters scattered in a
    long text (药…店) are not a population."""
    if short in long_:
        return True
    it = iter(long_)
    return len(short) >= 4 and all(c in it for c in short)


def similarity(a: Task, b: Task, common: frozenset[str] = frozenset()) -> tuple[float, str]:
    """Weighted similarity of two tasks over the fields both have, and why.

    The same task means the same population: when the object ranges (or, without them, the names)
    name different populations, the tasks do not match however alike the rest reads (对工业产品生产企业
    / 食品生产 share 生产; 餐饮服务提供者 / 入网餐饮服务提供者 share a name but not their ranges), not even
    under one name. Names whose distinctive words (three or more characters) nearly coincide are
    strong evidence once the populations agree: a county often writes a terse 抽查事项 (`计量监督检查`)
    where the city lists the items."""
    agree, why = objects_agree(population_parts(a.text("scope")), population_parts(b.text("scope")))
    for key in ("name", "items"):  # without both ranges, what the names (else the items) are about
        if agree is None:
            texts = distinctive(a.text(key)), distinctive(b.text(key))
            agree, why = objects_agree(*(((t,) if t else ()) for t in texts))
    total = weight = 0.0
    sims: dict[str, float] = {}
    parts = []
    for key, w in WEIGHTS.items():
        ta, tb = distinctive(a.text(key)), distinctive(b.text(key))
        if not ta or not tb:
            continue
        s = sims[key] = text_similarity(ta, tb)
        if key == "scope" and agree:
            s = sims[key] = max(s, SUBSET_SCOPE)
        total += w * s
        weight += w
        shown = f"（「{_short(ta)}」≈「{_short(tb)}」）" if s >= 0.5 else ""
        parts.append(f"{FIELD_LABELS[key]}相似度{s:.0%}{shown}")
    if weight == 0:
        return 0.0, "两项任务没有可比较的文字"
    score = total / weight
    name_a, name_b = distinctive(a.text("name")), distinctive(b.text("name"))
    if agree is False:  # not even one name: 武汉 names a group of tasks on different objects alike
        same_name = name_a == name_b and len(name_a) >= 3
        if same_name:  # still the closest candidate, e.g. for one task's two versions with the same 序号
            why = "任务名称相同，但" + why
        return min(score, SAME_NAME_CAP if same_name else MISMATCH_CAP), "，".join([why, *parts])
    cross = _name_as_item(a, b, name_a, name_b, common)
    if cross is not None and cross[0] > sims.get("name", 0):
        if "name" not in sims:
            total, weight = total + WEIGHTS["name"] * cross[0], weight + WEIGHTS["name"]
        else:
            total += WEIGHTS["name"] * (cross[0] - sims["name"])
        sims["name"] = cross[0]
        score = total / weight
        parts.append(f"任务名称与对方的一项抽查事项相同（「{_short(cross[1])}」）")
    if min(len(name_a), len(name_b)) >= 3 and sims.get("name", 0) - NAME_MARGIN > score:
        score = sims["name"] - NAME_MARGIN
        parts.insert(0, "任务名称的关键词基本相同")
    if why:
        parts.insert(0, why)
    return score, "，".join(parts)


# One item of an 抽查事项 list: `1、在用计量器具监督检查\n2、登记事项检查` holds two.
_ITEM_SPLIT = re.compile(r"[\n；;。]|(?:^|(?<=\s))[（(]?\d+[)）.、．]")
ITEM_AS_NAME_MIN = 4  # an item shorter than this (distinctive words) is too generic to name a task
ITEM_AS_NAME_MAX = 2  # a task listing more items than this is not about one of them


@lru_cache(maxsize=65536)
def item_lines(items: str) -> tuple[str, ...]:
    """The distinctive words of each item an 抽查事项 cell lists."""
    lines = (distinctive(line) for line in _ITEM_SPLIT.split(items))
    return tuple(dict.fromkeys(x for x in lines if len(x) >= ITEM_AS_NAME_MIN))


def _name_as_item(
    a: Task, b: Task, name_a: str, name_b: str, common: frozenset[str]
) -> tuple[float, str] | None:
    """A task named by one of the other's 抽查事项 (a county's `计量监督检查` listing `在用计量器具监督
    检查`, the city's task of that name): the best similarity of one name with an item of the
    other, leaving out items several tasks of a plan list (登记事项检查), which name no task, and
    tasks listing many items of their own."""
    best: tuple[float, str] | None = None
    for name, items in ((name_a, b.text("items")), (name_b, a.text("items"))):
        lines = item_lines(items)
        if len(name) < ITEM_AS_NAME_MIN or len(lines) > ITEM_AS_NAME_MAX:
            continue  # a list of many items (a whole-register sweep) is not named by one of them
        for line in (x for x in lines if x not in common):
            s = text_similarity(name, line)
            if best is None or s > best[0]:
                best = (s, line)
    return best


def common_items(tasks: Sequence[Task]) -> frozenset[str]:
    """Items listed by more than one task of a plan (登记事项检查 beside each task's own item)."""
    seen: dict[str, int] = {}
    for t in tasks:
        for line in item_lines(t.text("items")):
            seen[line] = seen.get(line, 0) + 1
    return frozenset(line for line, n in seen.items() if n > 1)


def closest(task: Task, others: Sequence[Task]) -> tuple[float, Task | None]:
    """The most similar of `others` (for messages about a task that found no match)."""
    best: tuple[float, Task | None] = (0.0, None)
    for o in others:
        s, _ = similarity(task, o)
        if s > best[0]:
            best = (s, o)
    return best


def match_tasks(tasks: Sequence[Task], others: Sequence[Task], threshold: float) -> dict[int, Match]:
    """One-to-one matches, best first: index in `tasks` → Match with a task of `others`."""
    candidates = []
    common = common_items(tasks) | common_items(others)
    for i, t in enumerate(tasks):
        for j, o in enumerate(others):
            score, reason = similarity(t, o, common)
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
