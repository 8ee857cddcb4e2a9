"""Frameworks (GBF, Aichi, SDGs...) as versioned multilingual vocabularies with typed crosswalks."""
