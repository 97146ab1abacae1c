"""The bundled JSON-LD contexts (data only; a package so that they ship in wheels)."""
