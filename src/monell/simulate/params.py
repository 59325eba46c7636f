"""The simulator's parameters: one typed, frozen object loaded from YAML.

Every number has its source or is marked an assumption in docs/simulation.md; the defaults
here are the `baseline` scenario's. A scenario file overrides any of them by path:

    name: officers_pay_share
    extends: baseline            # a bundled scenario, or a path to another parameter file
    indemnification: {officer_share: 0.10, officer_cap_per_claim_usd: 25000}

A bad file is a `ParamsError` whose problems each name the field (a dotted path) and what
is allowed there; the CLI prints them and exits 2.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import IntEnum, StrEnum
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from monell.exposure.models import PayerKind

SCENARIO_PACKAGE = "monell.simulate.scenarios"
MAX_FILE_BYTES = 1 << 20


class Arrangement(IntEnum):
    """How an agency funds its liability (stored as small integers in the run arrays)."""

    GENERAL_FUND = 0
    SELF_INSURANCE_FUND = 1
    RISK_POOL = 2
    COMMERCIAL_INSURER = 3


ARRANGEMENT_NAMES = {a: a.name.lower() for a in Arrangement}


class Layer(IntEnum):
    """Who pays a slice of one payout; the payer kinds are the exposure module's vocabulary."""

    OFFICER = 0  # the officer personally (what indemnification leaves unpaid)
    ENTITY_BUDGET = 1  # the agency's deductible or retention under a pool or a policy
    SELF_INSURANCE_FUND = 2
    RISK_POOL = 3
    COMMERCIAL_INSURER = 4  # primary policy, or excess over a self-insured retention
    GENERAL_FUND = 5  # no cover, or above every limit


LAYER_PAYER_KIND: dict[Layer, PayerKind | None] = {
    Layer.OFFICER: None,  # not a public payer
    Layer.ENTITY_BUDGET: PayerKind.ENTITY_BUDGET,
    Layer.SELF_INSURANCE_FUND: PayerKind.SELF_INSURANCE_FUND,
    Layer.RISK_POOL: PayerKind.RISK_POOL,
    Layer.COMMERCIAL_INSURER: PayerKind.COMMERCIAL_INSURER,
    Layer.GENERAL_FUND: PayerKind.GENERAL_FUND,
}


def layer_name(layer: Layer) -> str:
    kind = LAYER_PAYER_KIND[layer]
    return "officers" if kind is None else kind.value


class Band(StrEnum):
    """Size bands for the funding mix and for what a town does after losing coverage."""

    SMALL = "small"  # fewer than 25 full-time sworn officers
    MEDIUM = "medium"  # 25–249
    LARGE = "large"  # 250 or more


BAND_LIMITS = {Band.SMALL: 25, Band.MEDIUM: 250}


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class _Shares(_Frozen):
    """Shares of one choice, in field order; they must sum to 1."""

    @model_validator(mode="after")
    def _sums_to_one(self) -> _Shares:
        if abs(sum(self.probabilities()) - 1) > 1e-6:
            names = ", ".join(type(self).model_fields)
            raise ValueError(f"the shares ({names}) must sum to 1")
        return self

    def probabilities(self) -> tuple[float, ...]:
        return tuple(getattr(self, name) for name in type(self).model_fields)


class Mix(_Shares):
    """Share of agencies in a band under each funding arrangement (order = Arrangement)."""

    general_fund: float = Field(ge=0, le=1)
    self_insurance_fund: float = Field(ge=0, le=1)
    risk_pool: float = Field(ge=0, le=1)
    commercial_insurer: float = Field(ge=0, le=1)


class AfterLoss(_Shares):
    """What an agency does when its pool or insurer drops it."""

    self_insure: float = Field(ge=0, le=1)
    join_pool: float = Field(ge=0, le=1)
    contract_sheriff: float = Field(ge=0, le=1)
    disband: float = Field(ge=0, le=1)


