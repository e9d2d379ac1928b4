from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

import connectivity as cn  # noqa: E402
import tiny  # noqa: E402


@pytest.fixture
def tiny_frames():
    return tiny.frames()


@pytest.fixture
def tiny_net():
    return cn.from_frames(**tiny.frames())
