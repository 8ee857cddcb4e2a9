"""The fonts of the report exports (see README.md) and how the Chinese subset is made."""
