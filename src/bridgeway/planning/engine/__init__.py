"""Pure planning engines over plain arrays and records: no database, no web framework."""
