"""Reading data files (CSV, xlsx) into a Dataset, and writing the input template."""
