"""The run store (SQLite), and what is read out of it: Compare-page data and TensorBoard exports."""
