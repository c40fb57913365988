"""Traditional script and inline pinyin: a table made readable before its headers are matched.

Some plans are published (or mirrored) in traditional characters (檢查事項, 抽查時間段), and some
mirrors annotate polyphonic characters with pinyin (`監(jiān)督`, `戶數(shù)`). Header matching, the
field grammar and every text rule are written for simplified text, so such a table is converted
cell by cell with OpenCC (`t2s`) and the pinyin annotations are dropped. The cells keep their
position, so every location still points at the original cell, and `Table.originals` keeps each
changed cell's original text so that messages can quote what the plan really says.

The check is cheap for the usual simplified plan: OpenCC is loaded only when a sample of the table
holds a character outside GB2312 (the simplified character set) or a pinyin annotation, and the
table is converted only when OpenCC changes that sample.
"""

from __future__ import annotations

import codecs
import re
from functools import lru_cache

from .readers._common import pick_title, title_from_rows
from .table import Table

SAMPLE_ROWS = 200  # rows (title and header included) looked at to decide whether a table needs work
TRADITIONAL_SHARE = 8  # one changed character in 8 Chinese characters (about a third in real ones)
# A pinyin syllable in brackets right after a Chinese character: 監(jiān), 數（shù）. At least one
# tone-marked vowel, so that (A类), (B) or (rev) are left alone.
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
_PINYIN = re.compile(rf"(?<=[\u3400-\u9fff])\s?[(（]\s*[a-zü]*[{_TONED}][a-zü{_TONED}]*\s*[)）]")


@lru_cache(maxsize=1)
def _converter():  # -> opencc.OpenCC
    import opencc  # ~30 ms to load: only for tables that need it

    return opencc.OpenCC("t2s")


def strip_pinyin(text: str) -> str:
    """`監(jiān)督管理` → `監督管理`: inline pinyin annotations removed."""
    return _PINYIN.sub("", text) if "(" in text or "（" in text else text


def to_simplified(text: str) -> str:
    """Traditional characters converted to simplified (OpenCC t2s), pinyin annotations dropped."""
    return _converter().convert(strip_pinyin(text))


_HAN = re.compile("[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0003ffff]")
_SKIP_NON_HAN = "planlint-skip-non-han"


def _skip_non_han(err: UnicodeError) -> tuple[str, int]:
    """The codec error handler of _han_outside_gb2312: a character GB2312 lacks is skipped unless
    it is a Chinese character (then the encoding fails)."""
    if not isinstance(err, UnicodeEncodeError) or _HAN.search(err.object, err.start, err.end):
        raise err
    return "", err.end


codecs.register_error(_SKIP_NON_HAN, _skip_non_han)


def _han_outside_gb2312(text: str) -> bool:
    """Whether a Chinese character of `text` is not one of GB2312's simplified ones. Only then can
    the text be traditional; punctuation outside GB2312 (the — of `3月—11月`) says nothing. The
    codec does the scan (in C); Python runs only for the characters GB2312 lacks."""
    try:
        text.encode("gb2312", _SKIP_NON_HAN)
    except UnicodeEncodeError:
        return True
    return False


def needs_simplifying(texts: list[str]) -> bool:
    """Whether these texts (a sample of a table) are in traditional script or carry pinyin. A
    simplified plan quoting a few traditional names (華為) is not converted: at least one Chinese
    character in TRADITIONAL_SHARE must change."""
    sample = "\n".join(texts)
    if _PINYIN.search(sample):
        return True
    if sample.isascii() or not _han_outside_gb2312(sample):
        return False
    converted = _converter().convert(sample)
    if len(converted) != len(sample):  # a phrase conversion: not simplified text
        return True
    changed = sum(1 for a, b in zip(sample, converted) if a != b)
    han = sum(1 for c in sample if "\u3400" <= c <= "\u9fff")
    return changed * TRADITIONAL_SHARE >= max(han, 1)


def simplify_table(table: Table) -> Table:
    """`table` itself when it is simplified text without pinyin; else the table with every cell,
    its title and context converted, the changed cells' original texts in `originals`."""
    sample_rows = table.rows[:SAMPLE_ROWS]
    sample = [table.title or "", *(c for row in sample_rows for c in dict.fromkeys(row) if c)]
    if not needs_simplifying(sample):
        return table
    done: dict[str, str] = {}
    originals: dict[tuple[int, int], str] = {}
    rows: list[list[str]] = []
    for i, row in enumerate(table.rows):
        out = []
        for j, text in enumerate(row):
            if text:
                new = done.get(text)
                if new is None:
                    new = done[text] = to_simplified(text)
                if new != text:
                    originals[(i, j)] = text
                    text = new
            out.append(text)
        rows.append(out)
    table.rows = rows
    table.originals = originals
    table.context = to_simplified(table.context) if table.context else table.context
    # the reader looked for a title naming a 计划 before the conversion: 計劃 did not
    table.title = (
        to_simplified(table.title)
        if table.title
        else title_from_rows(rows) or pick_title(table.context.splitlines())
    )
    note = "表格为繁体字或带拼音注音，已转换为简体（OpenCC）后检查；问题定位仍指向原单元格"
    table.notes = [*table.notes, note]
    return table
