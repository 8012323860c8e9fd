"""Scenario to results: yearly flows, metrics, sensitivity and the Monte Carlo."""

__all__: list[str] = []
