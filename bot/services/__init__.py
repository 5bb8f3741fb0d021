"""Application services: ids, text and an instant in, dataclasses out.

The database and the rules; never Discord, never APScheduler."""
