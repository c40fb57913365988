"""CLI commands, one module each (registered in planlint.cli.COMMANDS)."""
