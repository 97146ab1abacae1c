"""The bridgeway command line."""
