"""Locate the bundled data folder, in a wheel install or a source checkout."""

from __future__ import annotations

from pathlib import Path

__all__ = ["bundled_data_dir"]


def bundled_data_dir() -> Path:
    """Return the folder holding the bundled network tables.

    A wheel carries them as ``connectivity/data``; an editable install or a source
    checkout reads the repository's top-level ``data/``.
    """
    here = Path(__file__).resolve().parent
    packaged = here / "data"
    if (packaged / "places.csv").is_file():
        return packaged
    checkout = here.parent.parent / "data"
    if (checkout / "places.csv").is_file():
        return checkout
    raise FileNotFoundError(
        f"bundled data not found: looked in {packaged} and {checkout}; "
        "reinstall the package with `pip install .`"
    )
