"""Data shipped with planlint: rule packs, profiles, schemas, the gazetteer and the field grammar.

Parsing the bundled YAML costs more than the rest of a small check's start-up (importing yaml and
parsing the packs and profiles is ~40 ms; reading JSON is ~1 ms), so a wheel ships each bundled
`X.yaml` pre-built as `X.yaml.json`, written at build time (setup.py, `build_py`). The JSON holds
the YAML's checksum: a YAML edited after the build, or a source checkout (editable install) where
no pre-built file exists, is parsed as YAML. Nothing is written at run time.
"""

from __future__ import annotations

import json
import zlib
from importlib.resources import files
from typing import Any

PREBUILT_SUFFIX = ".json"


def load_yaml(*parts: str) -> Any:
    """A bundled YAML file under rules/ as plain data (validated by the test suite, not here)."""
    source = files("planlint.bundled.rules").joinpath(*parts)
    raw = source.read_bytes()
    prebuilt = files("planlint.bundled.rules").joinpath(*parts[:-1], parts[-1] + PREBUILT_SUFFIX)
    try:
        entry = json.loads(prebuilt.read_bytes())
        if entry["crc"] == zlib.crc32(raw) and entry["size"] == len(raw):
            return entry["data"]
    except (OSError, ValueError, KeyError, TypeError):
        pass
    from ..yamlio import read_yaml

    return read_yaml(raw.decode("utf-8"), "rules/" + "/".join(parts))


def prebuilt(raw: bytes, data: Any) -> str:
    """The pre-built form of a bundled YAML file (see setup.py)."""
    return json.dumps({"crc": zlib.crc32(raw), "size": len(raw), "data": data}, ensure_ascii=False)
