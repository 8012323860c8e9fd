"""The money maths: metrics, IRR roots, KPIs, Excel range cleaning, metrics over many
rows at once (numpy and the standard library only)."""

__all__: list[str] = []
