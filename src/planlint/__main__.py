"""`python -m planlint …` (on Windows `py -m planlint serve` works when Scripts is not on PATH)."""

from .cli import main

main()
