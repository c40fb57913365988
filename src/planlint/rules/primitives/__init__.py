"""Check primitives, one module per concern. Importing this package registers them all."""

from . import consistency, coverage, crossplan, dates, efficiency, quota, risk, structure  # noqa: F401
