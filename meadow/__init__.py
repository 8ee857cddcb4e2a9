"""Meadow: an open platform for the biodiversity-related conventions."""

__version__ = "0.1.0"
