"""The Live Regression page's parts: the session's run, the sidebar form, the live charts and the panel."""
