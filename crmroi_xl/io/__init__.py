"""Scenario files: JSON/YAML documents, any scenario file (a filled workbook too) to a
scenario, the flat one-row-per-scenario format read and written."""

__all__: list[str] = []