class CityParams(_Frozen):
    """One named agency: its own fitted frequency and severity (from `simulate calibrate`)."""

    city: str = Field(min_length=1)
    state: str = Field(pattern=r"^[A-Z]{2}$")
    paid_claims_per_year: float = Field(ge=0)
    dispersion: float = Field(gt=0)
    severity_mu: float  # log of constant dollars
    severity_sigma: float = Field(gt=0, le=5)
    severity_mu_se: float = Field(default=0.0, ge=0)
    rate_se: float = Field(default=0.0, ge=0)
    # the city's own trend: its deviation from the common trend (log per year), shrunk toward
    # it (empirical Bayes), and the deviation's posterior standard deviation (each run draws
    # its own); 0 without `calibrate --trend`
    rate_trend_deviation: float = Field(default=0.0, ge=-1, le=1)
    rate_trend_deviation_se: float = Field(default=0.0, ge=0, le=1)
    severity_trend_deviation: float = Field(default=0.0, ge=-1, le=1)
    severity_trend_deviation_se: float = Field(default=0.0, ge=0, le=1)
    officers: float | None = Field(default=None, ge=0)
    police_budget_usd: float | None = Field(default=None, gt=0)
    arrangement: Literal[
        "general_fund", "self_insurance_fund", "risk_pool", "commercial_insurer"
    ] = "general_fund"
    provenance: dict[str, Any] = Field(default_factory=dict)


class Population(_Frozen):
    kind: Literal["national", "cities"] = "national"
    scale: float = Field(default=1.0, gt=0, le=1)  # share of the national agencies simulated
    cities: tuple[CityParams, ...] = ()

    @model_validator(mode="after")
    def _cities_given(self) -> Population:
        if self.kind == "cities" and not self.cities:
            raise ValueError(
                "kind 'cities' needs a non-empty `cities` list (monell simulate "
                "calibrate writes one)"
            )
        return self


class Claims(_Frozen):
    paid_claims_per_officer_year: float = Field(default=0.027, ge=0)
    dispersion: float = Field(default=1.5, gt=0)
    severity_median_usd: float = Field(default=17_500, gt=0)
    severity_sigma: float = Field(default=1.74, gt=0, le=5)
    dollars_year: int = Field(default=2022, ge=1913, le=2100)
    real_severity_trend: float = Field(default=0.0, ge=-0.5, le=0.5)
    frequency_multiplier: float = Field(default=1.0, ge=0)
    # year-to-year drift of each agency's claim rate: a mean-one lognormal random walk with this
    # standard deviation of the log per year (0: a constant rate; calibrate fits it from cities)
    rate_drift_sd: float = Field(default=0.0, ge=0, le=2)
    # year-to-year variation of an agency's severity: log amounts of the claims arising in one
    # agency-year share a normal shift with this standard deviation (large payments cluster
    # in years; 0 in the baseline; calibrate fits it from cities)
    severity_year_sd: float = Field(default=0.0, ge=0, le=3)
    # year-to-year random walk of each agency's log severity (mean log amount), from the first
    # simulated year (0: constant; calibrate fits it from cities)
    severity_drift_sd: float = Field(default=0.0, ge=0, le=2)
    # uncertainty of the two walks' sizes (standard errors from calibration): each run draws
    # its own sizes, s + se·Z floored at 0 (parameter uncertainty)
    rate_drift_sd_se: float = Field(default=0.0, ge=0, le=2)
    severity_drift_sd_se: float = Field(default=0.0, ge=0, le=2)
    # the walks' mean step (log per year) from the first simulated year: a trend of the claim
    # rate and of the severity (0 in the baseline; calibrate --trend fits them from cities)
    rate_trend: float = Field(default=0.0, ge=-1, le=1)
    severity_trend: float = Field(default=0.0, ge=-1, le=1)
    # the trends' estimation uncertainty: each run draws its common trend from a normal with
    # this standard deviation (year-clustered standard error from calibration; 0: fixed)
    rate_trend_se: float = Field(default=0.0, ge=0, le=1)
    severity_trend_se: float = Field(default=0.0, ge=0, le=1)
    # damped trend (Gardner & McKenzie 1985): the trend's step in the h-th simulated year is
    # δ·φ^h, φ drawn once per run from U[low, high] (1, 1: undamped, it compounds)
    trend_damping_low: float = Field(default=1.0, gt=0, le=1)
    trend_damping_high: float = Field(default=1.0, gt=0, le=1)
    # the part of each walk's yearly step shared by every agency of a run (a common year
    # shock: the years when all cities' payouts rise together); the agencies' own steps keep
    # the rest of the walk's variance (0: independent walks)
    rate_common_sd: float = Field(default=0.0, ge=0, le=2)
    severity_common_sd: float = Field(default=0.0, ge=0, le=2)
    # each walk step subtracts s²/2, so the walking level stays mean one in dollars (its
    # median falls); false: the log level walks around its trend (median kept), as a trend
    # fitted on log series implies
    walk_mean_one: bool = True
    # the walks and the trend start this many incident years before the first simulated year
    # (in the burn-in): they are fitted on payment years, and a payment lags its incident, so
    # starting them at the first simulated year delays their effect on payments by the lag
    # (calibrate sets the mean lag, rounded; 0: they start with the first simulated year)
    walk_lead_years: int = Field(default=0, ge=0, le=15)
    # P(paid k years after the incident), k = 0, 1, …, the last bucket "5 or more": fitted
    # from the 901 FiveThirtyEight / Marshall Project payments with an incident date
    lag_probabilities: tuple[float, ...] = (0.0166, 0.1687, 0.2098, 0.2153, 0.1687, 0.2209)

    @model_validator(mode="after")
    def _lags(self) -> Claims:
        if not self.lag_probabilities or any(p < 0 for p in self.lag_probabilities):
            raise ValueError("lag_probabilities: non-negative numbers, one per year of lag")
        if abs(sum(self.lag_probabilities) - 1) > 1e-6:
            raise ValueError("lag_probabilities must sum to 1")
        if len(self.lag_probabilities) > 15:
            raise ValueError("lag_probabilities: at most 15 years of lag")
        if self.trend_damping_low > self.trend_damping_high:
            raise ValueError("trend_damping_low must not exceed trend_damping_high")
        return self


