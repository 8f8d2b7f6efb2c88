"""The Compare Runs page's parts: the runs table, charts, details, actions, sweeps and TensorBoard export."""
