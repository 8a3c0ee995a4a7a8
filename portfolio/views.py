"""Portfolio pages."""
