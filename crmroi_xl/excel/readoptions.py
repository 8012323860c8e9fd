"""Reading a workbook of options back: its options block and its lines' Option column.

The reader (:mod:`crmroi_xl.excel.reader`) reads the cells; this module gives the
scenario's data its ``options``: one per named row of the options block (its
description, its own cost risk, benefit risk and adoption: blank = the scenario's),
``status_quo`` from the row marked as the baseline (left out when the option's name
already says so: "Status quo"), and each line whose Option cell names an option
moved to that option's lines, in table order. The option shown (``In_Option``) is
not part of the scenario.

>>> data = {"assumptions": {"adoption": [0.5, 1.0]},
...         "costs": [{"label": "Shared"}, {"label": "Own", "option": "vendor a"}]}
>>> found = {("options", 0, "name"): "Vendor A", ("options", 0, "adoption", 1): 0.2,
...          ("options", 1, "name"): "Status quo", ("options", 1, "baseline"): True}
>>> problems = gather_options(data, found, "en")
>>> problems, data["costs"], data["options"][0]
([], [{'label': 'Shared'}], {'name': 'Vendor A', 'costs': [{'label': 'Own'}], 'benefits': [], 'adoption': [0.2, 1.0]})
>>> "status_quo" in data, data["options"][1]["name"]
(False, 'Status quo')
"""

from __future__ import annotations

from typing import Any

from ..scenario.labels import Lang
from ..scenario.options import baseline_name
from .parts import YEARS, pick

__all__ = ["TWO_BASELINES", "UNKNOWN_OPTION", "gather_options"]

#: A line's Option cell naming no option of the block ({name}, {names}).
UNKNOWN_OPTION = (
    "option {name!r} absente du bloc des options de la feuille Hypothèses ({names})",
    "option {name!r} is not in the options block of the Assumptions sheet ({names})",
)
#: A second option marked as the baseline (the scenario has one status quo).
TWO_BASELINES = (
    "plus d'une option marquée comme référence (statu quo) : une seule peut l'être",
    "more than one option is marked as the baseline (status quo): only one can be",
)


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()


def gather_options(
    data: dict[str, Any],
    found: dict[tuple[Any, ...], Any],
    lang: Lang,
    moved: dict[tuple[Any, ...], tuple[Any, ...]] | None = None,
) -> list[tuple[tuple[Any, ...], str]]:
    """Give ``data`` (the scenario's data as read) its options from ``found`` (the
    options block's values by ``("options", k, field[, year])``, None = blank), and move
    each line naming an option there (``moved`` receives where each line went:
    ``(section, index)`` -> its new place, for the messages). Returns the problems:
    (the line's location ``(section, index, "option")``, the message)."""
    moved = {} if moved is None else moved
    rows: dict[int, dict[str, Any]] = {}
    for (_, k, field, *year), value in sorted(found.items(), key=lambda item: str(item[0])):
        if value is None:
            continue
        row = rows.setdefault(k, {})
        if year:
            row.setdefault("adoption", {})[year[0]] = value
        else:
            row[field] = value
    general = data.get("assumptions", {}).get("adoption") or []
    options: list[dict[str, Any]] = []
    baseline = None
    problems: list[tuple[tuple[Any, ...], str]] = []
    for k in sorted(rows):
        row = rows[k]
        if "name" not in row:
            continue  # a row without a name is not an option (the model says if it is needed)
        option: dict[str, Any] = {"name": row["name"], "costs": [], "benefits": []}
        for field in ("description", "cost_risk", "benefit_risk"):
            if field in row:
                option[field] = row[field]
        if "adoption" in row:  # a blank year: the scenario's share that year
            typed = row["adoption"]
            years = max(len(general), 1)
            option["adoption"] = [
                typed.get(t, general[t - 1] if t <= len(general) else 1.0)
                for t in YEARS[1 : years + 1]
            ]
        if row.get("baseline") is True:
            if baseline is not None:
                problems.append((("options", k, "baseline"), pick(TWO_BASELINES, lang)))
            baseline = baseline or row["name"]
        options.append(option)
    by_name = {_key(o["name"]): o for o in options}
    for section in ("costs", "benefits"):
        shared: list[dict[str, Any]] = []
        for i, line in enumerate(data.get(section, [])):
            name = line.pop("option", None)
            if name is None:
                moved[(section, i)] = (section, len(shared))
                shared.append(line)
                continue
            owner = by_name.get(_key(str(name)))
            if owner is None:
                names = ", ".join(o["name"] for o in options) or "-"
                said = pick(UNKNOWN_OPTION, lang).format(name=str(name), names=names)
                problems.append(((section, i, "option"), said))
                continue
            place = options.index(owner)
            moved[(section, i)] = ("options", place, section, len(owner[section]))
            owner[section].append(line)
        if section in data:
            data[section] = shared
    if options:
        data["options"] = options
        listed = [o["name"] for o in options]
        if baseline is not None and baseline_name(listed, None) != baseline:
            data["status_quo"] = baseline
    return problems
