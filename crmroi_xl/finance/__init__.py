"""Money maths: metrics, IRR roots, KPIs, Excel range cleaning, vectorised rows (numpy only)."""

__all__: list[str] = []
