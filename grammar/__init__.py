"""The field grammar (data; shipped as planlint.bundled.grammar)."""
