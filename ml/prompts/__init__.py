"""Versioned prompt texts. A prompt never changes once used: a change is a new version, so a stored
grade's `prompt_version` always says exactly which words produced it."""
