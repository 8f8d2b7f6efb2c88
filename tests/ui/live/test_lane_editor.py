"""AppTest for the Live page's "Change one lane" editor: it stays open and keeps its lane across reruns."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ui.live.lane_editor import EDITOR_KEY, LANE_PICK_KEY, PRESET_OPTIONS

LIVE_PAGE = str(Path(__file__).resolve().parents[3] / "pages" / "2_Live_Regression.py")


@pytest.fixture
def live_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("TAPESTREAM_DB", str(tmp_path / "runs.sqlite3"))
    return AppTest.from_file(LIVE_PAGE, default_timeout=180)


def click(app: AppTest, label: str) -> AppTest:
    next(button for button in app.button if button.label == label).click()
    return app.run()


def editor_open(app: AppTest) -> bool:
    (expander,) = [box for box in app.expander if box.label == "Change one lane"]
    return expander.proto.expanded


def lane_rate_box(app: AppTest, index: int):
    return next(box for box in app.number_input if box.key.endswith(f"_{index}_learning_rate"))


def with_pick_sent_as(app: AppTest, label: str):
    """The widget values the browser sends on its next rerun, the lane pick as the label it still shows."""
    states = app._tree.get_widget_states()
    pick_id = app.selectbox(key=LANE_PICK_KEY).id
    for state in states.widgets:
        if state.id == pick_id:
            state.string_value = label
    return states


def race_with_the_editor_open_on_adam(app: AppTest) -> AppTest:
    app.run()
    optimizers = next(option for option in PRESET_OPTIONS if option.startswith("Optimizers"))
    app.selectbox(key="race_preset").set_value(optimizers).run()
    click(app, "Step")
    assert not editor_open(app)
    app.session_state[EDITOR_KEY] = True  # what opening it in the browser sends
    app.run()
    app.selectbox(key=LANE_PICK_KEY).set_value(4).run()
    assert not app.exception
    return app


def test_the_editor_stays_open_on_its_lane_while_the_race_steps_and_plays(live_page: AppTest) -> None:
    app = race_with_the_editor_open_on_adam(live_page)
    assert editor_open(app) and app.selectbox(key=LANE_PICK_KEY).value == 4
    click(app, "Step")
    click(app, "Play")
    app.run()  # a run of the page while the race plays (a tick's, a notice's)
    click(app, "Pause")
    assert not app.exception
    assert editor_open(app), "a rerun drew the editor closed"
    assert app.selectbox(key=LANE_PICK_KEY).value == 4
    assert lane_rate_box(app, 4).value == 0.01


def test_changing_the_picked_lane_relabels_it_and_the_next_rerun_keeps_it_picked(live_page: AppTest) -> None:
    app = race_with_the_editor_open_on_adam(live_page)
    assert app.selectbox(key=LANE_PICK_KEY).options[4] == "5: adam"
    lane_rate_box(app, 4).set_value(0.1).run()
    assert app.selectbox(key=LANE_PICK_KEY).options[4] == "5: adam, lr 0.1"
    app._run(with_pick_sent_as(app, "5: adam"))  # the browser still shows the label the lane had
    assert not app.exception
    assert app.selectbox(key=LANE_PICK_KEY).value == 4, "the rerun dropped the lane pick"
    assert lane_rate_box(app, 4).value == 0.1 and editor_open(app)


def test_a_lane_picked_in_the_browser_is_the_lane_shown(live_page: AppTest) -> None:
    app = race_with_the_editor_open_on_adam(live_page)
    app._run(with_pick_sent_as(app, "2: momentum"))
    assert app.selectbox(key=LANE_PICK_KEY).value == 1
    assert any(box.key.endswith("_1_learning_rate") for box in app.number_input)
    assert not any(box.key.endswith("_4_learning_rate") for box in app.number_input)


def test_a_saved_single_run_turned_into_a_race_is_stored_once(live_page: AppTest, tmp_path: Path) -> None:
    from core.store.run_store import RunStore

    app = live_page.run()
    click(app, "Step")
    click(app, "Step")
    assert app.session_state["live_run"].autosave()  # what a pause or Save does: the single run is stored
    with RunStore(tmp_path / "runs.sqlite3") as store:
        (single,) = store.list_runs()
    click(app, "Add lane")
    click(app, "Step")
    assert app.session_state["live_run"].autosave() and not app.exception
    with RunStore(tmp_path / "runs.sqlite3") as store:
        runs = store.list_runs()
    assert len(runs) == 2, [(run["id"], run["name"], run["sweep_id"]) for run in runs]  # two lanes, two rows
    assert single["id"] in {run["id"] for run in runs} and len({run["sweep_id"] for run in runs}) == 1
    assert {run["steps"] for run in runs} == {3}
