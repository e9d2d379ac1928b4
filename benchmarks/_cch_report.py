"""The Markdown tables, notes and target lines of bench_cch.py."""

from __future__ import annotations

import os
import statistics
import sys
from importlib.metadata import version
from typing import Any

import _cch_peers as peers
import numba
from bench_paths import fmt, machine_info

PEERS = peers.PEERS[1:]
LIBS = ("ours", "ours_1t", *PEERS, "scipy")
HEAD = ("ours", "ours, 1 thread", "routingkit-cch", "pyroutingkit", "ch-router", "scipy")


def med(recs: list[dict], key: str) -> float | None:
    vals = [r[key] for r in recs if r.get(key) is not None]
    return statistics.median(vals) if vals else None


def cell(t: float | None, ours: float | None, *, approx: bool = False, unit: str = "s") -> str:
    if t is None:
        return "-"
    text = fmt(t) if unit == "s" else f"{t:.0f}"
    if approx:
        text = "~" + text
    return text if not ours else f"{text} ({t / ours:.2f})"


def err_cell(x: float | None) -> str:
    if x is None:
        return "-"
    return "0" if x == 0 else f"{x:.1e}"


def table(r: dict[str, Any]) -> list[str]:
    prep = r["prep"]
    m = r["m"]
    k = r.get("od_k")
    build = {p: med(v, "build_s") for p, v in prep.items()}
    rss = {p: med(v, "rss_growth") for p, v in prep.items()}
    rows: list[tuple[str, dict[str, float | None], set[str]]] = [
        ("preprocessing: order + contraction (ch-router: its whole build)", build, set()),
        ("customization: new weights, same topology", r["custom"], set()),
        (f"point-to-point, median of {r['p2p_n']['ours']:,} pairs (distance + path)",
         r["p2p"], set()),
        (f"{k:,} x {k:,} OD matrix", r["od"], {"ch-router", "scipy"}),
        ('preprocessing with `order="thorough"` (ours; the peers as above)',
         {**build, "ours": med(prep["ours-thorough"], "build_s")}, set()),
        ('customization with `order="thorough"` (ours; the peers as above)',
         {**r["custom"], "ours": r["custom_thorough"], "ours_1t": None}, set()),
    ]
    out = [f"### {r['name']}: {r['n']:,} nodes, {m:,} edges", "",
           "| task | " + " | ".join(HEAD) + " |", "|---|" + "---|" * len(HEAD)]
    sampled = r["od_rows"] < r["od_k"]
    for label, vals, approx in rows:
        o = vals.get("ours")
        approx = approx if sampled else set()
        cells = [cell(vals.get(lib), o if lib != "ours" else None, approx=lib in approx)
                 for lib in LIBS]
        out.append(f"| {label} | " + " | ".join(cells) + " |")
    mem = {p: (v / m if v is not None else None) for p, v in rss.items()}
    mem["scipy"] = r["scipy_bytes"] / m
    cells = [cell(mem.get(lib), mem["ours"] if lib != "ours" else None, unit="B")
             for lib in LIBS]
    o = prep["ours"][0]
    cells[0] += f" (own count {(o['nbytes_hierarchy'] + o['nbytes_graph']) / m:.0f})"
    out.append("| memory, bytes per edge: RSS growth in a fresh process (ours also: "
               "h.nbytes + graph; scipy: its CSR arrays) | "
               + " | ".join(cells) + " |")
    cells = [f"{err_cell(r['p2p_err'].get(lib))} / {err_cell(r['od_err'].get(lib))}"
             for lib in LIBS]
    out.append("| max relative distance difference vs ours, p2p / OD (ours: vs our "
               "Dijkstra) | " + " | ".join(cells) + " |")
    out.append("")
    if r["source"]:
        out += [f"Data: {r['source']}.", ""]
    out += notes(r)
    out.append("")
    return out


