"""GMNS out and in: the bundled network round trip, units, and every missing field."""

from __future__ import annotations

import pandas as pd
import pytest

import connectivity as cn
from connectivity.io.gmns import read_gmns, write_gmns, write_network_csv


@pytest.fixture(scope="module")
def bundled():
    return cn.load_bundled()


def test_bundled_round_trip(tmp_path, bundled):
    write_gmns(bundled, tmp_path)
    nodes = pd.read_csv(tmp_path / "node.csv")
    links = pd.read_csv(tmp_path / "link.csv")
    config = pd.read_csv(tmp_path / "config.csv")
    assert {"node_id", "name", "x_coord", "y_coord", "zone_id", "node_type"} <= set(nodes)
    assert {"link_id", "from_node_id", "to_node_id", "directed", "length", "free_speed",
            "allowed_uses", "facility_type", "geometry", "capacity_t_per_year"} <= set(links)
    assert config.loc[0, "long_length"] == "km" and config.loc[0, "crs"] == "EPSG:4326"
    back = read_gmns(tmp_path)
    for table in ("places", "links"):
        original = bundled.table(table)
        pd.testing.assert_frame_equal(back.table(table)[original.columns], original)
    again = cn.compile_network(back)
    for a, b in (("Xi'an", "Almaty"), ("Urumqi", "Aktau"), ("Kashgar", "Tashkent")):
        r1, r2 = cn.route(bundled, a, b), cn.route(again, a, b)
        assert r2.generalized_cost_usd_per_t == r1.generalized_cost_usd_per_t
        assert r2.edges == r1.edges


def _gmns(tmp_path, nodes, links, config="long_length,speed\nmi,mph\n"):
    (tmp_path / "node.csv").write_text(nodes, encoding="utf-8")
    (tmp_path / "link.csv").write_text(links, encoding="utf-8")
    (tmp_path / "config.csv").unlink(missing_ok=True)
    if config is not None:
        (tmp_path / "config.csv").write_text(config, encoding="utf-8")
    return tmp_path


NODES = "node_id,x_coord,y_coord,node_type\n1,76.9,43.2,intersection\n2,77.0,43.3,city\n"
LINKS = ("link_id,from_node_id,to_node_id,directed,length,free_speed,allowed_uses,capacity,"
         "gauge_mm\na,1,2,false,10,50,\"auto,truck\",1800,\nb,2,1,true,12,,rail,,1520\n")


def test_foreign_gmns_units_and_defaults(tmp_path):
    net = read_gmns(_gmns(tmp_path, NODES, LINKS), default_country="KZ")
    links = net.links.set_index("link_id")
    assert links.loc["a", "length_km"] == pytest.approx(16.09344)
    assert links.loc["a", "speed_kmh"] == pytest.approx(80.4672)
    assert links.loc["a", "mode"] == "road" and links.loc["b", "mode"] == "rail"
    assert bool(links.loc["a", "two_way"]) and not bool(links.loc["b", "two_way"])
    assert links.loc["a", "gmns_capacity"] == "1800" and pd.isna(links.loc["a", "capacity"])
    places = net.places.set_index("place_id")
    assert places.loc["1", "kind"] == "junction" and places.loc["2", "kind"] == "city"
    assert places.loc["1", "gmns_node_type"] == "intersection"
    assert places.loc["1", "terminals"] == "rail_1520;road"


def test_every_missing_field_is_named(tmp_path):
    with pytest.raises(cn.NetworkValidationError) as err:
        read_gmns(_gmns(tmp_path, "node_id,x_coord\n1,2\n",
                        "link_id,from_node_id,length\na,1,3\n"))
    assert err.value.problems == [
        "node.csv: missing required field 'y_coord'",
        "link.csv: missing required field 'to_node_id'",
        "link.csv: missing required field 'directed'",
    ]
    with pytest.raises(cn.NetworkValidationError, match="no country column; give default_c"):
        read_gmns(_gmns(tmp_path, NODES, LINKS))
    with pytest.raises(ValueError, match="no config.csv long_length"):
        read_gmns(_gmns(tmp_path, NODES, LINKS, config=None), default_country="KZ")
    assert len(read_gmns(tmp_path, default_country="KZ", length_unit="km").links) == 2
    with pytest.raises(ValueError, match="long_length='furlong' is not a known unit"):
        read_gmns(_gmns(tmp_path, NODES, LINKS, "long_length\nfurlong\n"),
                  default_country="KZ")
    with pytest.raises(ValueError, match="crs='EPSG:32643'"):
        read_gmns(_gmns(tmp_path, NODES, LINKS, "long_length,crs\nkm,EPSG:32643\n"),
                  default_country="KZ")
    bad = LINKS.replace("false,10", "maybe,ten")
    with pytest.raises(cn.NetworkValidationError) as err:
        read_gmns(_gmns(tmp_path, NODES, bad), default_country="KZ")
    assert "directed='maybe' is not true or false" in str(err.value)
    assert "length='ten' is not a number" in str(err.value)


def test_network_csv_folder_round_trip(tmp_path, bundled):
    write_network_csv(bundled, tmp_path)
    back = cn.read_network(tmp_path)
    for table in ("places", "links", "crossings", "projects"):
        pd.testing.assert_frame_equal(back.table(table), bundled.table(table))