class Indemnification(_Frozen):
    officer_share: float = Field(default=0.0002, ge=0, le=1)
    officer_cap_per_claim_usd: float | None = Field(default=None, ge=0)
    deterrence_frequency_effect: float = Field(default=0.0, ge=0, lt=1)


class SelfInsurance(_Frozen):
    retention_usd: float = Field(default=1_000_000, ge=0)
    excess_limit_usd: float = Field(default=10_000_000, ge=0)
    reserve_years: float = Field(default=1.0, ge=0)


class Policy(_Frozen):
    deductible_usd: float = Field(ge=0)
    limit_usd: float = Field(ge=0)
    loading: float = Field(ge=0, le=5)  # expenses and margin over expected losses


class Funding(_Frozen):
    mix: dict[Band, Mix] = Field(
        default_factory=lambda: {
            Band.SMALL: Mix(
                general_fund=0.05, self_insurance_fund=0.0, risk_pool=0.80, commercial_insurer=0.15
            ),
            Band.MEDIUM: Mix(
                general_fund=0.05, self_insurance_fund=0.10, risk_pool=0.70, commercial_insurer=0.15
            ),
            Band.LARGE: Mix(
                general_fund=0.30, self_insurance_fund=0.45, risk_pool=0.15, commercial_insurer=0.10
            ),
        }
    )
    self_insurance: SelfInsurance = SelfInsurance()
    risk_pool: Policy = Policy(deductible_usd=10_000, limit_usd=10_000_000, loading=0.15)
    commercial_insurer: Policy = Policy(deductible_usd=25_000, limit_usd=5_000_000, loading=0.35)
    mandatory_insurance: bool = False

    @model_validator(mode="after")
    def _every_band(self) -> Funding:
        missing = [b.value for b in Band if b not in self.mix]
        if missing:
            raise ValueError(f"mix: give every size band ({', '.join(missing)} missing)")
        return self


