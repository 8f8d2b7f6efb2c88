"""The engine process that owns all TensorFlow work, and the client the Streamlit process talks to it through."""
