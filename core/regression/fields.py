"""The one table of RegressionConfig fields: type, default, limits, labels, CLI flag, URL key, help, sweep form.

Everything that names, checks, parses, shows or sweeps a config field reads this table: the dataclass and its
validation (core.regression.config), text parsing (core.regression.value_text), the URL query, the CLI flags,
the sidebar and sweep forms, the Compare key columns and the exported script. Adding a field is one row here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

OPTIMIZERS: tuple[str, ...] = ("sgd", "momentum", "nesterov", "rmsprop", "adam", "adagrad")
LOSSES: tuple[str, ...] = ("mse", "mae", "huber")
BACKEND_NAMES: tuple[str, ...] = ("compiled", "eager")
DEFAULT_BACKEND = "compiled"
FULL_BATCH = "full"  # the batch_size word for "all samples in one batch"
# Where the samples come from (core.regression.data_sources draws them); "csv" is a user's own data set.
DATA_SOURCES: tuple[str, ...] = ("synthetic", "outliers", "heteroscedastic", "curved", "csv")
DATA_SOURCE_LABELS: tuple[str, ...] = (
    "Synthetic (the tutorial's)",
    "Outliers",
    "Heteroscedastic",
    "Curved",
    "Your data (CSV)",
)
UPLOADED = "csv"
GENERATED = DATA_SOURCES[:-1]  # the sources drawn from the seed, with a true w*, b* (curved adds a·x²)

# Hard limits that keep a 24 GB machine safe. A trace row costs about 24 bytes in the engine, so the
# longest allowed run keeps its full trace in roughly 250 MB; the largest data set is 80 MB of float32.
MAX_SAMPLES = 10_000_000
MAX_EPOCHS = 10_000
MAX_TOTAL_STEPS = 10_000_000
MAX_ABS_TARGET = 1_000.0
MAX_ABS_INIT = 10_000.0
MAX_NOISE_STD = 1_000.0
MAX_LEARNING_RATE = 10.0
MAX_SEED = 2**31 - 1
MAX_OUTLIER_FRACTION = 0.5
MAX_ABS_CURVATURE = 100.0
DATA_HASH_PATTERN = r"[0-9a-f]{16}"  # core.regression.dataset.content_hash

Kind = type[float] | type[int] | type[bool] | type[str]
Section = Literal["data", "training"]
SweepInput = Literal["list", "choice"] | None


@dataclass(frozen=True)
class FieldSpec:
    """Everything about one config field; `high` may name another field (batch_size is at most n_samples)."""

    name: str
    kind: Kind
    default: Any
    label: str
    short: str
    flag: str
    help: str
    section: Section
    low: float = 0.0
    high: float | str = 0.0
    open_low: bool = False
    log_scale: bool = False
    takes_full: bool = False  # the word "full" stands for the largest value (its limit field's value)
    choices: tuple[str, ...] = ()
    choice_labels: tuple[str, ...] = ()  # what a form shows for each of choices (default: the choices)
    pattern: str = ""  # a text field (kind str, no choices): the full-match regular expression it must meet
    data: bool = False
    sources: tuple[str, ...] = DATA_SOURCES  # the data sources the field means something for
    in_url: bool = True  # the Live page's URL mirrors it
    in_cli: bool = True  # the CLI has a flag for it
    in_form: bool = True  # the sidebar form shows it
    step: float = 1.0
    number_format: str | None = None
    sweep: SweepInput = None
    sweep_label: str = ""
    sweep_example: str = ""
    sweep_rank: int = 0
    column: str | None = None
    column_rank: int = 0

    @property
    def url_key(self) -> str:
        """The URL query parameter: the field's own name."""
        return self.name

    @property
    def widget_high(self) -> float:
        """The largest value a form offers: a limit that names another field takes that field's largest."""
        return FIELDS[self.high].widget_high if isinstance(self.high, str) else self.high


