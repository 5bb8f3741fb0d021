"""Pure rules: stdlib, zoneinfo and Pillow only; nothing of ours outside this package."""
