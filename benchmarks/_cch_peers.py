"""The routers bench_cch.py compares, behind one small interface each.

``preprocess`` runs in a fresh worker process (``bench_cch.py --worker``): the library's
build step and its first customization, timed, with the process's resident memory before
and after, so every library's memory is measured the same way (RSS growth). It leaves
what the main process needs to answer queries without building again (our pickled
hierarchy, routingkit-cch's node order, pyroutingkit's saved topology, ch-router's saved
hierarchy). ``load`` brings that back in the main process, where the query adapters at
the end of this module run them.

What each library is given (all directed; parallel arcs passed as they are):

- ours: ``paths.from_arrays(tail, head, weight, n)`` with float weights, then
  ``paths.hierarchy`` (METIS nested dissection, no coordinates); ``ours-thorough``:
  ``paths.hierarchy(g, order="thorough")`` (METIS keeps the best of 8 separators);
- routingkit-cch: ``compute_order_inertial`` (inertial-flow nested dissection on the node
  coordinates) + ``CCH(order, tail, head)``, then ``CCHMetric(cch, weights)``;
- pyroutingkit: ``CCHTopology.build`` (its inertial-flow nested dissection and chordal
  supergraph, on the coordinates), then ``CCHMetric.customize(weights)``;
- ch-router: ``ContractionHierarchy.build`` (RoutingKit's weight-dependent CH: node
  order and contraction in one step, no customization).

The three RoutingKit-based libraries take unsigned 32-bit integer weights: the caller
passes ``round(weight * scale)`` (``INF_WEIGHT = 2**31 - 1`` and above means closed).
"""

from __future__ import annotations

import gc
import json
import pickle
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from scipy.sparse.csgraph import dijkstra as scipy_dijkstra

from connectivity import paths

PEERS = ("ours", "routingkit-cch", "pyroutingkit", "ch-router")
# our builds: the default order, and order="thorough" (timed apart, not a peer)
OURS = ("ours", "ours-thorough")
INF_WEIGHT = 2**31 - 1


def rss_bytes() -> tuple[int, int]:
    """``(VmRSS, VmHWM)`` of this process in bytes."""
    out = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            out[key] = int(rest.split()[0]) * 1024
    return out["VmRSS"], out["VmHWM"]


