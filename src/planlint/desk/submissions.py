"""What happens to uploaded files between the form and the database: a new round's city plan and
population file are checked readable; a county's version is stored, linted and recorded."""

from __future__ import annotations

import sqlite3
import tempfile
from pathlib import Path

from ..errors import PlanlintError
from . import auth, rounds
from .lint import Linter, LintRequest, StoredFile
from .store import FileStore


def validate_round_files(superior: tuple[str, bytes], population: tuple[str, bytes] | None) -> None:
    """Refuse a city plan that cannot be read as a plan, and a population file that cannot be read."""
    from ..pipeline import load_plans
    from ..population import load_population

    with tempfile.TemporaryDirectory(prefix="planlint-desk-") as tmp:
        path = Path(tmp) / superior[0]
        path.write_bytes(superior[1])
        try:
            plans = load_plans(str(path))
        except PlanlintError as exc:
            raise rounds.Refused(f"市级计划「{superior[0]}」无法读取：{exc.message}") from None
        if not plans:
            raise rounds.Refused(f"市级计划「{superior[0]}」中没有找到抽查任务表")
        if population is not None:
            pop = Path(tmp) / "pop" / population[0]
            pop.parent.mkdir()
            pop.write_bytes(population[1])
            try:
                load_population(str(pop))
            except PlanlintError as exc:
                raise rounds.Refused(f"监管对象数量文件「{population[0]}」无法读取：{exc.message}") from None


def store_and_lint(
    conn: sqlite3.Connection,
    store: FileStore,
    linter: Linter,
    user: auth.User,
    rnd: sqlite3.Row,
    county: str,
    name: str,
    data: bytes,
    ip: str | None,
) -> str:
    """Store the file, lint it, record the version; returns the version's id. Blocking: run it in a
    worker thread, on a connection of its own."""
    file_hash = store.put(data)
    previous = rounds.latest_version(conn, rnd["id"], county)
    req = LintRequest(
        plan=StoredFile(name, str(store.path(file_hash))),
        superior=StoredFile(rnd["superior_name"], str(store.path(rnd["superior_hash"]))),
        profile=rnd["profile"],
        population=population_file(store, rnd),
        previous=StoredFile(previous["filename"], str(store.path(previous["file_hash"])))
        if previous is not None and not previous["unreadable"]
        else None,
    )
    outcome = linter.run(req)
    return rounds.record_version(
        conn,
        store,
        user,
        rnd["id"],
        county,
        filename=name,
        file_hash=file_hash,
        size=len(data),
        outcome=outcome,
        ip=ip,
        diff_base=previous["number"] if previous is not None and req.previous is not None else None,
    )


def population_file(store: FileStore, rnd: sqlite3.Row) -> StoredFile | None:
    if not rnd["population_hash"]:
        return None
    return StoredFile(rnd["population_name"], str(store.path(rnd["population_hash"])))
