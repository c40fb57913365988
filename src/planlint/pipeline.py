"""file → Tables → Plans: the readers, header recognition and metadata, in one call."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .errors import PlanlintError, ReadError
from .plan import Plan
from .readers import SUPPORTED

__all__ = ["KNOWN_UNSUPPORTED", "SUPPORTED", "discover", "load_plans"]

# Formats a folder walk picks up only so that the reader can say what to do with them.
KNOWN_UNSUPPORTED = (".xls", ".doc", ".et", ".wps", ".pdf", ".ods")


def load_plans(path: str, meta: dict[str, Any] | None = None) -> list[Plan]:
    """Every plan in the file (one per sheet / Word table / text table). Tables without a
    recognisable header are skipped when another table in the file is a plan."""
    from .columns import build_plan
    from .readers import read_tables

    plans: list[Plan] = []
    first_error: ReadError | None = None
    skipped: list[str] = []
    for table in read_tables(path):
        try:
            plan = build_plan(table)
        except ReadError as exc:
            first_error = first_error or exc
            if any(c.strip() for row in table.rows for c in row):
                skipped.append(f"「{table.sheet}」" if table.sheet else "一个表格")
            continue
        for key, value in (meta or {}).items():
            if value is not None:
                setattr(plan.meta, key, value)
        plans.append(plan)
    if not plans:
        raise first_error or ReadError("文件中没有找到表格，请确认这是抽查工作计划表", path)
    if skipped:  # not silence: say which tables were not read as plans
        plans[0].notes.append(f"{'、'.join(skipped)}中没有找到抽查计划表头，不是计划表，未作检查")
    return plans


def discover(paths: Iterable[str]) -> list[str]:
    """Files to check: explicit files as given, folders walked for plan formats (sorted)."""
    files: list[str] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            for root, dirs, names in os.walk(p):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(names):
                    suffix = Path(name).suffix.lower()
                    if name.startswith(("~$", ".")) or ".fixed." in name:
                        continue
                    if suffix in SUPPORTED or suffix in KNOWN_UNSUPPORTED:
                        files.append(os.path.join(root, name))
        elif p.exists():
            files.append(str(p))
        else:
            raise PlanlintError("文件或文件夹不存在，请检查路径", raw)
    return files
