"""An illustrative demo data set: national targets, data and commitments for a dozen
countries, so that the stocktake shows something to a newcomer. Not official data."""
