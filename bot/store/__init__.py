"""Persistence: SQLModel tables and the functions that read and write them.

The database is the single source of truth; everything in memory can be rebuilt from it.
"""
