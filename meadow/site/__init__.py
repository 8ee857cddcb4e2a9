"""The web site's shared parts: home page, layout, language switcher."""
