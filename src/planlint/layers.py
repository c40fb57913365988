"""Requirement layers: which documents bind a plan, by its place and year.

A reviewer applies national requirements everywhere, a province's 方案 in that province, a city's
notice to the city and its counties, and what a plan's own notice declares to that plan alone
(domain.md, "Who binds whom"). Each layer is a profile (rules/profiles/*.yaml) with the place and
years it belongs to, the document it comes from, its numbers (params), and the rules it makes
binding, each with its own clause (a Binding). Rules of the national baseline are on everywhere;
a rule marked `layer: local` in its pack runs only where a layer binds it.

A plan gets the national layer, then every bundled layer whose place contains the plan's place
(泽州县 ⊂ 晋城市 ⊂ 山西省, from the gazetteer) and whose years contain its year, and last the
deadline its own notice declares, when the notice is in the file. A profile named by --profile
or the config gives its own chain instead, and a plan outside one of its layers gets a note and
not that layer's rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from .findings import SEVERITY_RANK
from .plan import PlanMeta
from .rules.model import Rule

LAYER_NAMES = {"national": "全国", "province": "省级", "city": "市级", "plan": "本计划", "local": "地方"}
LAYER_ORDER = {"national": 0, "province": 1, "city": 2, "plan": 3}
NATURE_NAMES = {
    "requirement": "约束性要求",
    "kpi": "地方考核指标",
    "template": "表格模板要求",
    "premise": "前提不确定",
}
# A local target, a form's preference or an uncertain premise is never an error.
_CAPPED = {"kpi", "template", "premise"}


@dataclass(frozen=True, slots=True)
class Binding:
    """A rule made binding by a layer: the clause it comes from and how hard it binds."""

    basis: str
    nature: str = "requirement"  # requirement | kpi | template | premise
    severity: str | None = None
    args: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class Layer:
    name: str
    level: str = "national"  # national | province | city | plan
    place: str | None = None
    years: tuple[int | None, int | None] = (None, None)
    document: str = ""
    description: str = ""
    params: dict[str, Any] = field(default_factory=dict)
    bindings: dict[str, Binding] = field(default_factory=dict)
    severity: dict[str, Any] = field(default_factory=dict)
    packs: list[str] = field(default_factory=list)
    parent: str | None = None
    label: str = ""

    @property
    def jurisdiction(self) -> str:
        return self.place or "全国"

    @property
    def years_text(self) -> str:
        low, high = self.years
        if low is None and high is None:
            return "不限年度"
        if low == high:
            return f"{low}年"
        return (
            f"{low or ''}年起" if high is None else (f"{high}年及以前" if low is None else f"{low}—{high}年")
        )

    def title(self) -> str:
        where = "全国" if self.level == "national" else f"{LAYER_NAMES[self.level]}·{self.jurisdiction}"
        return f"{where}·{self.years_text}（{self.name}）"

    def excludes(self, meta: PlanMeta) -> str | None:
        """Why this layer does not bind a plan, or None when it does."""
        if self.level == "national":
            return None
        region = meta.region or ((meta.place,) if meta.place else ())
        if not region:
            return "计划所在地未能识别"
        if self.place not in region:
            return f"计划属于{'、'.join(region[:1])}，不在{self.place}"
        if self.level == "plan" and self.name != "superior" and region[0] != self.place:
            # a plan's own notice binds that plan, not the townships or stations under its place (their
            # county's notice binds them when the county's plan is given as their superior)
            return f"为{self.place}本级计划的要求，计划属于{region[0]}"
        low, high = self.years
        if low is not None or high is not None:
            if meta.year is None:
                return "计划年度未能识别"
            if (low is not None and meta.year < low) or (high is not None and meta.year > high):
                return f"计划年度{meta.year}年不在{self.years_text}"
        return None


def layer_from_data(data: dict[str, Any], label: str, parent: Layer | None) -> Layer:
    """A profile's own data as a layer; packs and params are inherited from the parent layer."""
    years = data.get("years") or {}
    issuer = str(data.get("issuer", "")).strip()
    bindings = {
        slug: Binding(
            _cited(issuer, str(b["basis"]).strip()),
            b.get("nature", "requirement"),
            b.get("severity"),
            dict(b.get("args") or {}),
        )
        for slug, b in (data.get("rules") or {}).items()
    }
    return Layer(
        name=data["profile"],
        # a profile without a place binds wherever it is named (a user's own overlay)
        level=data.get("layer", "national" if parent is None or not data.get("place") else "province"),
        place=data.get("place"),
        years=(years.get("min"), years.get("max")),
        document=str(data.get("document", "")).strip(),
        description=str(data.get("description", "")).strip(),
        params=dict(data.get("params") or {}),
        bindings=bindings,
        severity=dict(data.get("severity") or {}),
        packs=list(data.get("packs") or (parent.packs if parent else [])),
        parent=parent.name if parent else None,
        label=label,
    )


