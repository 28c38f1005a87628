"""The message catalog, one module per area; every user-facing sentence in Chinese and English."""
