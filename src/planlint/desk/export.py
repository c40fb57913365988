"""The board as a workbook, and every county's current version with its annotated copy as one
.zip for the archive."""

from __future__ import annotations

import io
import json
import sqlite3
import zipfile
from pathlib import Path

from ..findings import SEVERITY_NAMES
from . import rounds
from .store import FileStore

BOARD_HEADERS = (
    "县（市、区）",
    "状态",
    "版本",
    "错误",
    "警告",
    "重复发起市抽县查任务",
    "覆盖市级任务",
    "未列入的市级任务",
    "监管对象覆盖率",
    "已说明的问题",
    "最近活动（UTC）",
    "退回意见",
)
FINDING_HEADERS = (
    "县（市、区）",
    "版本",
    "级别",
    "规则",
    "位置",
    "任务",
    "问题",
    "修改建议",
    "依据",
    "说明理由",
)


def board_xlsx(conn: sqlite3.Connection, rid: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    from ..report.xlsx import put
    from ..workbook import active_sheet

    rnd = rounds.get_round(conn, rid)
    assert rnd is not None, f"no round {rid}"
    wb = Workbook()
    ws = active_sheet(wb)
    ws.title = "审查台账"
    put(ws, 1, 1, f"{rnd['title']}（{rnd['year']}年度，上级计划：{rnd['superior_name']}）").font = Font(
        bold=True
    )
    rows = rounds.board(conn, rid)
    for c, h in enumerate(BOARD_HEADERS, 1):
        put(ws, 3, c, h).font = Font(bold=True)
    for r, row in enumerate(rows, 4):
        board_values = (
            row.county,
            row.status_label,
            row.version or "",
            row.errors if row.version else "",
            row.warnings if row.version else "",
            row.duplicates if row.version else "",
            row.city_tasks["label"] if row.city_tasks else "",
            "；".join(row.city_tasks["missing"]) if row.city_tasks else "",
            row.coverage or "",
            row.waivers,
            row.last_activity,
            row.comment or "",
        )
        for c, v in enumerate(board_values, 1):
            put(ws, r, c, v)
    for c, width in enumerate((16, 8, 6, 6, 6, 12, 20, 40, 10, 10, 22, 40), 1):
        ws.column_dimensions[get_column_letter(c)].width = width
    ws.freeze_panes = "A4"

    detail = wb.create_sheet("问题清单")
    for c, h in enumerate(FINDING_HEADERS, 1):
        put(detail, 1, c, h).font = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")  # one style object for every cell
    r = 2
    for row in rows:
        if row.version_id is None:
            continue
        version = rounds.get_version(conn, row.version_id)
        assert version is not None, "the board lists stored versions"
        waived = rounds.waivers(conn, rid, row.county)
        for f in rounds.findings_of(version)["findings"]:
            loc = f.get("location") or {}
            where = f"{loc.get('sheet') or ''}!{loc.get('cell') or ''}".strip("!")
            w = waived.get(f["key"])
            values = (
                row.county,
                row.version,
                SEVERITY_NAMES.get(f["severity"], f["severity"]),
                f"{f['rule']} {f['slug']}",
                where,
                f.get("task") or "",
                f["message"],
                f["fix"],
                f["basis"],
                w["reason"] if w else "",
            )
            for c, v in enumerate(values, 1):
                put(detail, r, c, v).alignment = wrap
            r += 1
    for c, width in enumerate((14, 6, 6, 26, 12, 6, 50, 40, 40, 30), 1):
        detail.column_dimensions[get_column_letter(c)].width = width
    detail.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _stem(name: str) -> str:
    return Path(name).stem


def submissions_zip(conn: sqlite3.Connection, store: FileStore, rid: str) -> bytes:
    """审查台账.xlsx, the city plan, and per county its current version, annotated copy and findings."""
    rnd = rounds.get_round(conn, rid)
    assert rnd is not None, f"no round {rid}"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("审查台账.xlsx", board_xlsx(conn, rid))
        zf.writestr(f"上级计划/{Path(rnd['superior_name']).name}", store.read(rnd["superior_hash"]))
        for row in rounds.board(conn, rid):
            if row.version_id is None:
                continue
            v = rounds.get_version(conn, row.version_id)
            assert v is not None, "the board lists stored versions"
            folder = f"{row.county}（{row.status_label}，第{v['number']}版）"
            zf.writestr(f"{folder}/{Path(v['filename']).name}", store.read(v["file_hash"]))
            if v["annotated_hash"]:
                zf.writestr(f"{folder}/{_stem(v['filename'])}.批注.xlsx", store.read(v["annotated_hash"]))
            waived = rounds.waivers(conn, rid, row.county)
            data = rounds.findings_of(v)
            for f in data["findings"]:
                if f["key"] in waived:
                    f["waiver"] = waived[f["key"]]["reason"]
            zf.writestr(
                f"{folder}/检查结果.json",
                json.dumps(
                    {
                        "county": row.county,
                        "version": v["number"],
                        "file": v["filename"],
                        "sha256": v["file_hash"],
                        "status": row.status_label,
                        "comment": row.comment,
                        **data,
                    },
                    ensure_ascii=False,
                    indent=2,
                ),
            )
    return buf.getvalue()
