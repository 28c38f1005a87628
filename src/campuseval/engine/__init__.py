"""The scoring engine: pure functions from an effective table and a dataset to Results."""
