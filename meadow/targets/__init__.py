"""National targets of the Parties and their alignment with the global framework."""
