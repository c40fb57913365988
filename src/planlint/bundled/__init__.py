"""Data shipped with planlint: rule packs, profiles, schemas and the field grammar."""
