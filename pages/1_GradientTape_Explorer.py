"""Placeholder while this page is built."""

import streamlit as st

st.title("gradienttape_explorer")
