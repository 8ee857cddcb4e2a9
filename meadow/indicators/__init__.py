"""Indicator data: series, observations, imports and exports, baselines, targets and progress."""
