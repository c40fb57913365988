"""Rule selectors, as written after --select / --ignore and in a config's select, ignore, severity
and overrides: a rule id (PL301), a slug (stale-year), an id prefix (PL3) or ALL — all
case-insensitive. A selector that names no rule is an error, so a typo cannot turn a check off."""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..errors import PlanlintError
from .model import Rule

_PREFIX = re.compile(r"[A-Za-z]+[0-9]*")


def matches(rule: Rule, token: str) -> bool:
    """Whether `token` selects `rule`."""
    upper = token.upper()
    return (
        upper in ("ALL", rule.id.upper())
        or token.lower() == rule.slug.lower()
        or (_PREFIX.fullmatch(token) is not None and rule.id.upper().startswith(upper))
    )


def _closest(token: str, rules: list[Rule]) -> list[str]:
    import difflib  # only for a selector that names no rule: not on every run's path

    names = {r.id.lower(): f"{r.id} {r.slug}" for r in rules}
    names.update({r.slug.lower(): f"{r.id} {r.slug}" for r in rules})
    stripped = token.rstrip("*?").lower()
    close = difflib.get_close_matches(stripped, list(names), n=6, cutoff=0.6)
    out = list(dict.fromkeys(names[c] for c in close))
    if stripped != token.lower() and any(matches(r, stripped) for r in rules):
        out.insert(0, f"{stripped.upper()}（编号前缀，不加 *）")
    return out[:3]


def check_selectors(rules: list[Rule], selectors: Iterable[tuple[str, str]]) -> None:
    """Raise for the first selector (token, where it is written) that selects none of `rules`."""
    for token, where in selectors:
        if any(matches(r, token) for r in rules):
            continue
        close = _closest(token, rules)
        hint = f"相近的有：{'、'.join(close)}；" if close else ""
        raise PlanlintError(
            f"{where} 中的「{token}」不是已知的规则。{hint}可写规则编号（PL301）、名称（stale-year）"
            "或编号前缀（PL3），不区分大小写；planlint rules 列出全部规则"
        )
