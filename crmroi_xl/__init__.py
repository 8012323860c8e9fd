"""crmroi-xl: what a CRM really returns, for finance staff who work in Excel.

>>> import crmroi_xl
>>> crmroi_xl.roi(200_000, 50_000)  # the source method's worked example: 300 %
3.0
>>> results = crmroi_xl.compute(crmroi_xl.load_scenario("examples/pme-20-postes.yaml"))
>>> round(results.npv)
106167

Names are imported when first used (PEP 562), so ``import crmroi_xl`` and
``import crmroi_xl.finance.metrics`` stay light: the workbook writer (openpyxl, lxml)
and the batch (multiprocessing) load only for a workbook or a batch.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .batch.run import BatchReport, batch_export
    from .engine.compute import compute
    from .engine.montecarlo import Simulation, simulate
    from .engine.options import Comparison, compare
    from .engine.results import Results
    from .engine.sensitivity import Sensitivity
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
    from .excel.reader import read_workbook
    from .excel.workbook import write_template
    from .finance.compare import incremental_irr, incremental_npv
    from .finance.kpis import (
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
    from .finance.metrics import cac, clv, irr, npv, payback, roas, roi
    from .io.loader import load_scenario, scenario_from_data
    from .scenario.model import Scenario

__version__ = "0.1.0"

#: Where each public name lives (module, relative to the package).
_WHERE: dict[str, str] = {
    "BatchReport": "batch.run",
    "batch_export": "batch.run",
    "Results": "engine.results",
    "compute": "engine.compute",
    "Comparison": "engine.options",
    "compare": "engine.options",
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
        "finance.kpis",
    ),
    "load_scenario": "io.loader",
    "scenario_from_data": "io.loader",
    **dict.fromkeys(["cac", "clv", "irr", "npv", "payback", "roas", "roi"], "finance.metrics"),
    **dict.fromkeys(["incremental_irr", "incremental_npv"], "finance.compare"),
    "Scenario": "scenario.model",
    "Simulation": "engine.montecarlo",
    "simulate": "engine.montecarlo",
    "read_workbook": "excel.reader",
    "Sensitivity": "engine.sensitivity",
}

__all__ = [
    "BatchReport",
    "CalcError",
    "Comparison",
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
    "compare",
    "compute",
    "csat",
    "customer_lifetime",
    "export_workbook",
    "incremental_irr",
    "incremental_npv",
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