def reset_peak() -> bool:
    """Reset VmHWM to the current RSS (Linux ``clear_refs`` 5); False where refused."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def _warm_up(peer: str) -> None:
    """Load the library (and our numba kernels) on a 3-node graph, outside the timings."""
    tail = np.array([0, 1, 2, 1], dtype=np.uint32)
    head = np.array([1, 2, 0, 0], dtype=np.uint32)
    w = np.array([1, 2, 3, 4], dtype=np.uint32)
    coord = np.array([0.0, 1.0, 2.0], dtype=np.float32)
    if peer == "ours":
        from connectivity import paths

        g = paths.from_arrays(tail, head, w.astype(float), 3)
        h = paths.hierarchy(g).customize(w.astype(float))
        paths.distances(h.graph, [0], [2], hierarchy=h)
        paths.shortest_path(h.graph, 0, 2, hierarchy=h)
    elif peer == "routingkit-cch":
        import routingkit_cch as rk

        cch = rk.CCH(rk.compute_order_inertial(3, tail, head, coord, coord), tail, head, False)
        rk.CCHMetric(cch, w)
    elif peer == "pyroutingkit":
        import pyroutingkit as prk

        topo = prk.CCHTopology()
        topo.build(tail, head, coord, coord, 3)
        prk.CCHMetric(topo).customize(w)
    else:
        import routingkit_ch as rch

        rch.ContractionHierarchy.build(3, tail, head, w)


def preprocess(peer: str, case: Path, out: Path | None) -> dict[str, Any]:
    """Build ``peer``'s structure for the arrays in ``case`` (an .npz), timed; save it
    under ``out`` if given. Runs in its own process (see the module docstring)."""
    _warm_up("ours" if peer in OURS else peer)
    z = np.load(case)
    n = int(z["n"])
    tail, head, wi = z["tail"].astype(np.uint32), z["head"].astype(np.uint32), z["weight_int"]
    lat, lon = z["lat"], z["lon"]
    gc.collect()
    rss0, _ = rss_bytes()
    peak_reset = reset_peak()
    r: dict[str, Any] = {"peer": peer}
    c0, t0 = time.process_time(), time.perf_counter()
    if peer in OURS:
        from connectivity import paths

        g = paths.from_arrays(z["tail"], z["head"], z["weight"], n)
        c0, t0 = time.process_time(), time.perf_counter()
        h = paths.hierarchy(g, order="thorough" if peer == "ours-thorough" else "fast")
        t2, c2 = time.perf_counter(), time.process_time()
        r["build_s"] = h.topology.order_s + h.topology.contract_s
        r["order_s"], r["contract_s"] = h.topology.order_s, h.topology.contract_s
        r["customize_s"] = h.customize_s
        r["total_s"] = t2 - t0
        r["nbytes_hierarchy"], r["nbytes_graph"], r["n_arcs"] = h.nbytes, g.nbytes, h.n_arcs
        keep: Any = h
    elif peer == "routingkit-cch":
        import routingkit_cch as rk

        order = rk.compute_order_inertial(n, tail, head, lat, lon)
        t_o = time.perf_counter()
        cch = rk.CCH(order, tail, head, False)
        t1 = time.perf_counter()
        metric = rk.CCHMetric(cch, wi)
        t2, c2 = time.perf_counter(), time.process_time()
        r["order_s"], r["contract_s"] = t_o - t0, t1 - t_o
        r["build_s"], r["customize_s"], r["total_s"] = t1 - t0, t2 - t1, t2 - t0
        keep = (order, cch, metric)
    elif peer == "pyroutingkit":
        import pyroutingkit as prk

        topo = prk.CCHTopology()
        topo.build(tail, head, lat, lon, n)
        t1 = time.perf_counter()
        metric = prk.CCHMetric(topo)
        metric.customize(wi)
        t2, c2 = time.perf_counter(), time.process_time()
        r["build_s"], r["customize_s"], r["total_s"] = t1 - t0, t2 - t1, t2 - t0
        r["n_arcs"] = topo.arc_count
        keep = (topo, metric)
    else:
        import routingkit_ch as rch

        keep = rch.ContractionHierarchy.build(n, tail, head, wi)
        t2, c2 = time.perf_counter(), time.process_time()
        r["build_s"], r["customize_s"], r["total_s"] = t2 - t0, None, t2 - t0
    r["cpu_per_wall"] = (c2 - c0) / max(t2 - t0, 1e-9)
    gc.collect()
    rss1, hwm1 = rss_bytes()
    r["rss_growth"] = rss1 - rss0
    r["peak_growth"] = hwm1 - rss0 if peak_reset else None
    if out is not None:
        _save(peer, keep, out)
    del keep
    return r


def _save(peer: str, keep: Any, out: Path) -> None:
    if peer in OURS:
        with open(out / f"{peer}.pkl", "wb") as f:
            pickle.dump(keep, f, protocol=pickle.HIGHEST_PROTOCOL)
    elif peer == "routingkit-cch":
        np.save(out / "rk_order.npy", np.asarray(keep[0], dtype=np.uint32))
    elif peer == "pyroutingkit":
        (out / "prk").mkdir(exist_ok=True)
        keep[0].save(str(out / "prk"))
    else:
        keep.save(str(out / "ch.bin"))


def load(peer: str, out: Path, n: int, tail: np.ndarray, head: np.ndarray,
         weight_int: np.ndarray) -> Any:
    """``peer``'s structure saved by :func:`preprocess`, customized for ``weight_int``
    (ours: for the float weights it was built with)."""
    t32, h32 = tail.astype(np.uint32), head.astype(np.uint32)
    if peer in OURS:
        with open(out / f"{peer}.pkl", "rb") as f:
            return pickle.load(f)
    if peer == "routingkit-cch":
        import routingkit_cch as rk

        cch = rk.CCH(np.load(out / "rk_order.npy"), t32, h32, False)
        return cch, rk.CCHMetric(cch, weight_int)
    if peer == "pyroutingkit":
        import pyroutingkit as prk

        topo = prk.CCHTopology()
        topo.load(str(out / "prk"))
        if topo.node_count != n:
            raise RuntimeError(f"pyroutingkit topology has {topo.node_count} nodes, not {n}")
        metric = prk.CCHMetric(topo)
        metric.customize(weight_int)
        return topo, metric
    import routingkit_ch as rch

    return rch.ContractionHierarchy.load(str(out / "ch.bin"))


def worker_main(peer: str, case: str, out: str, keep: bool) -> None:
    """Entry of ``bench_cch.py --worker``: one preprocessing run, its record as JSON on
    stdout's last line."""
    r = preprocess(peer, Path(case), Path(out) if keep else None)
    print(json.dumps(r))


