"""The closed vocabulary of check primitives that rule packs may name in `check.fn`.

A primitive is a plain Python generator registered by name with the scopes it supports and a JSON
Schema for its arguments. It yields `Hit`s; the engine, not the primitive, stamps rule id, severity,
message, fix and basis on each (yamllint's split), so primitives stay small and testable.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from ..findings import Edit
from ..plan import Plan, Task
from ..table import Location


@dataclass(slots=True)
class Hit:
    """One violation found by a primitive. `vars` feed the rule's message/fix templates."""

    location: Location
    field: str | None = None
    task: Task | None = None
    vars: dict[str, Any] = dataclasses.field(default_factory=dict)
    edits: tuple[Edit, ...] = ()
    severity: str | None = None  # a primitive may soften a rule's severity (e.g. month-only dates)
    span: tuple[int, int] | None = None  # [start, end) in the cell's raw text; see Finding.span


@dataclass(slots=True)
class Ctx:
    """What a primitive may see: the plan, the resolved profile parameters, and for plan-set rules
    every plan of the run and the superior plans."""

    plan: Plan
    params: dict[str, Any]
    plans: list[Plan] = dataclasses.field(default_factory=list)
    superiors: list[Plan] = dataclasses.field(default_factory=list)
    extras: dict[str, Any] = dataclasses.field(default_factory=dict)  # e.g. population data
    # (field, row) of the cells the plan's cell and task rules reported, for plan-level rules: a
    # share counts every task but lists again only those not reported on their own
    reported: set[tuple[str, int]] = dataclasses.field(default_factory=set)

    def param(self, name: str) -> Any:
        """A profile parameter; a dict keyed by plan kind or level picks this plan's entry."""
        value = self.params.get(name)
        if isinstance(value, dict) and _SELECTORS.intersection(value):
            for key in (self.plan.meta.kind, self.plan.meta.level, "default"):
                if key in value:
                    return value[key]
            return None  # no entry for this kind of plan: the check does not apply
        return value


_SELECTORS = frozenset(("internal", "joint", "province", "city", "county", "default"))

PrimitiveFn = Callable[..., Iterator[Hit]]


@dataclass(frozen=True, slots=True)
class Primitive:
    name: str
    fn: PrimitiveFn
    scopes: frozenset[str]
    args: dict[str, Any]  # JSON Schema "properties" of the arguments
    required: tuple[str, ...]
    # Checks each cell named by its `fields` argument on its own: its hits on a cell depend only on
    # that cell's text and the plan (so planlint.rules.replay may run it one field at a time).
    cellwise: bool = False

    def schema(self) -> dict[str, Any]:
        return {
            "type": "object",
            "properties": {"fn": {"const": self.name}, **self.args},
            "required": ["fn", *self.required],
            "additionalProperties": False,
        }


PRIMITIVES: dict[str, Primitive] = {}


def primitive(
    name: str,
    scopes: tuple[str, ...],
    args: dict[str, Any] | None = None,
    required: tuple[str, ...] = (),
    cellwise: bool = False,
) -> Callable[[PrimitiveFn], PrimitiveFn]:
    def register(fn: PrimitiveFn) -> PrimitiveFn:
        PRIMITIVES[name] = Primitive(name, fn, frozenset(scopes), args or {}, required, cellwise)
        return fn

    return register


# Argument schemas shared by several primitives.
FIELD = {"type": "string"}
FIELDS = {"type": "array", "items": {"type": "string"}, "minItems": 1}
WORDS = {"type": "array", "items": {"type": "string", "minLength": 1}}
PARAM = {"type": "string", "description": "name of a profile parameter"}
