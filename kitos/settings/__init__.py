"""Settings modules: ``base`` reads the environment; the others only override."""
