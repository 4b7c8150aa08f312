"""Extraction: quantities, units, deadlines and the cues that classify targets."""
