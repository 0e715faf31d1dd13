"""The `cantine` command line: the composition root that wires settings, database and services."""