def notes(r: dict[str, Any]) -> list[str]:
    prep = r["prep"]
    o = prep["ours"]
    runs = ", ".join(f"{p} {len(v)}" for p, v in prep.items())
    th = prep["ours-thorough"]
    sampled = r["od_rows"] < r["od_k"]
    lines = [
        "Cells: median time (that time / ours). "
        + (f"`~`: one run on the first {r['od_rows']} of the {r['od_k']} sources, scaled "
           "to all (ch-router has no many-to-many: one query per pair; scipy: one-to-all "
           "per source)." if sampled else "ch-router and scipy OD: one run."),
        f"- preprocessing runs, each in a fresh process, round-robin: {runs}. Ours: METIS "
        f"order {fmt(med(o, 'order_s'))} + contraction {fmt(med(o, 'contract_s'))}, "
        f"{o[0]['n_arcs']:,} arcs; first customization in that process "
        f"{fmt(med(o, 'customize_s'))}; with `order=\"thorough\"` METIS order "
        f"{fmt(med(th, 'order_s'))} + contraction {fmt(med(th, 'contract_s'))}, "
        f"{th[0]['n_arcs']:,} arcs. routingkit-cch: inertial-flow order "
        f"{fmt(med(prep.get('routingkit-cch', []), 'order_s'))} + CCH build "
        f"{fmt(med(prep.get('routingkit-cch', []), 'contract_s'))}, first metric "
        f"{fmt(med(prep.get('routingkit-cch', []), 'customize_s'))}; pyroutingkit first "
        f"customize {fmt(med(prep.get('pyroutingkit', []), 'customize_s'))}. CPU/wall of "
        "build + first customization: " + ", ".join(f"{p} {med(v, 'cpu_per_wall'):.2f}"
                                  for p, v in prep.items()),
        f"- customization: {r['metric2']}; ours `h.customize(weights, perfect=False)` (a "
        "new Hierarchy; the basic customization, every arc's weight, as RoutingKit's; how "
        "each arc is made is found on the first path query or load, not here); with the "
        "perfect customization that prunes the query arcs (`perfect=True`, the default "
        f"of `paths.hierarchy`) {fmt(r['custom_perfect'])}; "
        "routingkit-cch `metric.reset(weights)` (reuses its buffers), pyroutingkit "
        "`metric.customize(weights)` (thread_count=0, its default: sequential); ch-router "
        "has none (a new weight vector is a new build). CPU/wall: "
        + ", ".join(f"{k} {v:.2f}" for k, v in r["custom_cpu"].items())
        + f", ours with `order=\"thorough\"` {r['custom_thorough_cpu']:.2f}"
        + "; max relative difference under the new weights (ours vs Dijkstra, peers vs "
        "ours, 5 x 200 sample): "
        + ", ".join(f"{k} {err_cell(v)}" for k, v in r["custom_err"].items()),
        f"- point-to-point: the same random pairs of the strongly connected component "
        f"({r['scc']:,} nodes) for all, round-robin per pair; each call returns the "
        "distance and the path as input edges (ours: `paths.shortest_path(g, s, t, "
        "hierarchy=h)`; routingkit-cch `CCHQuery.run` + `.arc_path`; pyroutingkit "
        "`metric.query`; ch-router `CHQuery` + `get_arc_path`); scipy: one-to-all "
        f"`dijkstra(indices=s)` on the first {r['p2p_n'].get('scipy', 0)} pairs. Paths "
        "whose float cost exceeds the optimum (count, max relative excess): "
        + ", ".join(f"{k} {c} ({err_cell(x)})" for k, (c, x) in r["p2p_excess"].items()),
        "- OD: ours `paths.distances(g, sources, targets, hierarchy=h)`; routingkit-cch "
        "`CCHOneToMany(targets).distances_from` per source; pyroutingkit "
        "`distances_many_to_many`; ch-router a query per cell; scipy `dijkstra(indices="
        "10 sources)[:, targets]`; each converted to a float array with inf. CPU/wall: "
        + ", ".join(f"{k} {v:.2f}" for k, v in r["od_cpu"].items()),
        f"- memory: ours own count {o[0]['nbytes_hierarchy'] / r['m']:.0f} (h.nbytes) + "
        f"{o[0]['nbytes_graph'] / r['m']:.0f} (CSRGraph) bytes per edge; RSS growth is "
        "measured in the worker after the build and the first customization (input "
        "arrays loaded before); peak growth: "
        + ", ".join(f"{p} {med(v, 'peak_growth') / r['m']:.0f}" for p, v in prep.items()
                    if med(v, 'peak_growth') is not None),
        "- exactness: " + (
            "integer weights, given to the uint32 peers as they are"
            if r["integer"] else
            f"float weights; the uint32 peers get round(weight x {r['scale']:,}) "
            "(the largest power of ten keeping every distance below 2^31 / 4) and their "
            "distances are divided back: their difference is that rounding")
        + f"; ours checked against `paths.distances(g, ...)` (Dijkstra) on "
        f"{min(r['check'], r['p2p_n']['ours'])} pairs and {r['check']} OD rows.",
        (f"- ch-router not run: this graph has more than --ch-max-nodes "
         f"{r['ch_max_nodes']:,} nodes: its weight-dependent CH build is the slowest step "
         "of all (on the 1M-node grid once, outside this script: 11 min of CPU, one core)"
         if r["skipped"] else ""),
        f"- parallel arcs: {r['parallel']:,}"
        + (". All libraries get them as they are, except scipy, which gets each group's "
           "cheapest arc: `csr_matrix((w, (tail, head)))` sums duplicates, which gave "
           f"distance differences up to {err_cell(r.get('scipy_summed_err'))} on 10 OD "
           "rows here." if r["parallel"] else " (so scipy's csr_matrix is given the arcs "
           "as they are)"),
    ]
    return [line for line in lines if line]


