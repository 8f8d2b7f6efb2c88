"""AppTest for the Live page's data sources, uploads, fit metrics, Stop when converged and Find learning rate."""

from __future__ import annotations

import numpy as np
import pytest
from page_helpers import LIVE_PAGE, click, figure, metric
from streamlit.testing.v1 import AppTest

from core.regression.data import least_squares

SOURCE_FIELDS = {"outliers": "Outlier fraction", "heteroscedastic": "Noise growth", "curved": "Curvature a"}


def number_labels(app: AppTest) -> list[str]:
    return [box.label for box in app.sidebar.number_input]


def choose_source(app: AppTest, source: str) -> AppTest:
    return app.sidebar.selectbox(key="cfg_data_source").set_value(source).run()


def uploaded(app: AppTest, content: bytes, name: str = "mine.csv") -> AppTest:
    choose_source(app, "csv")
    app.file_uploader(key="own_data_file").set_value((name, content, "text/csv"))
    return app.run()


def test_the_data_source_box_offers_every_source_and_starts_at_the_tutorials(live_page: AppTest) -> None:
    live_page.run()
    box = live_page.sidebar.selectbox(key="cfg_data_source")
    assert box.label == "Data source" and box.value == "synthetic"
    assert box.options == ["Synthetic (the tutorial's)", "Outliers", "Heteroscedastic", "Curved", "Your data (CSV)"]
    assert not set(SOURCE_FIELDS.values()) & set(number_labels(live_page))
    assert [m.label for m in live_page.metric][-3:] == ["R²", "RMSE", "MAE"]
    assert metric(live_page, "R²") == "-0.3617"  # w = b = 0 on y = 5x + 3: 1 − E[(5x+3)²]/Var(5x) ≈ 1 − 34/25


@pytest.mark.parametrize("source", ["outliers", "heteroscedastic", "curved"])
def test_each_generated_source_shows_its_field_and_trains(live_page: AppTest, source: str) -> None:
    live_page.run()
    choose_source(live_page, source)
    assert not live_page.exception
    assert SOURCE_FIELDS[source] in number_labels(live_page)
    assert not (set(SOURCE_FIELDS.values()) - {SOURCE_FIELDS[source]}) & set(number_labels(live_page))
    click(live_page, "Step epoch")
    assert metric(live_page, "Step") == "1,000"
    r2 = float(metric(live_page, "R²"))
    assert 0.3 < r2 < 1.0  # a good but imperfect fit on noisy or curved data
    deltas = [m.proto.body for m in live_page.metric]
    names = " ".join(str(m.proto) for m in live_page.metric if m.label in ("Weight", "Bias"))
    assert ("LS w" in names) == (source == "curved"), deltas


def test_an_upload_trains_on_its_columns_against_the_least_squares_line(live_page: AppTest) -> None:
    live_page.run()
    rng = np.random.default_rng(5)
    x = rng.uniform(-1, 1, 300)
    y = 2 * x - 1 + rng.normal(0, 0.05, 300)
    text = "id,dose,effect\n" + "".join(f"{i},{a:.5f},{b:.5f}\n" for i, (a, b) in enumerate(zip(x, y)))
    uploaded(live_page, text.encode())
    assert not live_page.exception and not live_page.error
    live_page.sidebar.selectbox(key="own_data_x").set_value("dose").run()
    live_page.sidebar.selectbox(key="own_data_y").set_value("effect").run()
    captions = [caption.value for caption in live_page.sidebar.caption]
    assert "Training on 300 rows of mine.csv: x = dose, y = effect." in captions
    assert "Samples" not in number_labels(live_page) and "Target weight w*" not in number_labels(live_page)
    live_page.sidebar.number_input(key="cfg_epochs").set_value(20).run()
    for _ in range(10):
        click(live_page, "Step epoch")
    w_ls, b_ls = least_squares(np.float32(x), np.float32(y))
    assert float(metric(live_page, "Weight")) == pytest.approx(w_ls, abs=0.02)
    assert float(metric(live_page, "Bias")) == pytest.approx(b_ls, abs=0.02)
    assert "LS w" in str(next(m.proto for m in live_page.metric if m.label == "Weight"))
    assert float(metric(live_page, "R²")) > 0.99


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary file (a PNG image)"),
        (b"x,y\n1,2\n\xe9,3\n", "not UTF-8"),
        (b"x,x\n1,2\n", "names column 'x' twice"),
        (b"x,y\n1,2\n3,nan\n", "Row 3, column 'y' is NaN"),
        (b"", "The file is empty"),
        (b"x\n1\n", "a single column"),
    ],
)
def test_a_bad_upload_says_what_is_wrong_and_keeps_the_data(live_page: AppTest, content: bytes, expected: str) -> None:
    live_page.run()
    uploaded(live_page, content, "bad.csv")
    assert not live_page.exception
    errors = [error.value for error in live_page.error]
    assert any(expected in error and error.startswith("bad.csv: ") for error in errors), errors
    assert "Target weight w*" in number_labels(live_page)  # the run still has the tutorial's data
    click(live_page, "Step epoch")
    assert metric(live_page, "Weight") != "0.0000" and metric(live_page, "Step") == "1,000"


