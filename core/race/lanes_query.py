"""A race's lanes in the URL: "optimizer:sgd|optimizer:adam,learning_rate:0.1,label:fast" (no TF, no Streamlit).

Lanes are separated by "|", a lane's settings by ",", each "key:value" with the field table's URL keys (plus
label and backend); "-" is a lane that changes nothing. Parsing goes through the field table's value parsers,
so a bad lanes text raises ConfigError naming what is wrong and what is allowed.
"""

from __future__ import annotations

from core.race.labels import clean_label
from core.race.lane_fields import LANE_FIELDS
from core.race.lane_specs import LaneSpec, check_specs
from core.regression.config import ConfigError, RegressionConfig
from core.regression.fields import FIELDS
from core.regression.value_text import ValueTextError, parse_value, query_text, resolve_full

LANES_KEY = "lanes"
MAX_LANES_TEXT = 2000
BY_URL_KEY = {FIELDS[name].url_key: name for name in LANE_FIELDS}
ALLOWED = f"lanes split by |, each key:value pairs split by , with keys {', '.join([*BY_URL_KEY, 'label', 'backend'])}"


def lanes_text(specs: list[LaneSpec]) -> str:
    """The URL text of a race's lanes."""
    lanes = []
    for spec in specs:
        pairs = [f"{FIELDS[name].url_key}:{query_text(value)}" for name, value in spec.overrides.items()]
        if spec.label:
            pairs.append(f"label:{spec.label}")
        if spec.backend != "compiled":
            pairs.append(f"backend:{spec.backend}")
        lanes.append(",".join(pairs) or "-")
    return "|".join(lanes)


def lanes_from_text(text: str, base: RegressionConfig) -> list[LaneSpec]:
    """The lanes a URL text names, checked against base; ConfigError if anything is wrong."""
    if len(text) > MAX_LANES_TEXT:
        raise ConfigError(LANES_KEY, text[:40] + "…", f"must be at most {MAX_LANES_TEXT} characters")
    specs = []
    for lane_text in text.split("|"):
        overrides, label, backend = {}, "", "compiled"
        for pair in [] if lane_text.strip() == "-" else lane_text.split(","):
            key, colon, value = pair.partition(":")
            key = key.strip()
            if not colon or not value.strip():
                raise ConfigError(LANES_KEY, pair, ALLOWED)
            if key == "label":
                label = clean_label(value.replace("|", " "))
            elif key == "backend":
                backend = value.strip()
            elif key in BY_URL_KEY:
                try:
                    overrides[BY_URL_KEY[key]] = parse_value(BY_URL_KEY[key], value.strip())
                except ValueTextError as error:
                    raise ConfigError(key, value, str(error)) from None
            else:
                raise ConfigError(LANES_KEY, key, ALLOWED)
        specs.append(LaneSpec(resolve_full(overrides, base.n_samples), label, backend))
    check_specs(base, specs)
    return specs
