"""Building blocks shared by every app: languages, actions, policies, API helpers."""
