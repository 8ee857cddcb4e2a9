"""Computation cores: plain Python and NumPy, no Django; fed with arrays, returning arrays."""