FIELD_TABLE: tuple[FieldSpec, ...] = (
    FieldSpec(
        name="data_source",
        kind=str,
        default="synthetic",
        label="Data source",
        short="data",
        flag="--data-source",
        help="where the samples come from: the tutorial's line, with outliers, with noise growing with |x|, "
        "curved (a·x² + w·x + b), or your own CSV",
        section="data",
        choices=DATA_SOURCES,
        choice_labels=DATA_SOURCE_LABELS,
        data=True,
    ),
    FieldSpec(
        name="data_hash",
        kind=str,
        default="",
        label="Data set",
        short="data set",
        flag="--data-hash",
        help="the content hash of your own data set (set by an upload or --data, never typed)",
        section="data",
        pattern=DATA_HASH_PATTERN,
        data=True,
        sources=(UPLOADED,),
        in_url=False,
        in_cli=False,
        in_form=False,
    ),
    FieldSpec(
        name="w_target",
        kind=float,
        default=5.0,
        label="Target weight w*",
        short="w*",
        flag="--w-target",
        help="the true slope of the data",
        section="data",
        sources=GENERATED,
        low=-MAX_ABS_TARGET,
        high=MAX_ABS_TARGET,
        data=True,
        step=0.5,
        number_format="%.3f",
    ),
    FieldSpec(
        name="b_target",
        kind=float,
        default=3.0,
        label="Target bias b*",
        short="b*",
        flag="--b-target",
        help="the true intercept of the data",
        section="data",
        sources=GENERATED,
        low=-MAX_ABS_TARGET,
        high=MAX_ABS_TARGET,
        data=True,
        step=0.5,
        number_format="%.3f",
    ),
    FieldSpec(
        name="n_samples",
        kind=int,
        default=1000,
        label="Samples",
        short="samples",
        flag="--n-samples",
        help="how many (x, y) points",
        section="data",
        sources=GENERATED,
        low=1,
        high=MAX_SAMPLES,
        data=True,
        step=100,
        sweep="list",
        sweep_label="Samples",
        sweep_rank=5,
        sweep_example="100,1000",
        column="samples",
        column_rank=6,
    ),
    FieldSpec(
        name="noise_std",
        kind=float,
        default=0.0,
        label="Noise std",
        short="noise",
        flag="--noise-std",
        help="standard deviation of the noise added to y",
        section="data",
        sources=GENERATED,
        low=0.0,
        high=MAX_NOISE_STD,
        data=True,
        step=0.1,
        number_format="%.3f",
        sweep="list",
        sweep_label="Noise std",
        sweep_rank=6,
        sweep_example="0,0.5",
        column="noise",
        column_rank=7,
    ),
    FieldSpec(
        name="outlier_fraction",
        kind=float,
        default=0.1,
        label="Outlier fraction",
        short="outliers",
        flag="--outlier-fraction",
        help="the share of points given a large error (±10 to ±30)",
        section="data",
        low=0.0,
        high=MAX_OUTLIER_FRACTION,
        data=True,
        step=0.05,
        number_format="%.3f",
        sources=("outliers",),
    ),
    FieldSpec(
        name="noise_growth",
        kind=float,
        default=1.0,
        label="Noise growth",
        short="noise growth",
        flag="--noise-growth",
        help="the noise's standard deviation grows by this much per unit of |x| (on top of Noise std)",
        section="data",
        low=0.0,
        high=MAX_NOISE_STD,
        data=True,
        step=0.1,
        number_format="%.3f",
        sources=("heteroscedastic",),
    ),
    FieldSpec(
        name="curvature",
        kind=float,
        default=1.0,
        label="Curvature a",
        short="a",
        flag="--curvature",
        help="a in y = a·x² + w*·x + b*: what a line cannot fit",
        section="data",
        low=-MAX_ABS_CURVATURE,
        high=MAX_ABS_CURVATURE,
        data=True,
        step=0.5,
        number_format="%.3f",
        sources=("curved",),
    ),
    FieldSpec(
        name="seed",
        kind=int,
        default=0,
        label="Seed",
        short="seed",
        flag="--seed",
        help="seeds the data and the shuffle order",
        section="data",
        low=0,
        high=MAX_SEED,
        data=True,
        sweep="list",
        sweep_label="Seeds",
        sweep_rank=2,
        sweep_example="0,1,2",
        column="seed",
        column_rank=8,
    ),
    FieldSpec(
        name="epochs",
        kind=int,
        default=2,
        label="Epochs",
        short="epochs",
        flag="--epochs",
        help="passes over the data",
        section="training",
        low=1,
        high=MAX_EPOCHS,
        sweep="list",
        sweep_label="Epochs",
        sweep_rank=4,
        sweep_example="1,2,5",
        column="epochs",
        column_rank=5,
    ),
    FieldSpec(
        name="learning_rate",
        kind=float,
        default=1e-2,
        label="Learning rate (log scale)",
        short="lr",
        flag="--lr",
        help="the step size of each update",
        section="training",
        low=0.0,
        high=MAX_LEARNING_RATE,
        open_low=True,
        log_scale=True,
        sweep="list",
        sweep_label="Learning rates",
        sweep_rank=1,
        sweep_example="0.001,0.01,0.1",
        column="lr",
        column_rank=2,
    ),
    FieldSpec(
        name="batch_size",
        kind=int,
        default=1,
        label="Batch size",
        short="batch",
        flag="--batch-size",
        help="1 = one sample per step (the tutorial); equal to Samples = full batch",
        section="training",
        low=1,
        high="n_samples",
        takes_full=True,
        sweep="list",
        sweep_label="Batch sizes",
        sweep_rank=3,
        sweep_example="1,32,full",
        column="batch",
        column_rank=3,
    ),
    FieldSpec(
        name="shuffle",
        kind=bool,
        default=False,
        label="Shuffle each epoch",
        short="shuffle",
        flag="--shuffle",
        help="shuffle the samples every epoch",
        section="data",
    ),
    FieldSpec(
        name="optimizer",
        kind=str,
        default="sgd",
        label="Optimizer",
        short="optimizer",
        flag="--optimizer",
        help="the update rule",
        section="training",
        choices=OPTIMIZERS,
        sweep="choice",
        sweep_label="Optimizers",
        sweep_rank=7,
        column="optimizer",
        column_rank=1,
    ),
    FieldSpec(
        name="loss",
        kind=str,
        default="mse",
        label="Loss",
        short="loss",
        flag="--loss",
        help="the per-sample loss (mse is the tutorial's)",
        section="training",
        choices=LOSSES,
        sweep="choice",
        sweep_label="Losses",
        sweep_rank=8,
        column="loss fn",
        column_rank=4,
    ),
    FieldSpec(
        name="stop_when_converged",
        kind=bool,
        default=False,
        label="Stop when converged",
        short="stop at convergence",
        flag="--stop-when-converged",
        help="end the run at the step it converged (core.regression.convergence says when)",
        section="training",
    ),
    FieldSpec(
        name="w_init",
        kind=float,
        default=0.0,
        label="Initial w",
        short="w₀",
        flag="--w-init",
        help="where w starts",
        section="training",
        low=-MAX_ABS_INIT,
        high=MAX_ABS_INIT,
        step=0.5,
        number_format="%.3f",
    ),
    FieldSpec(
        name="b_init",
        kind=float,
        default=0.0,
        label="Initial b",
        short="b₀",
        flag="--b-init",
        help="where b starts",
        section="training",
        low=-MAX_ABS_INIT,
        high=MAX_ABS_INIT,
        step=0.5,
        number_format="%.3f",
    ),
)

