"""Interactive HTML maps: the pages in a real headless Chromium (no console errors, one
drawn feature per row of the layers, tooltips, the layer switch), and the HTML itself.

The browser tests skip, naming what is missing, without selenium, a chromium binary or
chromedriver (``apt-get install chromium chromium-driver``; ``pip install selenium``).
Selenium Manager is never asked for a driver: the Service points at chromedriver.
"""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

import connectivity as cn

folium = pytest.importorskip("folium", reason="folium is not installed: pip install folium")

from connectivity.report import geo, webmap  # noqa: E402
from connectivity.scenarios import criticality  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
MODES = ["road", "rail", "air", "sea", "ferry"]
KHORGOS = "X_KHORGOS_ALTYNKOL_RAIL"


@pytest.fixture(scope="module")
def net():
    return cn.load_bundled()


@pytest.fixture(scope="module")
def cases(net):
    """Each map with the layers it draws, counted independently per layer-switch entry."""
    demand = cn.load_bundled_demand(net)
    base = cn.assign_aon(net, demand)
    closed = cn.assign_aon(net, demand, scenario=cn.Scenario(
        name="no_khorgos", closed_crossings=(KHORGOS,)))
    route = cn.route(net, "Xi'an", "Tashkent")
    ranked = criticality(net, demand, elements="crossings", top=12)
    layers = geo.network_layers(net)
    context = {"crossings": len(layers["crossings"]), "places": len(layers["places"])}

    def by_mode(frame):
        counts = frame["mode"].value_counts()
        return {m: int(counts[m]) for m in MODES if m in counts}

    stops = geo.route_layers(route, net)["stops"]
    n_cross = int((stops["role"] == "border_crossing").sum())
    return {
        "network": (webmap.network_map(net), {**by_mode(layers["links"]), **context}),
        "route": (webmap.route_map(route, net),
                  {**by_mode(geo.route_layers(route, net)["legs"]), "crossings": n_cross,
                   "places": len(stops) - n_cross}),
        "flows": (webmap.flows_map(base, net),
                  {**by_mode(geo.flow_layer(base, net)), **context}),
        "criticality": (webmap.criticality_map(ranked, net),
                        {"crossings": len(geo.criticality_layer(ranked, net))}),
        "difference": (webmap.difference_map(base, closed, net),
                       {**by_mode(geo.difference_layer(base, closed, net)), **context}),
    }


@pytest.fixture(scope="module")
def browser():
    webdriver = pytest.importorskip(
        "selenium.webdriver", reason="selenium is not installed: pip install selenium")
    if not Path(CHROMIUM).is_file() and shutil.which("chromium") is None:
        pytest.skip(f"no chromium binary at {CHROMIUM}: apt-get install chromium")
    if not Path(CHROMEDRIVER).is_file():
        pytest.skip(f"no chromedriver at {CHROMEDRIVER}: apt-get install chromium-driver")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM if Path(CHROMIUM).is_file() else shutil.which("chromium")
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1400,900"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    yield driver
    driver.quit()


def _groups(m):
    """Layer-switch name -> the JavaScript variable of its FeatureGroup."""
    return {child.layer_name: child.get_name() for child in m._children.values()
            if isinstance(child, folium.FeatureGroup)}


_COUNT = """
function count(layer) {
    if (layer.feature) { return 1; }
    let n = 0;
    if (layer.getLayers) { layer.getLayers().forEach(function (l) { n += count(l); }); }
    return n;
}
return count(window[arguments[0]]);
"""

_OPEN_TOOLTIP = """
// folium binds the tooltip to the GeoJson layer of the group; opened there, Leaflet
// shows it for the group's first feature
const geojson = window[arguments[0]].getLayers()[0];
if (!geojson.getTooltip()) { return null; }
const leaf = geojson.getLayers()[0];
geojson.openTooltip(leaf.getLatLng ? leaf.getLatLng() : leaf.getBounds().getCenter());
const shown = document.querySelector('.leaflet-tooltip');
return shown ? shown.innerText : null;
"""


