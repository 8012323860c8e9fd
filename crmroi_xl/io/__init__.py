"""Files: atomic writes, JSON/YAML documents, safe xlsx reading, scenario files, the flat format."""

__all__: list[str] = []
