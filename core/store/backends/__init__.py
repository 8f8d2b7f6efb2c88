"""The run store's two backends behind one small interface: SQLite (a file) and PostgreSQL (a shared server)."""
