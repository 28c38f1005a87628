"""Allows `python -m campuseval`."""

from campuseval.cli import main

main()
