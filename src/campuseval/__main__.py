"""Allows `python -m campuseval`."""

from campuseval._start import main

main()