def test_pasted_numbers_train_too(live_page: AppTest) -> None:
    live_page.run()
    choose_source(live_page, "csv")
    live_page.sidebar.text_area(key="own_data_paste").set_value("0 1\n1 3\n2 5\n3 7\n").run()
    assert "Training on 4 rows of pasted numbers: x = column 1, y = column 2." in [
        caption.value for caption in live_page.sidebar.caption
    ]
    assert not live_page.exception


def test_a_link_with_uploaded_data_says_it_cannot_carry_it() -> None:
    app = AppTest.from_file(LIVE_PAGE, default_timeout=180)
    app.query_params.update({"data_source": "csv", "curvature": "2"})
    app.run()
    warnings = " ".join(warning.value for warning in app.warning)
    assert "uploaded data cannot travel in a link" in warnings
    assert app.sidebar.selectbox(key="cfg_data_source").value == "synthetic"


def test_stop_when_converged_ends_the_run_at_its_converged_step(live_page: AppTest) -> None:
    live_page.run()
    live_page.sidebar.toggle(key="cfg_stop_when_converged").set_value(True).run()
    click(live_page, "Run to end")
    for _ in range(5):
        if "`done`" in " ".join(m.value for m in live_page.markdown):
            break
        live_page.run()
    assert metric(live_page, "Step") == "292"
    assert "converged at step 292" in str(next(m.proto for m in live_page.metric if m.label == "Step"))
    for key in ("trace_chart", "loss_chart"):  # marked on the step charts like a mid-run change
        assert "converged @ step 292" in [note["text"] for note in figure(live_page, key)["layout"]["annotations"]]


def test_find_learning_rate_suggests_one_and_uses_it_as_a_mid_run_change(live_page: AppTest) -> None:
    live_page.run()
    click(live_page, "Step epoch")
    click(live_page, "Find learning rate")
    assert not live_page.exception
    suggested = [m.value for m in live_page.markdown if m.value.startswith("Suggested learning rate")]
    assert suggested and "**0.4642**" in suggested[0] and "2/λ_max = 0.9668" in suggested[0]
    click(live_page, "Use this learning rate")
    assert live_page.sidebar.select_slider(key="cfg_learning_rate").value == 0.464  # the suggestion to 3 digits
    notes = [note["text"] for note in figure(live_page, "trace_chart")["layout"]["annotations"]]
    assert "lr 0.01→0.464 @ step 1,000" in notes and "converged @ step 292" in notes
    click(live_page, "Step epoch")
    assert metric(live_page, "Step") == "2,000"


def test_above_ten_thousand_rows_the_companion_csv_is_offered(live_page: AppTest) -> None:
    live_page.run()
    rows = "".join(f"{i / 1000},{2 * i / 1000 + 1}\n" for i in range(10_001))
    uploaded(live_page, ("x,y\n" + rows).encode(), "big.csv")
    assert not live_page.exception and not live_page.error
    buttons = [element for element in live_page.get("download_button")]
    labels = [button.proto.label for button in buttons]
    assert "Companion CSV for the exported script" in labels
    uploaded(live_page, b"x,y\n1,2\n2,4\n", "small.csv")
    assert "Companion CSV for the exported script" not in [b.proto.label for b in live_page.get("download_button")]
