"""Domain-free helpers shared by every Bridgeway domain."""
