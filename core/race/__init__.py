"""Races: several lanes (variants of one config) that train together on the same data, one compiled call per tick."""
