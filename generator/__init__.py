"""clientgen: one YAML API spec in, typed Python SDK (and more) out."""

__version__ = "0.1.0"
