"""The ``crmroi`` command and its console report."""

__all__: list[str] = []
