"""planlint: a compliance linter for 双随机抽查工作计划 (random-inspection plans)."""

__version__ = "0.1.0"
