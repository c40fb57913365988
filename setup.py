"""Build hook: ship the bundled packs, profiles and column table pre-parsed as *.yaml.json next to
each YAML file (planlint.bundled.load_yaml reads them; nothing is parsed or cached at run time).
An editable install (`pip install -e .`) reads the package data from the source tree, so there the
files are written beside the YAML in rules/ (ignored by git); a YAML edited afterwards is parsed
again until the next install, as load_yaml checks each file's checksum.

All project metadata is in pyproject.toml; this file only adds the build step."""

from __future__ import annotations

import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildPyWithPrebuiltData(build_py):
    def run(self) -> None:
        super().run()
        import yaml

        sys.path.insert(0, str(Path(__file__).parent / "src"))
        from planlint.bundled import prebuilt  # json and zlib only: importable before install

        if self.editable_mode:  # the installed package reads rules/ itself (package-dir)
            rules = Path(__file__).parent / "rules"
        else:
            rules = Path(self.build_lib) / "planlint" / "bundled" / "rules"
        for source in sorted(p for p in rules.rglob("*.yaml") if "cases" not in p.parts):  # cases: test-rules
            raw = source.read_bytes()
            target = source.with_name(source.name + ".json")
            target.write_text(prebuilt(raw, yaml.safe_load(raw.decode("utf-8"))), encoding="utf-8")


setup(cmdclass={"build_py": BuildPyWithPrebuiltData})