def targets(r: dict[str, Any]) -> list[str]:
    def mark(ok: bool) -> str:
        return "met" if ok else "**not met**"

    def fastest(vals: dict[str, float], exclude: tuple[str, ...]) -> tuple[str, float]:
        cand = {k: v for k, v in vals.items() if k not in ("ours", "ours_1t", *exclude)}
        name = min(cand, key=lambda key: cand[key])
        return name, cand[name]

    lines = [f"Targets on {r['name']}:", ""]
    for label, key in (("point-to-point", "p2p"), (f"{r['od_k']}x{r['od_k']} OD", "od")):
        vals = r[key]
        name, best = fastest(vals, ())
        x = best / vals["ours"]
        extra = ""
        if "ours_1t" in vals:
            extra = f"; on 1 thread {best / vals['ours_1t']:.2f}x"
        if r["skipped"]:
            extra += f" ({', '.join(r['skipped'])} not run on this graph)"
        lines.append(f"- {label} no slower than the fastest peer ({name}): peer/ours = "
                     f"{x:.2f}x ({mark(x >= 1)}){extra}")
    c = r["custom"]
    if "routingkit-cch" in c:
        x = c["routingkit-cch"] / c["ours"]
        x1 = c["routingkit-cch"] / c["ours_1t"]
        lines.append(f"- customization no slower than routingkit-cch's: routingkit-cch/ours "
                     f"= {x:.2f}x ({mark(x >= 1)}); on 1 thread {x1:.2f}x ({mark(x1 >= 1)})")
        x = c["routingkit-cch"] / r["custom_thorough"]
        lines.append(f"- the same with `order=\"thorough\"`: routingkit-cch/ours = {x:.2f}x "
                     f"({mark(x >= 1)})")
    ours_b, rk_b = med(r["prep"]["ours"], "build_s"), med(r["prep"].get("routingkit-cch", []),
                                                          "build_s")
    if ours_b and rk_b:
        x = ours_b / rk_b
        lines.append(f"- preprocessing within 2x of routingkit-cch's: ours/routingkit-cch "
                     f"= {x:.2f}x ({mark(x <= 2)})")
        x = med(r["prep"]["ours-thorough"], "build_s") / rk_b
        lines.append(f"- the same with `order=\"thorough\"`: ours/routingkit-cch = {x:.2f}x "
                     f"({mark(x <= 2)})")
    lines.append("")
    return lines


def header(warm: float, load_before: tuple[float, float, float],
           libs: tuple[str, ...]) -> list[str]:
    machine = machine_info()[0]
    vers = ", ".join(f"{p} {version(p)}" for p in ("numpy", "numba", "scipy", "pymetis",
                                                   *(x for x in PEERS if x in libs)))
    return [
        "# Customizable contraction hierarchy against routingkit-cch, pyroutingkit, "
        "ch-router and scipy", "",
        machine,
        f"- threads: ours on numba's default {numba.get_num_threads()} threads (column "
        "'ours'), and on 1 thread for customization and OD ('ours, 1 thread'); the peers "
        "as they come (CPU/wall below shows what they used: routingkit-cch and ch-router "
        "are sequential; pyroutingkit's customization is sequential at its default "
        "thread_count=0)",
        f"- {vers}, python {sys.version.split()[0]}",
        f"- first calls (numba cache load or compile): {fmt(warm)}",
        "- load average (1, 5, 15 min) before: "
        + ", ".join(f"{x:.2f}" for x in load_before) + "; after: "
        + ", ".join(f"{x:.2f}" for x in os.getloadavg())
        + " (a shared 2-core machine: read the ratios, not the absolute times)",
        "",
        "The road-like grid is bench_paths.py's generator (jittered grid, 75% of links "
        "kept, both directions, float weights). The DIMACS graphs are from the 9th DIMACS "
        "Implementation Challenge: Shortest Paths (Demetrescu, Goldberg, Johnson), derived "
        "from the US Census Bureau's TIGER/Line data; they are not in this repository "
        "(`--dimacs DIR`, see the script's docstring). Every library gets the same directed "
        "arcs in the same order, parallel arcs included; the RoutingKit orders "
        "(routingkit-cch, pyroutingkit) use the node coordinates, ours uses none.",
        "",
    ]
