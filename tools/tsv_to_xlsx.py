"""Build a survey's .xlsx fixture from its transcription (tests/fixtures/unseen/sources/NNN_*.tsv).

The workbook is the table as an office saves it: the title row (the `# title:` line, without a
transcriber's note in ASCII brackets after it,
such as " (constructed from ...)"), the header, the rows (`\\n` in a cell is a line break), the
`# merge:` ranges; `#` lines and the `# partial-row:` are not data, and a blank cell stays empty.
It is written one folder above the sources, named after the title.

    python tools/tsv_to_xlsx.py tests/fixtures/unseen/sources/148_*.tsv
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from openpyxl import Workbook

# a transcriber's note after the title: " (constructed from ...)", " (as stored)"
_NOTE = re.compile(r"\s+\([^()]*(?:\([^()]*\)[^()]*)*\)\s*$")


def read_tsv(path: Path) -> tuple[str, list[list[str]], list[str]]:
    """The title, the table rows (header first) and the merged ranges of a transcription."""
    title = ""
    merges: list[str] = []
    rows: list[list[str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            key, _, value = line[1:].strip().partition(":")
            if key == "title":
                title = _NOTE.sub("", value.strip())
            elif key == "merge":
                merges.extend(value.split())
            continue
        if not line.strip():
            continue
        rows.append([cell.replace("\\n", "\n") for cell in line.split("\t")])
    if not title:
        raise ValueError(f"{path}: no '# title:' line")
    return title, rows, merges


def build(path: Path) -> Path:
    title, rows, merges = read_tsv(path)
    wb = Workbook()
    ws = wb.active
    ws.append([title])
    for row in rows:
        ws.append([cell if cell != "" else None for cell in row])
    for rng in merges:
        ws.merge_cells(rng)
    out = path.parent.parent / f"{title}.xlsx"
    wb.save(out)
    return out


if __name__ == "__main__":
    for arg in sys.argv[1:]:
        print(build(Path(arg)))
