"""The bush-based equilibrium (Algorithm B) against known optima and Wardrop's
condition, with queues, closures, warm starts and the published TNTP solutions.

Oracles: the Braess network's flow file and hand-solved two-route networks; Wardrop's
condition checked independently of the algorithm (every edge an origin uses has zero
reduced cost against Dijkstra distances from that origin at the final costs); the
Frank-Wolfe methods' Beckmann objective, which the bush method must not exceed; and
the TNTP best-known solutions where their files are available
(``CONNECTIVITY_TNTP_DATA``: a folder with ``<Name>_net/_trips/_flow.tntp``).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

import connectivity as cn
from connectivity import io as tntp
from connectivity import paths
from connectivity.assign import (
    equilibrium_problem,
    tntp_equilibrium,
    user_equilibrium,
)
from connectivity.assign.bush import BushState
from connectivity.assign.equilibrium import volume_delay
from connectivity.assign.problems import EquilibriumProblem, interzonal_demand, zone_sinks
from connectivity.assign.tntp import tntp_problem
from connectivity.errors import NoRouteError

DATA = Path(__file__).resolve().parent.parent / "data"
TNTP = Path(os.environ.get("CONNECTIVITY_TNTP_DATA",
                           Path(__file__).resolve().parents[3] / "shared" / "benchmark-data"
                           / "tntp"))


def _wardrop_violation(p: EquilibriumProblem, state: BushState, cost: np.ndarray) -> float:
    """Largest reduced cost (relative to the path cost) of an edge that an origin uses:
    0 when every used path of every bush is a shortest path of the whole network."""
    h, _, n = zone_sinks(p)
    g = paths.from_arrays(p.tail, h, cost, n)
    worst = 0.0
    for r, o in enumerate(p.origins.tolist()):
        dist = paths.distances(g, [o], method="dijkstra")[0]
        used = state.origin_flow[r] > 1e-9 * max(float(state.origin_flow[r].max()), 1.0)
        reduced = dist[p.tail[used]] + cost[used] - dist[h[used]]
        worst = max(worst, float((reduced / np.maximum(dist[h[used]], 1e-12)).max(
            initial=0.0)))
    return worst


def _random_problem(seed: int, *, queues: bool = False) -> EquilibriumProblem:
    """A strongly connected random network (a ring both ways plus random chords, some
    parallel), congested, with demand between 6 zones that are not passed through."""
    rng = np.random.default_rng(seed)
    n = 30
    ring = np.arange(n)
    tail = np.concatenate([ring, (ring + 1) % n, rng.integers(0, n, 60)])
    head = np.concatenate([(ring + 1) % n, ring, rng.integers(0, n, 60)])
    keep = tail != head
    tail, head = tail[keep], head[keep]
    tail = np.concatenate([tail, tail[:5]])  # parallel edges
    head = np.concatenate([head, head[:5]])
    m = tail.shape[0]
    zones = rng.choice(n, 6, replace=False)
    demand = rng.uniform(5, 40, (6, 6))
    queue = rng.random(m) < 0.15 if queues else None
    return equilibrium_problem(
        tail, head, rng.uniform(1, 10, m), rng.uniform(20, 80, m), zones, zones, demand,
        n_nodes=n, alpha=0.15, beta=rng.choice([1.0, 2.0, 4.0], m), queue=queue,
        service_time=0.5, length=rng.uniform(0, 5, m), distance_factor=0.3,
        no_through=zones)


def test_braess_network_matches_its_flow_file() -> None:
    net = tntp.read_net(DATA / "Braess_net.tntp")
    trips = tntp.read_trips(DATA / "Braess_trips.tntp")
    known = tntp.read_flow(DATA / "Braess_flow.tntp")
    r = tntp_equilibrium(net, trips, algorithm="bush", gap=1e-13, max_iter=200)
    assert r.converged and r.gap <= 1e-13
    np.testing.assert_allclose(r.flow, known.volume, rtol=1e-10)
    assert r.tstt == pytest.approx(6 * (51 + 537 / 13), rel=1e-12)


def test_two_routes_solved_by_hand() -> None:
    # 1 + x / 10 = 1.5 (1 + y / 10), x + y = 10: x = 8, y = 2; Beckmann 8 + 3.2 + 3.3
    p = equilibrium_problem([0, 0], [1, 1], [1.0, 1.5], [10.0, 10.0], [0], [1], [[10.0]],
                            alpha=1.0, beta=1.0)
    r = user_equilibrium(p, algorithm="bush", gap=1e-14)
    np.testing.assert_allclose(r.flow, [8.0, 2.0], rtol=1e-12)
    assert r.beckmann == pytest.approx(14.5, rel=1e-13)
    assert r.average_excess_cost[-1] <= 1e-12 and r.average_excess_cost.shape == (
        r.relative_gap.shape)


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("queues", [False, True])
def test_random_networks_reach_wardrop_and_beat_frank_wolfe(seed: int, queues: bool) -> None:
    p = _random_problem(seed, queues=queues)
    r = user_equilibrium(p, algorithm="bush", gap=1e-11, max_iter=500)
    assert r.converged and r.gap <= 1e-11
    assert r.state is not None
    assert _wardrop_violation(p, r.state, r.cost) < 1e-9
    # the origin flows add up to the link flows and carry exactly the demand
    np.testing.assert_allclose(r.state.origin_flow.sum(axis=0), r.flow, rtol=0, atol=1e-9)
    h, d, _ = zone_sinks(p)
    into = np.array([[r.state.origin_flow[i][h == dest].sum() for dest in d]
                     for i in range(p.origins.shape[0])])
    np.testing.assert_allclose(into, interzonal_demand(p), rtol=1e-12, atol=1e-9)
    # Frank-Wolfe, converging from above, never has a lower Beckmann objective
    f = user_equilibrium(p, algorithm="bfw", gap=1e-6, max_iter=5000)
    assert r.beckmann <= f.beckmann * (1 + 1e-12)
    assert r.beckmann == pytest.approx(f.beckmann, rel=1e-5)
    # the bush and the gap price flows alike: Beckmann recomputed from the flows
    assert r.beckmann == pytest.approx(float(volume_delay(p).integral(r.flow).sum()),
                                       rel=1e-14)


def test_closed_crossing_carries_nothing(tiny_net) -> None:
    demand = cn.read_demand(
        __import__("pandas").DataFrame({"origin": ["CN_A"], "destination": ["KZ_D"],
                                        "commodity": ["container"],
                                        "tonnes_per_year": [100_000.0]}), tiny_net)
    closed = cn.Scenario(closed_crossings=("X_RAIL",))
    a = cn.assign_equilibrium(tiny_net, demand, algorithm="bush", gap=1e-12,
                              scenario=closed)
    b = cn.assign_equilibrium(tiny_net, demand, algorithm="bfw", gap=1e-8, scenario=closed)
    rail = a.crossings[a.crossings["crossing_id"] == "X_RAIL"]
    assert (rail["flow_t_per_year"] == 0.0).all()
    assert a.crossings["flow_t_per_year"].sum() > 0  # the tonnes crossed elsewhere
    np.testing.assert_allclose(a.edge_flow_t, b.edge_flow_t, rtol=1e-6, atol=1e-6)


def test_warm_start_from_a_neighbouring_design() -> None:
    p = _random_problem(4)
    base = user_equilibrium(p, algorithm="bush", gap=1e-11, max_iter=500)
    # a design with one more lane on the busiest edge: same edges, origins and demand
    e = int(np.argmax(base.flow))
    cap = p.capacity.copy()
    cap[e] *= 1.5
    q = equilibrium_problem(p.tail, p.head, p.free_flow_time, cap, p.origins,
                            p.destinations, p.demand, n_nodes=p.n_nodes, alpha=p.alpha,
                            beta=p.beta, toll=p.fixed_cost, toll_factor=1.0,
                            no_through=p.no_through)
    cold = user_equilibrium(q, algorithm="bush", gap=1e-11, max_iter=500)
    warm = user_equilibrium(q, algorithm="bush", gap=1e-11, max_iter=500, warm_start=base)
    assert warm.converged and cold.converged
    assert warm.beckmann == pytest.approx(cold.beckmann, rel=1e-12)
    assert warm.relative_gap[0] < cold.relative_gap[0]  # it starts near the answer
    assert warm.iterations <= cold.iterations
    # the base run's state is not changed by the warm run
    again = user_equilibrium(p, algorithm="bush", gap=1e-11, warm_start=base.state)
    assert again.iterations == 0
    np.testing.assert_allclose(again.flow, base.flow, rtol=1e-12, atol=1e-12)


def test_bad_options_are_refused_by_name() -> None:
    p = _random_problem(5)
    bfw = user_equilibrium(p, algorithm="bfw", gap=1e-3)
    with pytest.raises(ValueError, match="result of algorithm 'bfw', which has no bushes"):
        user_equilibrium(p, algorithm="bush", warm_start=bfw)
    with pytest.raises(ValueError, match="warm_start is for algorithm='bush', not 'bfw'"):
        user_equilibrium(p, algorithm="bfw", warm_start=bfw)
    with pytest.raises(ValueError, match="keep_loads=True"):
        user_equilibrium(p, algorithm="bush", keep_loads=True)
    base = user_equilibrium(p, algorithm="bush", gap=1e-6)
    other = equilibrium_problem(p.tail, p.head, p.free_flow_time, p.capacity, p.origins,
                                p.destinations, p.demand * 2.0, n_nodes=p.n_nodes,
                                no_through=p.no_through)
    with pytest.raises(ValueError, match="warm_start carries other demand"):
        user_equilibrium(other, algorithm="bush", warm_start=base)


def test_demand_without_a_path_is_refused() -> None:
    p = equilibrium_problem([0], [1], [1.0], [5.0], [1], [0], [[3.0]], n_nodes=2)
    with pytest.raises(NoRouteError, match="no path from origin node 1 to destination "
                                           "node 0, which has demand 3.0"):
        user_equilibrium(p, algorithm="bush")


def test_cli_runs_bush_with_the_same_keys(tmp_path: Path, cli) -> None:
    args = ["assign", "--method", "ue", "--tntp-net", str(DATA / "Braess_net.tntp"),
            "--tntp-trips", str(DATA / "Braess_trips.tntp"), "--format", "json"]
    out = tmp_path / "flows.tntp"
    bush = cli(*args, "--algorithm", "bush", "--gap", "1e-10", "--flows-out", str(out))
    bfw = cli(*args, "--algorithm", "bfw", "--gap", "1e-6")
    assert bush.returncode == 0, bush.stderr
    a, b = json.loads(bush.stdout), json.loads(bfw.stdout)
    assert set(a) == set(b) and a["algorithm"] == "bush" and a["relative_gap"] <= 1e-10
    known = tntp.read_flow(DATA / "Braess_flow.tntp")
    np.testing.assert_allclose(tntp.read_flow(out).volume, known.volume, rtol=1e-8)


_PUBLISHED = {"SiouxFalls": (0.0, 0.0), "Anaheim": (0.0, 0.0), "Barcelona": (0.0, 0.0),
              "Winnipeg": (0.0, 0.0), "ChicagoSketch": (0.02, 0.04)}


@pytest.mark.parametrize("name", list(_PUBLISHED))
def test_published_best_known_solutions(name: str) -> None:
    files = [TNTP / f"{name}_{kind}.tntp" for kind in ("net", "trips", "flow")]
    if not all(f.exists() for f in files):
        pytest.skip(f"{name}: TNTP files not in {TNTP} (set CONNECTIVITY_TNTP_DATA)")
    toll_factor, distance_factor = _PUBLISHED[name]
    p = tntp_problem(tntp.read_net(files[0]), tntp.read_trips(files[1]),
                     toll_factor=toll_factor, distance_factor=distance_factor)
    ref = tntp.read_flow(files[2])
    r = user_equilibrium(p, algorithm="bush", gap=1e-11, max_iter=1000)
    vdf = volume_delay(p)
    assert r.converged
    assert r.beckmann == pytest.approx(float(vdf.integral(ref.volume).sum()), rel=1e-9)
    ref_tstt = float(np.dot(ref.volume, vdf.cost(ref.volume)))
    assert float(np.dot(r.flow, r.cost)) == pytest.approx(ref_tstt, rel=1e-9)
    strict = (p.alpha > 0) & np.isfinite(p.capacity) & (p.beta > 0)
    big = strict & (ref.volume > 1e-3 * ref.volume.max())
    np.testing.assert_allclose(r.flow[big], ref.volume[big], rtol=2e-6)
