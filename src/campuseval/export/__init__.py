"""Exporting results: scores.json, CSV and the xlsx workbook, written atomically."""
