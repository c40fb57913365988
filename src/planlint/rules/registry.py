"""The closed vocabulary of check primitives that rule packs may name in `check.fn`.

A primitive is a plain Python generator registered by name with the scope it works at, a JSON
Schema for its arguments and the template variables its hits provide. It yields hits; the engine,
not the primitive, stamps rule id, severity, message, fix and basis on each (yamllint's split), so
primitives stay small and testable.

A cell primitive is called as `fn(ctx, cell, **args)`: it sees one cell (its raw text and typed
value) and the plan-wide context, never the task, so it cannot read another column. The engine
takes the columns from the rule's `field` / `fields` argument, runs the primitive once per
distinct cell and places its `CellHit`s on every cell holding that text. A task primitive is
called as `fn(ctx, task, **args)` and a plan or plan-set primitive as `fn(ctx, None, **args)`;
they yield located `Hit`s.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..findings import Edit, Span
from ..plan import Plan, Task
from ..table import Location

if TYPE_CHECKING:
    from ..itemlist import ItemList
    from ..matching import Match
    from ..population import PlacePopulation


@dataclass(slots=True)
class Hit:
    """One violation found by a primitive. `vars` feed the rule's message/fix templates."""

    location: Location
    field: str | None = None
    task: Task | None = None
    vars: dict[str, Any] = dataclasses.field(default_factory=dict)
    edits: tuple[Edit, ...] = ()
    severity: str | None = None  # a primitive may soften a rule's severity (e.g. month-only dates)
    spans: tuple[Span, ...] = ()  # the parts of the cell's raw text it is about; see Finding.spans


@dataclass(slots=True)
class CellHit:
    """One violation found in a cell by a cell primitive, relative to that cell: the engine places
    it on every cell holding the text. `new` is the cell's whole new text when the hit proposes
    one (its fix); `spans` the parts of the cell's raw text the hit is about (every occurrence)."""

    vars: dict[str, Any] = dataclasses.field(default_factory=dict)
    new: str | None = None
    safe: bool = False
    severity: str | None = None  # a primitive may soften a rule's severity (e.g. month-only dates)
    spans: tuple[Span, ...] = ()


@dataclass(slots=True)
class RunData:
    """What every plan of a run shares with the plan-set rules, loaded before any rule runs (no
    primitive reads a file), and what those rules work out once per run."""

    population: dict[str, PlacePopulation] | None = None  # --population, by place
    item_list: ItemList | None = None  # --item-list
    notes: set[str] = dataclasses.field(default_factory=set)
    # task matches per (plan, other plan), by id: a batch of a hundred counties matches each pair once
    matches: dict[tuple[int, int], dict[int, Match]] = dataclasses.field(default_factory=dict)
    same_plan: dict[tuple[int, int], bool] = dataclasses.field(default_factory=dict)
    joint_plans: dict[str, list[Plan]] | None = None  # the run's joint plans by place, indexed once


@dataclass(slots=True)
class Ctx:
    """What a primitive may see: the plan, the resolved profile parameters, and for plan-set rules
    every plan of the run, the superior plans and the run's shared data."""

    plan: Plan
    params: dict[str, Any]
    plans: list[Plan] = dataclasses.field(default_factory=list)
    superiors: list[Plan] = dataclasses.field(default_factory=list)
    run: RunData = dataclasses.field(default_factory=RunData)
    # (field, row) of the cells the plan's cell and task rules reported, for plan-level rules: a
    # share counts every task but lists again only those not reported on their own
    reported: set[tuple[str, int]] = dataclasses.field(default_factory=set)
    # the field key of the first column whose header holds some words, by those words
    headers: dict[tuple[str, ...], str | None] = dataclasses.field(default_factory=dict)

    @property
    def notes(self) -> set[str]:
        """Notes for the run's report (not findings): what a rule could not check, and why."""
        return self.run.notes

    def param(self, name: str) -> Any:
        """A profile parameter; a dict keyed by plan kind or level picks this plan's entry."""
        value = self.params.get(name)
        if isinstance(value, dict) and _SELECTORS.intersection(value):
            for key in (self.plan.meta.kind, self.plan.meta.level, "default"):
                if key in value:
                    return value[key]
            return None  # no entry for this kind of plan: the check does not apply
        return value


_SELECTORS = frozenset(("internal", "joint", "province", "city", "county", "township", "default"))

PrimitiveFn = Callable[..., Iterator[Any]]  # yields CellHit (cell scope) or Hit (the others)

# Template variables the engine fills in for every rule: the task's and the plan's.
ENGINE_VARS = frozenset(("seq", "name", "place", "year", "level", "kind"))
# ... for a rule whose check names a profile parameter (`param`): its value.
PARAM_VAR = "param"
# ... for a hit on a cell (every cell rule's; a task rule's through field_hit): the cell's text as
# written (stripped), its typed value and its column's header.
CELL_VARS = frozenset(("raw", "value", "col"))


@dataclass(frozen=True, slots=True)
class Primitive:
    name: str
    fn: PrimitiveFn
    scopes: frozenset[str]
    args: dict[str, Any]  # JSON Schema "properties" of the arguments
    required: tuple[str, ...]
    provides: frozenset[str] = frozenset()  # the template variables its hits set (see `variables`)

    def schema(self) -> dict[str, Any]:
        return {
            "type": "object",
            "properties": {"fn": {"const": self.name}, **self.args},
            "required": ["fn", *self.required],
            "additionalProperties": False,
        }

    @property
    def cell(self) -> bool:
        """A cell primitive: called with one cell (`fn(ctx, cell, **args)`), never a task."""
        return "cell" in self.scopes

    def variables(self, check: dict[str, Any]) -> frozenset[str]:
        """Every template variable a rule running this check may name."""
        names = ENGINE_VARS | self.provides
        if self.cell:
            names |= CELL_VARS
        if "param" in check:
            names |= {PARAM_VAR}
        return names


PRIMITIVES: dict[str, Primitive] = {}


def primitive(
    name: str,
    scopes: tuple[str, ...],
    args: dict[str, Any] | None = None,
    required: tuple[str, ...] = (),
    provides: tuple[str, ...] = (),
) -> Callable[[PrimitiveFn], PrimitiveFn]:
    """Register a check. A cell primitive (scopes `("cell",)`) takes its columns from a `field` or
    `fields` argument, which the engine reads and does not pass on."""
    if "cell" in scopes and len(scopes) > 1:
        raise ValueError(f"{name}: a cell primitive has the cell scope only")

    def register(fn: PrimitiveFn) -> PrimitiveFn:
        PRIMITIVES[name] = Primitive(name, fn, frozenset(scopes), args or {}, required, frozenset(provides))
        return fn

    return register


# Argument schemas shared by several primitives.
FIELD = {"type": "string"}
FIELDS = {"type": "array", "items": {"type": "string"}, "minItems": 1}
WORDS = {"type": "array", "items": {"type": "string", "minLength": 1}}
PARAM = {"type": "string", "description": "name of a profile parameter"}