class Pricing(_Frozen):
    experience_years: int = Field(default=3, ge=1, le=10)
    credibility_k: float = Field(default=30.0, gt=0)  # Z = n / (n + k), n expected claims
    mod_min: float = Field(default=0.6, gt=0)
    mod_max: float = Field(default=4.0, gt=0)
    max_increase_per_year: float = Field(default=2.0, ge=1)
    # a renewal is at risk when the layer's losses over the window exceed this multiple of
    # the premiums that priced it (a single large loss does it for a small town)
    nonrenewal_loss_ratio: float = Field(default=5.0, gt=0)
    nonrenewal_probability: float = Field(default=0.10, ge=0, le=1)
    mandated_reform_mod: float = Field(default=1.5, gt=0)
    mandated_reform_probability: float = Field(default=0.3, ge=0, le=1)
    replacement_surcharge: float = Field(default=2.0, ge=1)

    @model_validator(mode="after")
    def _bounds(self) -> Pricing:
        if self.mod_min > self.mod_max:
            raise ValueError("mod_min must not exceed mod_max")
        return self


class Responses(_Frozen):
    enabled: bool = True
    # logit P(reform this year) = intercept + slope × (liability cost, % of police budget)
    reform_intercept: float = -3.9
    reform_slope: float = Field(default=0.35, ge=0)
    reform_effect_low: float = Field(default=0.0, ge=0, lt=1)
    reform_effect_high: float = Field(default=0.20, ge=0, lt=1)
    leadership_intercept: float = -1.9
    leadership_slope: float = Field(default=0.20, ge=0)
    after_loss: dict[Band, AfterLoss] = Field(
        default_factory=lambda: {
            Band.SMALL: AfterLoss(
                self_insure=0.10, join_pool=0.30, contract_sheriff=0.30, disband=0.30
            ),
            Band.MEDIUM: AfterLoss(
                self_insure=0.30, join_pool=0.45, contract_sheriff=0.15, disband=0.10
            ),
            Band.LARGE: AfterLoss(
                self_insure=0.80, join_pool=0.20, contract_sheriff=0.0, disband=0.0
            ),
        }
    )

    @model_validator(mode="after")
    def _range(self) -> Responses:
        if self.reform_effect_low > self.reform_effect_high:
            raise ValueError("reform_effect_low must not exceed reform_effect_high")
        missing = [b.value for b in Band if b not in self.after_loss]
        if missing:
            raise ValueError(f"after_loss: give every size band ({', '.join(missing)} missing)")
        return self


class Budget(_Frozen):
    police_share_of_general_fund: float = Field(default=0.30, gt=0, le=1)


class Run(_Frozen):
    years: int = Field(default=20, ge=1, le=200)
    runs: int = Field(default=200, ge=1, le=1_000_000)
    seed: int = Field(default=2026, ge=0)
    first_year: int = Field(default=2025, ge=1900, le=2200)
    burn_in_years: int | None = Field(default=None, ge=0, le=50)  # default: the longest lag
    batch_size: int = Field(default=20, ge=1, le=10_000)


class Params(_Frozen):
    name: str = "baseline"
    description: str = ""
    provenance: dict[str, Any] = Field(default_factory=dict)  # where fitted numbers came from
    population: Population = Population()
    claims: Claims = Claims()
    indemnification: Indemnification = Indemnification()
    funding: Funding = Funding()
    pricing: Pricing = Pricing()
    responses: Responses = Responses()
    budget: Budget = Budget()
    run: Run = Run()

    @property
    def burn_in(self) -> int:
        b = self.run.burn_in_years
        return len(self.claims.lag_probabilities) - 1 if b is None else b


class ParamsError(ValueError):
    """A parameter or scenario file that cannot be used; `problems` name field and fix."""

    def __init__(self, source: str, problems: list[str]) -> None:
        super().__init__(f"{source}: " + "; ".join(problems))
        self.source = source
        self.problems = problems


def bundled_scenarios() -> list[str]:
    root = resources.files(SCENARIO_PACKAGE)
    return sorted(p.name[:-5] for p in root.iterdir() if p.name.endswith(".yaml"))