def _cited(issuer: str, basis: str) -> str:
    """A clause named with its issuer and number (晋城市市场监督管理局 晋市市监〔2025〕7号 五：…)."""
    return basis if not issuer or basis.startswith(issuer) else f"{issuer} {basis}"


def bind(rule: Rule, layer: Layer, binding: Binding) -> Rule:
    """The rule as a layer makes it binding: its clause, severity (capped by the binding's nature)
    and arguments, and where it comes from."""
    severity = binding.severity or rule.severity
    if binding.nature in _CAPPED and SEVERITY_RANK.get(severity, 0) > SEVERITY_RANK["warning"]:
        severity = "warning"
    check = {**rule.check, **binding.args} if binding.args else rule.check
    return replace(
        rule,
        severity=severity,
        basis=binding.basis,
        check=check,
        layer=layer.level,
        jurisdiction=layer.jurisdiction,
        years=layer.years,
        source=layer.name,
        nature=binding.nature,
    )


def apply_layers(catalog: list[Rule], layers: list[Layer], department: str | None = None) -> list[Rule]:
    """The rules of a plan under these layers (national first): national rules as defined unless a
    layer re-binds them; local rules only where a layer binds them. For a plan of another
    department than market regulation (`department`), a rule resting on a 市场监管总局 document only
    is a reference, not a binding requirement, and a rule judging a task by a term only the
    市场监管总局 defines that way (`_SAMR_TERMS`) does not apply."""
    out = []
    for rule in catalog:
        bound = rule if rule.layer == "national" else None
        for layer in layers:
            binding = layer.bindings.get(rule.slug)
            if binding is not None:
                bound = bind(rule, layer, binding)
        if bound is None or (department and bound.slug in _SAMR_TERMS):
            continue
        out.append(_for_department(bound, department) if department else bound)
    return out


# ---------------------------------------------------------------- the issuing department

# A plan is a market-regulation plan when its title names market regulation (or names no
# department: 某市2024年度部门联合双随机抽查工作计划, drawn up by the joint office it leads).
_MARKET = re.compile(r"市场监(?:督管理|管)|市监")
# Other departments that publish their own 双随机 plans (教育局, 农业农村局 …), as titles name them.
_DEPARTMENTS = re.compile(
    r"(教育和体育|教育体育|教体|教育|农业农村|工业和信息化|工信|经济和信息化|经信|发展和改革|发展改革|发改|生态环境|文化广电和旅游|文化广电旅游|文化和旅游|文广旅|文旅|"
    r"自然资源(?:和规划)?|住房和城乡建设|住建|交通运输|卫生健康|卫健|疾病预防控制|疾控|(?<!电子)商务|公安|应急管理|人力资源和社会保障|人社|"
    r"税务|林业|水利|(?<!人)民政|司法|财政|烟草专卖|邮政管理|医疗保障|医保|体育|消防救援|气象|粮食和物资储备|城市管理|城管|综合行政执法)"
    r"(局|厅|委员会|委|部门|管理局|大队|支队|总队)?"
)
# A township government or street office enforcing the powers handed down to it (北京市朝阳区南磨房乡
# 人民政府行政执法检查计划): not market regulation. (A county's own 人民政府 heads the joint office.)
_TOWNSHIP = re.compile(r"(?:乡|镇|街道)(?:人民政府|办事处)")
# A plan named by its work rather than its department (2025年学校卫生随机监督抽查工作计划): the work
# words of departments whose inspections are not market regulation's.
_WORK_OF = (
    # 动物卫生监督所, 畜牧兽医: the animal-health bodies of agriculture, before 卫生监督 (health's)
    (re.compile(r"动物卫生|动物疫病|畜牧兽医|兽医|动物检疫"), "农业农村部门"),
    (
        re.compile(
            r"(?<!动物)卫生监督|学校卫生|公共场所卫生|生活饮用水卫生|饮用水卫生|职业卫生|放射卫生|传染病防治|医疗机构"
        ),
        "卫生健康部门",
    ),
    (re.compile(r"安全生产|危险化学品安全"), "应急管理部门"),
    (re.compile(r"消防监督|消防安全检查"), "消防救援机构"),
)
# The 市场监管总局's own documents bind market-regulation bureaus, however a basis cites them:
# 市场监管总局 国市监信〔2019〕38号, 《市场监管总局关于推进企业信用风险分类管理…的意见》, or its order
# 《企业公示信息抽查办法》 by name. (A basis that opens with the plan's own words — 本计划表头写明… —
# binds the plan whoever issued it.)
_SAMR_BASIS = re.compile(r"^《?市场监管总局|国市监|^《企业公示信息抽查办法》")
# Rules that judge a task by a term as the 市场监管总局 defines it for its own checks: 不定向 as "no
# condition at all" (《企业公示信息抽查办法》第五条), so that a scope naming one trade makes the task
# 定向. Another department's platform draws a 不定向 task from the whole register of its item (all
# polluters, all construction projects), which is what its scope names: the rule does not apply.
_SAMR_TERMS = frozenset({"undirected-with-condition"})


