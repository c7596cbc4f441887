"""connector: a caseload tool for community connectors."""

__version__ = "0.1.0"