@pytest.mark.parametrize("name", ["network", "route", "flows", "criticality", "difference"])
def test_map_renders_in_chromium(browser, cases, name, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    m, expected = cases[name]
    page = webmap.save_html(m, tmp_path / f"{name}.html")
    browser.get_log("browser")  # drop what an earlier page left
    browser.get(page.as_uri())
    WebDriverWait(browser, 30).until(
        lambda d: d.execute_script("return document.querySelectorAll("
                                   "'.leaflet-overlay-pane path').length") > 0)
    severe = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert severe == []

    groups = _groups(m)
    assert list(groups) == list(expected)
    drawn = {label: browser.execute_script(_COUNT, var) for label, var in groups.items()}
    assert drawn == expected
    # every feature is an SVG path on the map: the network's plus the country outlines
    n_countries = len(json.loads((Path(cn.tables.bundled_data_dir()) / "basemap"
                                  / "countries.geojson").read_text())["features"])
    paths = browser.find_elements(By.CSS_SELECTOR, ".leaflet-overlay-pane path")
    assert len(paths) == sum(expected.values()) + n_countries

    labels = [e.text.strip() for e in browser.find_elements(
        By.CSS_SELECTOR, ".leaflet-control-layers-overlays label")]
    assert labels == list(expected)
    if name in ("network", "flows", "difference"):
        assert labels[:5] == MODES

    first = next(iter(groups))
    text = browser.execute_script(_OPEN_TOOLTIP, groups[first])
    assert text is not None
    if name in ("network", "flows", "difference"):
        assert "length (km)" in text and "time (h)" in text and "id" in text
    if name == "criticality":
        assert "dwell (h)" in text and "extra cost (USD/year)" in text
    legend = browser.find_element(By.CSS_SELECTOR, ".cn-legend").text
    assert "Natural Earth" in legend


def test_hovering_a_place_shows_its_tooltip(browser, cases, tmp_path):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    m, _ = cases["route"]
    page = webmap.save_html(m, tmp_path / "route.html")
    browser.get(page.as_uri())
    WebDriverWait(browser, 30).until(
        lambda d: d.execute_script("return document.querySelectorAll("
                                   "'.leaflet-overlay-pane path').length") > 0)
    # the last stop (the destination), zoomed in so that no other marker covers it
    path = browser.execute_script(
        "const map = window[arguments[0]]; const places = window[arguments[1]];"
        "const leaves = []; places.eachLayer(g => g.eachLayer(l => leaves.push(l)));"
        "const last = leaves[leaves.length - 1];"
        "map.setView(last.getLatLng(), 9, {animate: false}); return last._path;",
        m.get_name(), _groups(m)["places"])
    legend = browser.find_element(By.CSS_SELECTOR, ".cn-legend")

    def hovered(d):
        # from the legend onto the marker, so that every try enters it afresh;
        # .text is what is visible: empty until the tooltip has faded in
        ActionChains(d).move_to_element(legend).move_to_element(path).pause(0.3).perform()
        return any(e.text for e in d.find_elements(By.CSS_SELECTOR, ".leaflet-tooltip"))

    WebDriverWait(browser, 20).until(hovered)
    shown = [e.text for e in browser.find_elements(By.CSS_SELECTOR, ".leaflet-tooltip")]
    assert any("Tashkent" in t and "UZ" in t and "destination" in t for t in shown), shown


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def test_page_is_self_contained_with_tooltips(cases, net, tmp_path):
    m, expected = cases["network"]
    page = webmap.save_html(m, tmp_path / "network.html").read_text(encoding="utf-8")
    parser = _Tags()
    parser.feed(page)
    parser.close()
    external = [a for tag, a in parser.tags if tag in ("script", "link")
                and any(a.get(k) for k in ("src", "href"))]
    assert external == []
    assert "Leaflet 1.9.4" in page
    assert "url(images/" not in page  # the stylesheet's images are data: URIs
    for label in ("length (km)", "time (h)", "dwell (h)", "capacity (t/year)", "country",
                  "kind"):
        assert f'"{label}"' in page
    for link_id in net.links["link_id"]:
        assert f'"{link_id}"' in page
    assert "cn-legend" in page and "Natural Earth" in page


def test_tiles_are_optional_and_need_an_attribution(net, tmp_path):
    m = webmap.network_map(net, tiles="OpenStreetMap")
    page = webmap.save_html(m, tmp_path / "tiles.html").read_text(encoding="utf-8")
    assert "tile.openstreetmap.org" in page
    assert "tile.openstreetmap.org" not in webmap.network_map(net).get_root().render()
    with pytest.raises(ValueError, match=r"tiles_attribution"):
        webmap.network_map(net, tiles="https://tiles.example/{z}/{x}/{y}.png")
    with pytest.raises(ValueError, match=r"tiles must be"):
        webmap.network_map(net, tiles="  ")


@pytest.mark.parametrize("suffix", [".htm", ".png", ""])
def test_save_html_names_a_bad_suffix(cases, tmp_path, suffix):
    m, _ = cases["network"]
    with pytest.raises(ValueError, match=re.escape(f"suffix {suffix!r}")):
        webmap.save_html(m, tmp_path / f"map{suffix}")
    assert list(tmp_path.iterdir()) == []


def test_route_of_another_network_is_refused(net, tiny_net):
    route = cn.route(tiny_net, "CN_A", "KZ_D")
    with pytest.raises((ValueError, cn.UnknownIdError)):
        webmap.route_map(route, net)