def _allowed_fields(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str] | None:
    """The field names allowed at `loc` (for 'extra field' errors)."""
    current: Any = model
    keyed = False  # the previous part was a mapping (or list): this part is a key or index
    for part in loc[:-1]:
        if keyed or isinstance(part, int):
            keyed = False
            continue
        field = getattr(current, "model_fields", {}).get(part)
        if field is None:
            return None
        origin = getattr(field.annotation, "__origin__", None)
        keyed = origin in (dict, tuple, list)
        current = _model_in(field.annotation)
    return sorted(current.model_fields) if current is not None else None


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def describe_validation(exc: ValidationError) -> list[str]:
    problems = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        path = ".".join(str(p) for p in loc) or "(top level)"
        if err["type"] == "extra_forbidden":
            allowed = _allowed_fields(Params, loc)
            hint = f"; allowed here: {', '.join(allowed)}" if allowed else ""
            problems.append(f"{path}: unknown field{hint}")
            continue
        message = err["msg"].removeprefix("Value error, ")
        if err["type"] == "enum" or "Input should be" in message:
            problems.append(f"{path}: {message} (got {err.get('input')!r})")
        else:
            problems.append(f"{path}: {message}")
    return problems


def _deep_merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = _deep_merge(out[key], value)
        else:
            out[key] = value
    return out


def _read_mapping(text: str, source: str) -> dict[str, Any]:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark is not None else ""
        raise ParamsError(f"{source}{where}", ["not valid YAML; fix the syntax"]) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ParamsError(source, ["(top level): expected a mapping of parameter sections"])
    return data


def _resolve(data: dict[str, Any], source: str, depth: int) -> dict[str, Any]:
    if depth > 8:
        raise ParamsError(source, ["extends: chain of more than 8 files (a loop?)"])
    parent = data.pop("extends", None)
    if parent is None:
        return data
    if not isinstance(parent, str):
        raise ParamsError(source, ["extends: give a bundled scenario name or a file path"])
    if parent in bundled_scenarios():
        text = resources.files(SCENARIO_PACKAGE).joinpath(f"{parent}.yaml").read_text("utf-8")
        parent_source = f"scenario {parent}"
    else:
        path = Path(source).parent / parent if source.endswith((".yaml", ".yml")) else Path(parent)
        if not path.is_file():
            allowed = ", ".join(bundled_scenarios())
            raise ParamsError(
                source,
                [f"extends: {parent!r} is neither a bundled scenario ({allowed}) nor a file"],
            )
        text = path.read_text("utf-8")
        parent_source = str(path)
    base = _resolve(_read_mapping(text, parent_source), parent_source, depth + 1)
    return _deep_merge(base, data)


def parse_params(text: str, source: str = "<parameters>") -> Params:
    data = _resolve(_read_mapping(text, source), source, 0)
    try:
        return Params.model_validate(data)
    except ValidationError as exc:
        raise ParamsError(source, describe_validation(exc)) from None


def load_params(path: str | Path) -> Params:
    """A parameter or scenario file, or the name of a bundled scenario."""
    name = str(path)
    if name in bundled_scenarios():
        text = resources.files(SCENARIO_PACKAGE).joinpath(f"{name}.yaml").read_text("utf-8")
        return parse_params(text, f"scenario {name}")
    p = Path(path)
    try:
        with p.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        allowed = ", ".join(bundled_scenarios())
        raise ParamsError(
            name,
            [
                f"cannot read the file ({exc.strerror or exc}); give a YAML file or a "
                f"bundled scenario ({allowed})"
            ],
        ) from None
    if len(raw) > MAX_FILE_BYTES:
        raise ParamsError(name, ["file larger than 1 MiB; a parameter file is a few KB"])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ParamsError(name, ["not UTF-8 text; save the file as UTF-8"]) from None
    return parse_params(text, name)


def params_to_yaml(params: Params) -> str:
    return yaml.safe_dump(
        params.model_dump(mode="json"), sort_keys=False, allow_unicode=True, width=100
    )
