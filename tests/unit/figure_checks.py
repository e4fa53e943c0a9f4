"""Checks shared by figure tests."""
import plotly.graph_objects as go


def validated(fig: go.Figure) -> go.Figure:
    """Lean figures skip plotly's per-property checks for speed; here every property goes through them."""
    go.Figure(fig.to_dict())  # raises on any invalid property
    return fig
