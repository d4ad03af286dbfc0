"""checker: finds where language versions of the same text stopped saying the same thing."""

__version__ = "0.1.0"
