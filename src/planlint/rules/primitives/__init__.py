"""Check primitives, one module per concern. Importing this package registers them all."""

from . import (  # noqa: F401
    burden,
    consistency,
    coverage,
    crossplan,
    dates,
    efficiency,
    items,
    quota,
    risk,
    riskabsent,
    selfcheck,
    structure,
)
