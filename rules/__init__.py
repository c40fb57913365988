"""Rule packs, profiles and schemas (data; shipped as planlint.bundled.rules)."""
