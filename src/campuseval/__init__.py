"""campuseval: score hospital campuses against a YAML indicator table."""

__version__ = "0.1.0"
