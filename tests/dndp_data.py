"""Where the Sioux Falls network design instances are, and a mark for tests that need them.

The instances (Rey 2019, on the TransportationNetworks Sioux Falls network) are not
committed: Rey's repository states no licence and TransportationNetworks restricts its
data to academic research. The tests that read them look in ``$CONNECTIVITY_DNDP_DATA``,
then in ``../shared/benchmark-data/dndp`` beside the checkout, and skip with that reason
when neither has them; the hand-made instances with brute-force oracles always run.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FILES = ("SF_DNDP_10_3.txt", "SF_DNDP_20_2.txt", "SiouxFalls_trips.tntp")


def dndp_dir() -> Path:
    """The folder holding the instances (it may not exist)."""
    env = os.environ.get("CONNECTIVITY_DNDP_DATA")
    return Path(env) if env else ROOT.parent / "shared" / "benchmark-data" / "dndp"


DNDP = dndp_dir()
needs_dndp = pytest.mark.skipif(
    not all((DNDP / f).is_file() for f in FILES),
    reason=f"Sioux Falls DNDP instances not found in {DNDP} (set CONNECTIVITY_DNDP_DATA; "
           "they are not committed: their licences do not allow it)",
)
