"""Countries and areas, M49 regions, and groups of places with weights."""
