"""`planlint desk`: the city's review desk; the commands live in planlint.desk.cli."""

from ..desk.cli import desk

__all__ = ["desk"]