FIELDS: dict[str, FieldSpec] = {spec.name: spec for spec in FIELD_TABLE}
FIELD_NAMES: tuple[str, ...] = tuple(FIELDS)
DATA_FIELDS: frozenset[str] = frozenset(spec.name for spec in FIELD_TABLE if spec.data)
FLAGS: dict[str, str] = {spec.name: spec.flag for spec in FIELD_TABLE}
SWEEP_FORM: tuple[FieldSpec, ...] = tuple(
    sorted((spec for spec in FIELD_TABLE if spec.sweep), key=lambda spec: spec.sweep_rank)
)
KEY_COLUMNS: dict[str, str] = {
    spec.name: spec.column for spec in sorted(FIELD_TABLE, key=lambda spec: spec.column_rank) if spec.column
}


URL_FIELDS: tuple[FieldSpec, ...] = tuple(spec for spec in FIELD_TABLE if spec.in_url)
CLI_FIELDS: tuple[FieldSpec, ...] = tuple(spec for spec in FIELD_TABLE if spec.in_cli)
FORM_FIELDS: tuple[FieldSpec, ...] = tuple(spec for spec in FIELD_TABLE if spec.in_form)


def applies(spec: FieldSpec, data_source: str) -> bool:
    """Whether a field means something for a data source (Curvature a only for curved data, and so on)."""
    return data_source in spec.sources


def choice_label(spec: FieldSpec, choice: str) -> str:
    """What a form shows for one of a field's choices ("Your data (CSV)" for csv)."""
    if spec.choice_labels and choice in spec.choices:
        return spec.choice_labels[spec.choices.index(choice)]
    return choice


def short_name(field: str) -> str:
    """A field's short label ("lr", "w*"), or the name itself for anything that is not a config field."""
    spec = FIELDS.get(field)
    return spec.short if spec is not None else field


def flag_name(field: str) -> str:
    """A field's CLI flag without dashes ("lr", "batch-size"), or the name itself."""
    spec = FIELDS.get(field)
    return spec.flag.lstrip("-") if spec is not None else field


def number_text(value: float) -> str:
    """A limit as people read it: 10,000,000, -1,000, 0.5."""
    return f"{int(value):,}" if float(value).is_integer() else f"{value:,g}"


def range_text(spec: FieldSpec, limit: float | None = None) -> str:
    """What a field allows, for labels and messages: "1 – 10,000,000", "above 0, up to 10", "1 – Samples (1,000)".

    limit is the current value of the field that `high` names (batch_size's Samples), when there is one.
    """
    if spec.kind is bool:
        return "on or off"
    if spec.choices:
        return f"one of {', '.join(spec.choices)}"
    if isinstance(spec.high, str):
        named = FIELDS[spec.high].label
        high = f"{named} ({number_text(limit)})" if limit is not None else named
    else:
        high = number_text(spec.high)
    if spec.open_low:
        return f"above {number_text(spec.low)}, up to {high}"
    return f"{number_text(spec.low)} – {high}"
