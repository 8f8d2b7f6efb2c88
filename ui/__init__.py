"""Streamlit-side helpers shared by the pages: engine access, live charts, figures and the config form."""
