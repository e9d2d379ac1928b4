"""Scenario results side by side: one frame (figures as rows, scenarios as columns), and
the JSON and CSV of a sweep.

The JSON is the same byte for byte for the same results whatever ran them: keys sorted,
every number as Python prints it (shortest round trip, nothing rounded), ``inf`` and
NaN as ``null``, and no timing.

Example
-------
>>> from connectivity.scenarios import ScenarioResult
>>> r = ScenarioResult("a", "", None, "aon", figures={"total_tkm_per_year": 2.5})
>>> print(results_json([r]))
{
 "scenarios": [
  {
   "description": "",
   "error": null,
   "figures": {
    "total_tkm_per_year": 2.5
   },
   "file": null,
   "labels": {},
   "method": "aon",
   "name": "a",
   "status": "ok"
  }
 ]
}
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any

import pandas as pd

from connectivity._json import finite
from connectivity.scenarios.run import ScenarioResult

__all__ = ["comparison", "results_json", "comparison_csv"]


def _rows(results: Sequence[ScenarioResult]) -> list[str]:
    """Figure keys in first-seen order, each label after the figures of its group."""
    keys: list[str] = []
    for r in results:
        keys.extend(k for k in r.figures if k not in keys)
    for r in results:
        for label in r.labels:
            if label in keys:
                continue
            group = label.rsplit(".", 1)[0] + "."
            at = [i for i, k in enumerate(keys) if k.startswith(group)]
            keys.insert(at[-1] + 1 if at else len(keys), label)
    return keys


def comparison(results: Sequence[ScenarioResult]) -> pd.DataFrame:
    """Scenarios as columns (by name), figures and labels as rows; ``status`` first,
    ``error`` next when a scenario failed, then the assignment ``method``. Values are as
    computed (nothing rounded); ``None`` where a scenario has no such figure."""
    rows = _rows(results)
    columns: dict[str, list[Any]] = {}
    failed = any(not r.ok for r in results)
    for r in results:
        head: list[Any] = ["ok" if r.ok else "failed", *([r.error or ""] if failed else []),
                           r.method]
        columns[r.name] = head + [r.figures.get(k, r.labels.get(k)) for k in rows]
    index = ["status", *(["error"] if failed else []), "method", *rows]
    return pd.DataFrame(columns, index=pd.Index(index, name="figure"), dtype=object)


def results_json(results: Sequence[ScenarioResult]) -> str:
    """The results as JSON text (see the module docstring), ending without a newline."""
    data = {"scenarios": [finite(r.to_dict()) for r in results]}
    return json.dumps(data, sort_keys=True, indent=1, ensure_ascii=False, allow_nan=False)


def comparison_csv(results: Sequence[ScenarioResult]) -> str:
    """:func:`comparison` as CSV: a ``figure`` column, then one column per scenario;
    numbers as Python prints them, empty where missing, ``inf`` for no route."""
    frame = comparison(results)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["figure", *frame.columns])
    for key, row in frame.iterrows():
        writer.writerow([key, *("" if v is None else repr(v) if isinstance(v, float) else v
                                for v in row.tolist())])
    return buf.getvalue()
