"""Build hook: ship the top-level ``data/`` folder inside the wheel as ``connectivity/data``.

The bundled network lives at the repository root (where users and reviewers find it), but
a plain ``pip install .`` must still be able to load it, so the build copies it into the
package. Metadata stays in ``pyproject.toml``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

_DATA_SUFFIXES = {".csv", ".md", ".toml", ".osm", ".geojson"}


class BuildPyWithData(build_py):
    def run(self) -> None:
        super().run()
        source = Path(__file__).resolve().parent / "data"
        target = Path(self.build_lib) / "connectivity" / "data"
        target.mkdir(parents=True, exist_ok=True)
        for path in sorted(source.iterdir()):
            if path.is_file() and path.suffix in _DATA_SUFFIXES:
                shutil.copy2(path, target / path.name)
        # the planning scenarios (`connectivity.scenarios.bundled_scenarios`)
        scenarios = target / "scenarios"
        scenarios.mkdir(exist_ok=True)
        for path in sorted((source / "scenarios").glob("*.toml")):
            shutil.copy2(path, scenarios / path.name)
        # the country outlines under the static maps (`connectivity.report.maps`)
        basemap = target / "basemap"
        basemap.mkdir(exist_ok=True)
        for path in sorted((source / "basemap").iterdir()):
            if path.is_file() and path.suffix in {".geojson", ".md"}:
                shutil.copy2(path, basemap / path.name)


setup(cmdclass={"build_py": BuildPyWithData})
