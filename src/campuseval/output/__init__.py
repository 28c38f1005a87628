"""Result files: scores.json, CSV and the xlsx workbook, written atomically."""
