"""The scenario: its model, value types, driver records, labels and wording (fr/en)."""

__all__: list[str] = []
