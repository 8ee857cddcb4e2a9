"""Conventions and their Parties; people and their roles per country and convention."""
