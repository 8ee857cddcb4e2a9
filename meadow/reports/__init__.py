"""Report once: concepts, a country's facts, and convention report templates over them."""
