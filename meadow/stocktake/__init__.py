"""The global stocktake: national targets, commitments and data added up."""
