"""crmroi-xl: what a CRM really returns, for finance staff who work in Excel."""

from __future__ import annotations

__version__ = "0.1.0"
