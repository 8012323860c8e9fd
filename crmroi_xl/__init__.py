"""crmroi-xl: what a CRM really returns, for finance staff who work in Excel.

>>> import crmroi_xl
>>> crmroi_xl.roi(200_000, 50_000)  # the source method's worked example: 300 %
3.0
>>> results = crmroi_xl.compute(crmroi_xl.load_scenario("examples/pme-20-postes.yaml"))
>>> round(results.npv)
106167

Names are imported when first used (PEP 562), so ``import crmroi_xl`` and
``import crmroi_xl.metrics`` stay light: the workbook writer (openpyxl, lxml)
and the batch (multiprocessing) load only for a workbook or a batch.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .batch import BatchReport, batch_export
    from .engine import Results, compute
    from .errors import (
        CalcError,
        CrmRoiError,
        DivisionByZeroError,
        InputError,
        NoSolutionError,
        ScenarioError,
        WorkbookError,
    )
    from .excel.fast import export_workbook
    from .excel.workbook import write_template
    from .kpis import (
        average_deal_value,
        average_resolution_time,
        change,
        churn_rate,
        clv_cac_ratio,
        csat,
        customer_lifetime,
        lead_conversion_rate,
        nps,
        pipeline_velocity,
        response_rate,
        retention_rate,
        sales_cycle_length,
        win_rate,
    )
    from .loader import load_scenario, scenario_from_data
    from .metrics import cac, clv, irr, npv, payback, roas, roi
    from .model import Scenario
    from .montecarlo import Simulation, simulate
    from .reader import read_workbook
    from .sensitivity import Sensitivity

__version__ = "0.1.0"

#: Where each public name lives (module, relative to the package).
_WHERE: dict[str, str] = {
    "BatchReport": "batch",
    "batch_export": "batch",
    "Results": "engine",
    "compute": "engine",
    **dict.fromkeys(
        [
            "CalcError",
            "CrmRoiError",
            "DivisionByZeroError",
            "InputError",
            "NoSolutionError",
            "ScenarioError",
            "WorkbookError",
        ],
        "errors",
    ),
    "export_workbook": "excel.fast",
    "write_template": "excel.workbook",
    **dict.fromkeys(
        [
            "average_deal_value",
            "average_resolution_time",
            "change",
            "churn_rate",
            "clv_cac_ratio",
            "csat",
            "customer_lifetime",
            "lead_conversion_rate",
            "nps",
            "pipeline_velocity",
            "response_rate",
            "retention_rate",
            "sales_cycle_length",
            "win_rate",
        ],
        "kpis",
    ),
    "load_scenario": "loader",
    "scenario_from_data": "loader",
    **dict.fromkeys(["cac", "clv", "irr", "npv", "payback", "roas", "roi"], "metrics"),
    "Scenario": "model",
    "Simulation": "montecarlo",
    "simulate": "montecarlo",
    "read_workbook": "reader",
    "Sensitivity": "sensitivity",
}

__all__ = [
    "BatchReport",
    "CalcError",
    "CrmRoiError",
    "DivisionByZeroError",
    "InputError",
    "NoSolutionError",
    "Results",
    "Scenario",
    "ScenarioError",
    "Sensitivity",
    "Simulation",
    "WorkbookError",
    "__version__",
    "average_deal_value",
    "average_resolution_time",
    "batch_export",
    "cac",
    "change",
    "churn_rate",
    "clv",
    "clv_cac_ratio",
    "compute",
    "csat",
    "customer_lifetime",
    "export_workbook",
    "irr",
    "lead_conversion_rate",
    "load_scenario",
    "nps",
    "npv",
    "payback",
    "pipeline_velocity",
    "read_workbook",
    "response_rate",
    "retention_rate",
    "roas",
    "roi",
    "sales_cycle_length",
    "scenario_from_data",
    "simulate",
    "win_rate",
    "write_template",
]


def __getattr__(name: str) -> Any:
    """Import a public name from its module when it is first used."""
    where = _WHERE.get(name)
    if where is None:
        raise AttributeError(f"module 'crmroi_xl' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{where}"), name)
    globals()[name] = value  # later uses find it directly
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