def own_bodies(title: str) -> re.Pattern[str] | None:
    """The words of the bodies of the plan's own kind, where its title names one: market regulation's
    (市场监督管理局, 市场监管所) for a 市场监管 plan, 教育局's for 某市教育局's; None when the title names
    no department (a joint plan's office, 2025年度双随机抽查工作计划)."""
    if _MARKET.search(title):
        return _MARKET
    found = _DEPARTMENTS.search(title)
    return re.compile(re.escape(found[1])) if found else None


def department_of(meta: PlanMeta) -> str | None:
    """The department issuing a plan when it is not market regulation (广州市教育局 → 教育局), or
    whose work the title names (学校卫生随机监督抽查 → 卫生健康部门)."""
    text = " ".join(t for t in (meta.issuer, meta.title) if t)
    if not text or _MARKET.search(text):
        return None
    found = _DEPARTMENTS.search(text)
    if found:
        # a field named without its body (交通运输系统部门内部…) is that field's department
        return found[0] if found[2] else f"{found[1]}部门"
    township = _TOWNSHIP.search(text)
    if township:
        return township[0]
    return next((department for words, department in _WORK_OF if words.search(text)), None)


def _for_department(rule: Rule, department: str) -> Rule:
    """A rule whose basis is a 市场监管总局 document, for another department's plan: that document
    does not bind the department, so the rule is a reference (a warning at most) and says so."""
    if not _SAMR_BASIS.search(rule.basis):
        return rule
    severity = "warning" if SEVERITY_RANK.get(rule.severity, 0) > SEVERITY_RANK["warning"] else rule.severity
    basis = f"{rule.basis}（本计划由{department}制定，该文件约束市场监管部门，对本计划为参照要求）"
    return replace(rule, severity=severity, basis=basis, nature="premise")


def merged_params(layers: list[Layer]) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for layer in layers:
        params.update(layer.params)
    return params


def merged_severity(layers: list[Layer]) -> dict[str, Any]:
    severity: dict[str, Any] = {}
    for layer in layers:
        severity.update(layer.severity)
    return severity


# ---------------------------------------------------------------- a plan's own notice


@dataclass(frozen=True, slots=True)
class Declared:
    """A requirement the plan's own notice states: a deadline (`务于11月30日前完成`) or a floor for
    the risk-classification application rate (`应用率不低于95%`)."""

    param: str  # deadline | risk_application_rate
    value: Any  # 11月30日 | 0.95
    sentence: str  # the notice's words, for the basis
    document: str  # the notice's number, when it gives one


_DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,12}〔\d{4}〕\d+号")
_DEADLINE = re.compile(
    r"(?:于|在)?\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*(?:前|之前|以前)[^。；;\n]{0,30}?完成"
)
_SENTENCE_END = re.compile(r"[。；;\n]")
_CLAUSE_START = re.compile(r"[。；;：:\n]")


_RATE = re.compile(r"风险分类结果应用率(?:达到|不低于|不少于|达)\s*(\d{2,3})\s*%")


def declared_in(notice: str) -> tuple[Declared, ...]:
    """The deadline and the application-rate floor a notice declares for the plan's tasks (the
    first of each it states)."""
    if not notice:
        return ()
    number = _DOC_NUMBER.search(notice)
    document = number[0] if number else ""
    found = []
    match = _DEADLINE.search(notice)
    if match is not None and 1 <= int(match[1]) <= 12 and 1 <= int(match[2]) <= 31:
        found.append(
            Declared("deadline", f"{int(match[1])}月{int(match[2])}日", _sentence(notice, match), document)
        )
    match = _RATE.search(notice)
    if match is not None and 0 < int(match[1]) <= 100:
        found.append(
            Declared("risk_application_rate", int(match[1]) / 100, _sentence(notice, match), document)
        )
    return tuple(found)


