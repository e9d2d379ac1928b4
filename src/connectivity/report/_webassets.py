"""Leaflet inlined into a folium page, so that a saved map opens without a network.

folium links Leaflet, jQuery, Bootstrap and Font Awesome from CDNs. The maps of
:mod:`connectivity.report.webmap` use only Leaflet itself (vector layers, tooltips, the
layer control), so :func:`make_offline` drops every CDN link of the map and puts the
vendored Leaflet 1.9.4 (``_leaflet/``, BSD 2-Clause, see its README) into the page
head: the script as is, the stylesheet with its three images as ``data:`` URIs.
"""

from __future__ import annotations

import base64
import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import folium

__all__ = ["LEAFLET_DIR", "LEAFLET_VERSION", "make_offline", "raw_html"]

#: The vendored Leaflet files.
LEAFLET_DIR = Path(__file__).resolve().parent / "_leaflet"
LEAFLET_VERSION = "1.9.4"

_IMAGE_URL = re.compile(r"url\((images/[A-Za-z0-9_.-]+\.png)\)")


def _read(name: str) -> str:
    path = LEAFLET_DIR / name
    if not path.is_file():
        raise FileNotFoundError(
            f"vendored Leaflet file {path} is missing; reinstall connectivity "
            "(the wheel ships connectivity/report/_leaflet/)"
        )
    return path.read_text(encoding="utf-8")


def _data_uri(match: re.Match[str]) -> str:
    path = LEAFLET_DIR / match.group(1)
    if not path.is_file():
        raise FileNotFoundError(f"vendored Leaflet image {path} is missing; reinstall connectivity")
    encoded = base64.b64encode(path.read_bytes()).decode("ascii")
    return f"url(data:image/png;base64,{encoded})"


@cache
def _leaflet_css() -> str:
    return _IMAGE_URL.sub(_data_uri, _read("leaflet.css"))


@cache
def _leaflet_js() -> str:
    # a literal "</script>" inside the code would end the inline element early
    js = _read("leaflet.js")
    if "</script" in js.lower():
        raise ValueError("vendored leaflet.js contains '</script' and cannot be inlined")
    return js


def make_offline(m: folium.Map) -> None:
    """Replace the CDN links of ``m`` by the vendored Leaflet, inline in the page head.

    Only the map's own links are dropped (an instance attribute shadows folium's class
    lists, which stay untouched for other maps). Elements added to ``m`` must not bring
    links of their own; :func:`connectivity.report.webmap.save_html` checks the page.
    """
    m.default_js = []
    m.default_css = []
    head = m.get_root().header  # type: ignore[attr-defined]
    head.add_child(raw_html(f"<style>{_leaflet_css()}</style>"), name="leaflet_css_inline")
    head.add_child(raw_html(f"<script>{_leaflet_js()}</script>"), name="leaflet_js_inline")


def raw_html(text: str) -> Any:
    """A branca element that writes ``text`` as it is (not read as a Jinja template,
    whose ``{{``/``{#`` could occur in minified code)."""
    from branca.element import Element

    element = Element(template="{{ this.raw_text }}")
    element.raw_text = text  # type: ignore[attr-defined]
    return element
