"""Commitments of non-state actors towards the global and national targets."""
