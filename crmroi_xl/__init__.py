"""crmroi-xl: what a CRM really returns, for finance staff who work in Excel.

>>> import crmroi_xl
>>> crmroi_xl.roi(200_000, 50_000)  # the source method's worked example: 300 %
3.0
>>> results = crmroi_xl.compute(crmroi_xl.load_scenario("examples/pme-20-postes.yaml"))
>>> round(results.npv)
106167
"""

from __future__ import annotations

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
from .writer import export_workbook, write_template

__version__ = "0.1.0"

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
