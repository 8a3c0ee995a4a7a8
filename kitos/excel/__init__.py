"""Excel import and export: safety checks, reading, cell values and writing workbooks."""
