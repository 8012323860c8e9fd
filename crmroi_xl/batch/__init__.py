"""Many scenarios: the run, the input formats, file names, the portfolio summary."""

__all__: list[str] = []
