"""`planlint desk`: the city's review desk. County editors upload their plans on the bureau's
intranet, each version is linted against the city plan at once, and the city's reviewer sees every
county on one board. Data lives in one folder: a SQLite database (WAL) and a content-addressed
file store whose files are never modified."""
