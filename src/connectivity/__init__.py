"""connectivity: multimodal freight network planning for China and Central Asia."""

from __future__ import annotations

__version__ = "0.1.0"
