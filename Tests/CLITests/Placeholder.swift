// Replaced by the CLI tests.