def _sentence(notice: str, match: re.Match) -> str:
    """The clause of the notice around a match, for the basis."""
    starts = [m.end() for m in _CLAUSE_START.finditer(notice, 0, match.start())]
    start = starts[-1] if starts else 0
    end_match = _SENTENCE_END.search(notice, match.end())
    return notice[start : end_match.start() if end_match else len(notice)].strip()[:120]


_DECLARED_RULES = {
    "deadline": ("window-after-deadline", "requirement", "error"),
    "risk_application_rate": ("risk-application-rate", "kpi", None),
}


def notice_layer(meta: PlanMeta) -> Layer | None:
    """The plan's own layer from what its notice declares."""
    if not meta.declared:
        return None
    params: dict[str, Any] = {}
    bindings: dict[str, Binding] = {}
    documents = []
    for d in meta.declared:
        slug, nature, severity = _DECLARED_RULES[d.param]
        params[d.param] = {"default": d.value}
        doc = d.document or "本计划的印发通知"
        documents.append(doc)
        bindings[slug] = Binding(_cited(meta.issuer or "", f"{doc}：{d.sentence}"), nature, severity)
    return Layer(
        name="notice",
        level="plan",
        place=meta.place,
        years=(meta.year, meta.year),
        document="、".join(dict.fromkeys(documents)),
        params=params,
        bindings=bindings,
        description="本计划印发通知中写明的要求",
    )


_LEVEL_OF_PLAN = {"province": "province", "city": "city", "county": "plan"}


def superior_layer(meta: PlanMeta) -> Layer | None:
    """What a superior plan's notice declares (晋城's 12月20日 in its own file), as the layer of its
    place and year: it binds the plans below it (its counties), not other places."""
    own = notice_layer(meta)
    if own is None or not meta.place or meta.level not in _LEVEL_OF_PLAN:
        return None
    own.name = "superior"
    own.level = _LEVEL_OF_PLAN[meta.level]
    own.description = "上级计划印发通知中写明的要求"
    return own


def _place_notes(meta: PlanMeta) -> list[str]:
    """Where the plan's place is read from when it is no current division: a functional zone's level
    and parent with their source, or a former name with its change."""
    from .places import gazetteer

    places = gazetteer()
    source = places.zone_sources.get(meta.place or "")
    if source:
        return [f"  所在地：{meta.place}为功能区，层级和上级按{source}"]
    change = places.changes.get(meta.place or "")
    if change:
        return [
            f"  所在地：{meta.place}为旧称，{change.year}年{change.change}为{change.current}（{change.source}）"
        ]
    return []


def explain_plan_layers(
    path: str, meta: PlanMeta, applied: tuple[str, ...], skipped: tuple[str, ...]
) -> list[str]:
    """Lines for `planlint check --explain-layers`: the plan's identity, the layers it got and why."""
    from .plan import KIND_NAMES
    from .plan import LEVEL_NAMES as PLAN_LEVELS

    where = " ⊂ ".join(meta.region) if meta.region else (meta.place or "所在地未识别")
    what = f"{meta.year}年" if meta.year else "年度未识别"
    kind = f"{PLAN_LEVELS.get(meta.level or '', '层级未识别')}{KIND_NAMES.get(meta.kind or '', '')}计划"
    lines = [f"{path}：{where}，{what}，{kind}", "  适用：" + " ← ".join(applied)]
    lines += [f"  未适用：{s}" for s in skipped]
    lines += _place_notes(meta)
    if len(applied) == 1 and meta.region:
        which = "适用于本计划年度的" if skipped else ""
        lines.append(
            f"  说明：内置配置档中没有{which}{meta.region[-1]}及其下辖地区的要求，只适用全国要求；"
            "可为本省、本市增加配置档（见 README「Requirement layers」）"
        )
    unknown = [
        what for what, known in (("所在地", meta.region or meta.place), ("年度", meta.year)) if not known
    ]
    if unknown:
        lines.append(
            f"  说明：计划{'和'.join(unknown)}未能识别，省、市和本计划的要求均无法确定是否适用，只适用全国要求；"
            "可在配置文件的 meta 中写明（place、year），或用 --year 指定年度"
        )
    return lines
