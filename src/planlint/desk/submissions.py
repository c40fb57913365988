"""What happens to uploaded files between the form and the database: a new round's city plan,
population file and 抽查事项清单 are checked readable; a county's version is stored, linted and
recorded."""

from __future__ import annotations

import sqlite3
import tempfile
from pathlib import Path

from ..errors import PlanlintError
from . import auth, rounds
from .lint import Linter, LintRequest, RoundFiles, StoredFile
from .store import FileStore

Upload = tuple[str, bytes]  # the user's file name and the bytes


def validate_round_files(superior: Upload, population: Upload | None, item_list: Upload | None) -> None:
    """Refuse a city plan that cannot be read as a plan, and a population file or 抽查事项清单 that
    cannot be read, with the reader's message."""
    from ..itemlist import load_item_list
    from ..pipeline import load_plans
    from ..population import load_population

    with tempfile.TemporaryDirectory(prefix="planlint-desk-") as tmp:

        def placed(folder: str, upload: Upload) -> str:
            path = Path(tmp) / folder / upload[0]
            path.parent.mkdir()
            path.write_bytes(upload[1])
            return str(path)

        try:
            plans = load_plans(placed("superior", superior))
        except PlanlintError as exc:
            raise rounds.Refused(f"市级计划「{superior[0]}」无法读取：{exc.message}") from None
        if not plans:
            raise rounds.Refused(f"市级计划「{superior[0]}」中没有找到抽查任务表")
        for what, upload, load in (
            ("监管对象数量文件", population, load_population),
            ("抽查事项清单", item_list, load_item_list),
        ):
            if upload is None:
                continue
            try:
                load(placed(what, upload))
            except PlanlintError as exc:
                raise rounds.Refused(f"{what}「{upload[0]}」无法读取：{exc.message}") from None


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
        round=round_files(store, rnd),
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


def round_files(store: FileStore, rnd: sqlite3.Row) -> RoundFiles:
    """The files every lint of the round uses, where the store keeps them."""

    def stored(kind: str) -> StoredFile | None:
        digest = rnd[f"{kind}_hash"]
        return StoredFile(rnd[f"{kind}_name"], str(store.path(digest))) if digest else None

    superior = stored("superior")
    assert superior is not None, "a round has a city plan"
    return RoundFiles(superior, rnd["profile"], stored("population"), stored("item_list"))
