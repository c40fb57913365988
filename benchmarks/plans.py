"""Generated plans for the benchmarks, shaped like the seeds.

Every task is a real task row of a bundled sample plan (all four seeds plus the model plan), drawn
with the seeds' own repetition (rows are drawn uniformly, so a string frequent in the seeds is
frequent here), renumbered and written under the model plan's header as .xlsx (openpyxl
write-only). Files are written once into benchmarks/out/ and reused while the generator is unchanged.
"""

from __future__ import annotations

import hashlib
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
OUT = HERE / "out"
SAMPLES = REPO / "samples"

TITLE = "某县市场监督管理局2025年度内部双随机抽查工作计划"
SHEET = "内部计划"
# The model plan's header, and the canonical field key of each column.
COLUMNS = (
    ("序号", "seq"),
    ("抽查任务名称", "name"),
    ("抽查类型", "type"),
    ("抽查事项", "items"),
    ("抽查对象范围", "scope"),
    ("抽查比例/数量", "quota"),
    ("信用风险分类管理", "risk"),
    ("抽查检查起止时间", "window"),
    ("发起主体/指导单位", "initiator"),
    ("抽查检查主体", "inspector"),
    ("抽查检查模式", "mode"),
)
SIZES = (50, 1_000, 10_000, 100_000)
BATCH_FILES = 1_000
BATCH_TASKS = 50


def seed_rows() -> list[dict[str, str]]:
    """Every task of the bundled .xlsx samples as {field key: cell text}."""
    from planlint.pipeline import load_plans

    rows = []
    for path in sorted(SAMPLES.glob("*.xlsx")):
        for plan in load_plans(str(path)):
            for task in plan.tasks:
                rows.append({key: task.text(key) for _, key in COLUMNS if key != "seq"})
    return rows


def _fill_gaps(rows: list[dict[str, str]], rng: random.Random) -> list[dict[str, str]]:
    """A seed without a column (原平 has no 抽查类型) borrows that cell from another seed's row."""
    pools = {key: [r[key] for r in rows if r[key]] for _, key in COLUMNS if key != "seq"}
    return [{k: v or rng.choice(pools[k]) for k, v in r.items()} for r in rows]


def write_plan(path: Path, tasks: int, seed: int, rows: list[dict[str, str]]) -> None:
    from openpyxl import Workbook

    rng = random.Random(seed)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(SHEET)
    ws.append([TITLE])
    ws.append([header for header, _ in COLUMNS])
    keys = [key for _, key in COLUMNS[1:]]
    for seq in range(1, tasks + 1):
        row = rng.choice(rows)
        ws.append([seq, *(row[k] for k in keys)])
    tmp = path.with_suffix(".tmp")
    wb.save(tmp)
    tmp.replace(path)


def _stamp() -> str:
    """Regenerate when this generator or the samples change."""
    h = hashlib.sha256(Path(__file__).read_bytes())
    for p in sorted(SAMPLES.glob("*.xlsx")):
        h.update(p.read_bytes())
    return h.hexdigest()[:12]


def ensure(sizes: tuple[int, ...] = SIZES, batch: bool = True) -> dict[str, Path]:
    """Paths of the sized plans (`plan-1000`) and the batch folder (`batch`), generated if needed."""
    OUT.mkdir(parents=True, exist_ok=True)
    stamp_file = OUT / "plans.stamp"
    stamp = _stamp()
    fresh = stamp_file.exists() and stamp_file.read_text() == stamp
    rows: list[dict[str, str]] | None = None
    out: dict[str, Path] = {}
    if not fresh:
        stamp_file.unlink(missing_ok=True)
    for n in sizes:
        path = OUT / f"plan-{n}.xlsx"
        if not (fresh and path.exists()):
            rows = rows or _fill_gaps(seed_rows(), random.Random(0))
            write_plan(path, n, n, rows)
        out[f"plan-{n}"] = path
    if batch:
        folder = OUT / "batch"
        folder.mkdir(exist_ok=True)
        for i in range(BATCH_FILES):
            path = folder / f"县{i:04d}-2025年度内部双随机抽查工作计划.xlsx"
            if not (fresh and path.exists()):
                rows = rows or _fill_gaps(seed_rows(), random.Random(0))
                write_plan(path, BATCH_TASKS, 1_000_000 + i, rows)
        out["batch"] = folder
    stamp_file.write_text(stamp)
    return out


if __name__ == "__main__":
    for name, path in ensure().items():
        print(name, path)
