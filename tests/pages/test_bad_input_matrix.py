"""Issue 10's bad-input matrix on the Live page: every sidebar field and every URL key against hostile values.

Each value must leave the page standing (no exception, no traceback) and show a warning that names the field
(its sidebar label, or its URL key). The browser's number boxes carry numbers or nothing, so text and unicode
reach the page only through the URL; the sidebar gets NaN, infinities, an emptied box, huge and negative numbers.
"""

from __future__ import annotations

import pytest
from page_helpers import LIVE_PAGE
from streamlit.testing.v1 import AppTest

from core.regression.config import RegressionConfig
from core.regression.fields import FIELD_TABLE, FieldSpec, choice_label
from core.regression.url_query import BACKEND_KEY, URL_KEYS
from ui.live.sidebar_form import widget_key
from ui.live.url_sync import VIEW_KEYS

NUMBER_SPECS = [spec for spec in FIELD_TABLE if spec.in_form and spec.kind in (int, float) and not spec.log_scale]
CLOSED_SPECS = [spec for spec in FIELD_TABLE if spec.in_form and spec not in NUMBER_SPECS]
# The data source whose sidebar shows a field (Curvature a only for curved data, and so on).
SHOWN_WITH: dict[str, str] = {
    spec.name: "synthetic" if "synthetic" in spec.sources else spec.sources[0] for spec in FIELD_TABLE
}
ALL_URL_KEYS = [*URL_KEYS, BACKEND_KEY, *VIEW_KEYS]
SPECS_BY_KEY: dict[str, FieldSpec] = {spec.url_key: spec for spec in FIELD_TABLE}
URL_TEXTS: dict[str, str] = {
    "nan": "nan",
    "+inf": "inf",
    "-inf": "-inf",
    "empty": "",
    "huge": "1e12",
    "text": "abc",
    "fullwidth 5": "５",
    "circled 1": "①",
    "arabic-indic 3": "٣",
    "one half": "½",
    "emoji": "🙂",
}


def below_low(spec: FieldSpec | None) -> float:
    """A negative value under the field's lowest allowed one (-1 for anything that starts at 0 or above)."""
    return -1 if spec is None or spec.low >= 0 else spec.low * 10


def open_page(query: dict[str, str | list[str]] | None = None) -> AppTest:
    app = AppTest.from_file(LIVE_PAGE, default_timeout=180)
    app.query_params.update(query or {})
    return app.run()


def warnings(app: AppTest) -> list[str]:
    return [warning.value for warning in app.warning]


def assert_standing(app: AppTest) -> None:
    assert not app.exception, [e.message for e in app.exception]
    assert not app.error, [e.value for e in app.error]


SIDEBAR_VALUES: dict[str, object] = {
    "nan": float("nan"),
    "+inf": float("inf"),
    "-inf": float("-inf"),
    "empty": None,
    "huge": 10**12,
    "beyond 2**53": 10**20,
    "negative": "below low",
}


@pytest.mark.parametrize("kind", list(SIDEBAR_VALUES))
def test_every_number_field_refuses_a_bad_value_by_name_and_keeps_its_value(kind: str) -> None:
    for source in dict.fromkeys(SHOWN_WITH[spec.name] for spec in NUMBER_SPECS):
        app = open_page({} if source == "synthetic" else {"data_source": source})
        for spec in (spec for spec in NUMBER_SPECS if SHOWN_WITH[spec.name] == source):
            value = SIDEBAR_VALUES[kind]
            if value == "below low":
                value = spec.kind(below_low(spec))
            elif isinstance(value, float) and spec.kind is int:
                continue  # a whole-number box sends a 64-bit integer: no NaN or ±inf (see test_setting_change)
            elif isinstance(value, int) and spec.kind is float:
                value = float(value)
            before = app.sidebar.number_input(key=widget_key(spec.name)).value
            app.sidebar.number_input(key=widget_key(spec.name)).set_value(value).run()
            assert_standing(app)
            shown = warnings(app)
            assert len(shown) == 1 and shown[0].startswith(spec.label), (spec.name, value, shown)
            assert "not allowed" in shown[0] or "needs a number" in shown[0]
            assert app.sidebar.number_input(key=widget_key(spec.name)).value == before, spec.name
            assert app.session_state["live_run"].config == RegressionConfig(data_source=source)


def test_the_other_fields_offer_only_allowed_values() -> None:
    app = open_page()
    for spec in CLOSED_SPECS:
        key = widget_key(spec.name)
        if spec.kind is bool:
            assert app.sidebar.toggle(key=key).value is spec.default
        elif spec.choices:
            assert list(app.sidebar.selectbox(key=key).options) == [choice_label(spec, c) for c in spec.choices]
        else:
            options = [float(option) for option in app.sidebar.select_slider(key=key).options]
            assert all(spec.low < option <= spec.high for option in options), spec.name


@pytest.mark.parametrize("text", list(URL_TEXTS.values()), ids=list(URL_TEXTS))
def test_every_url_key_refuses_a_bad_text_by_name_and_opens_the_defaults(text: str) -> None:
    app = open_page(dict.fromkeys(ALL_URL_KEYS, text))
    assert_standing(app)
    shown = " ".join(warnings(app))
    for key in ALL_URL_KEYS:
        assert f"{key}={text!r}" in shown, key
    assert app.session_state["live_run"].config == RegressionConfig()
    assert app.query_params == {}, "the bad parts leave the URL"


def test_every_url_key_refuses_a_negative_number_under_its_range() -> None:
    query = {key: f"{below_low(SPECS_BY_KEY.get(key)):g}" for key in ALL_URL_KEYS}
    app = open_page(query)
    assert_standing(app)
    shown = " ".join(warnings(app))
    for key, text in query.items():
        assert f"{key}={text!r}" in shown, key


def test_every_url_key_given_twice_warns_instead_of_taking_the_last() -> None:
    app = open_page({key: ["1", "2"] for key in ALL_URL_KEYS})
    assert_standing(app)
    shown = warnings(app)
    for key in ALL_URL_KEYS:
        assert f"URL parameter {key} is given 2 times ('1', '2')" in " ".join(shown), key
    assert app.session_state["live_run"].config == RegressionConfig()


def test_a_large_setup_made_in_the_sidebar_reopens_from_its_url() -> None:
    app = open_page()
    app.sidebar.number_input(key="cfg_epochs").set_value(1).run()
    app.sidebar.number_input(key="cfg_n_samples").set_value(10_000_000).run()
    assert_standing(app)
    assert not warnings(app) and app.query_params == {"n_samples": "10000000", "epochs": "1"}
    reopened = open_page(dict(app.query_params))
    assert_standing(reopened)
    assert not warnings(reopened)
    assert reopened.session_state["live_run"].config == RegressionConfig(n_samples=10_000_000, epochs=1)


def test_a_url_with_too_many_steps_names_the_fields_in_one_warning() -> None:
    app = open_page({"n_samples": "10000000", "epochs": "2", "learning_rate": "0.1"})
    assert_standing(app)
    [shown] = warnings(app)
    assert shown.startswith("URL parameters n_samples=10000000, epochs=2 (with the default batch_size=1): 20,000,000")
    assert app.session_state["live_run"].config == RegressionConfig(epochs=2, learning_rate=0.1)
    assert app.sidebar.number_input(key="cfg_n_samples").value == 1000
