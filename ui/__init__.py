"""The Streamlit side: page setup, the engine handle and figure helpers shared by the pages, and one wing per page."""