# ------------------------------------------------------------------ queries (main process)


def rk_od(metric: Any, src: np.ndarray, tgt: np.ndarray, scale: int) -> np.ndarray:
    import routingkit_cch as rk

    otm = rk.CCHOneToMany(metric, tgt.tolist())
    rows = [otm.distances_from(s) for s in src.tolist()]
    del otm  # a live query would block the metric's next reset
    out = np.array(rows, dtype=np.float64)  # None (unreachable) becomes nan
    out[np.isnan(out)] = np.inf
    return out / scale


def prk_od(metric: Any, src: np.ndarray, tgt: np.ndarray, scale: int) -> np.ndarray:
    raw = metric.distances_many_to_many(src.astype(np.uint32), tgt.astype(np.uint32))
    out = raw.astype(np.float64)
    out[raw >= INF_WEIGHT] = np.inf
    return out / scale


def ch_od(ch: Any, src: np.ndarray, tgt: np.ndarray, scale: int) -> np.ndarray:
    """ch-router has no one-to-many: one point-to-point query per cell."""
    import routingkit_ch as rch

    q = rch.CHQuery(ch)
    tl = tgt.tolist()
    out = np.empty((src.shape[0], tgt.shape[0]))
    for i, s in enumerate(src.tolist()):
        out[i] = [q.reset().add_source(s).add_target(t).run().get_distance() for t in tl]
    out[out >= INF_WEIGHT] = np.inf
    return out / scale


def peer_od(objs: dict[str, Any], src: np.ndarray, tgt: np.ndarray,
            scale: int) -> dict[str, np.ndarray]:
    out = {}
    if "routingkit-cch" in objs:
        out["routingkit-cch"] = rk_od(objs["routingkit-cch"][1], src, tgt, scale)
    if "pyroutingkit" in objs:
        out["pyroutingkit"] = prk_od(objs["pyroutingkit"][1], src, tgt, scale)
    return out


def p2p_methods(objs: dict[str, Any], g: paths.CSRGraph,
                csr: Any) -> dict[str, Callable[[int, int], Any]]:
    """Point-to-point queries returning ``(distance, input arcs of the path)`` (scipy:
    the distance only), in each library's own units."""
    h = objs["ours"]
    fns: dict[str, Callable[[int, int], Any]] = {
        "ours": lambda s, t: paths.shortest_path(g, s, t, hierarchy=h)}
    if "routingkit-cch" in objs:
        import routingkit_cch as rk

        rk_q = rk.CCHQuery(objs["routingkit-cch"][1])

        def rk_p2p(s: int, t: int) -> Any:
            res = rk_q.run(s, t)
            out = (res.distance, res.arc_path)
            del res  # the query refuses to run while its last result is alive
            return out

        fns["routingkit-cch"] = rk_p2p
    if "pyroutingkit" in objs:
        prk_metric = objs["pyroutingkit"][1]
        fns["pyroutingkit"] = lambda s, t: prk_metric.query(s, t)
    if "ch-router" in objs:
        import routingkit_ch as rch

        ch_q = rch.CHQuery(objs["ch-router"])

        def ch_p2p(s: int, t: int) -> Any:
            ch_q.reset().add_source(s).add_target(t).run()
            return ch_q.get_distance(), ch_q.get_arc_path()

        fns["ch-router"] = ch_p2p
    fns["scipy"] = lambda s, t: scipy_dijkstra(csr, indices=s)[t]
    return fns
