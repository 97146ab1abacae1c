"""Bridgeway: micro-credentials, prior learning recognition and training pathways."""

__version__ = "0.1.0"
