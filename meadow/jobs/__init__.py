"""Background jobs: long work (an import) run outside the request, with its progress."""
