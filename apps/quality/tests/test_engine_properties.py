"""Hypothesis properties of the engine over every shipped rubric: the score stays within 0..max, a better computed
metric never lowers the score, and a knock-out never raises a level."""

from hypothesis import given, settings
from hypothesis import strategies as st

from apps.quality.rules.engine import score_meeting, spec_from_dict
from apps.quality.rules.engine.scoring import level_for
from apps.quality.rules.engine.spec import COMPUTED, JUDGED_CHECKLIST, JUDGED_NUMBER
from apps.quality.rules.rubrics import shipped as rubrics_data

SPECS = [spec_from_dict(data) for data in rubrics_data.SHIPPED]
# Lower is better for these metrics; higher for every other.
LOWER_IS_BETTER = {"unexcused_absences", "max_excused_streak", "duration_short_minutes"}
BOOLEAN = {"documents_ready", "board_met_first", "minutes_adopted", "resolution_filed", "thematic_this_quarter"}
PERCENT = {"attendance_rate", "speaking_share", "results_share", "duration_percent_of_norm"}


def metric_value(name):
    if name in BOOLEAN:
        return st.booleans()
    if name in PERCENT:
        return st.floats(min_value=0, max_value=150, allow_nan=False)
    return st.integers(min_value=0, max_value=200)


ALL_METRICS = sorted(BOOLEAN | PERCENT | LOWER_IS_BETTER)
metrics_strategy = st.fixed_dictionaries({name: st.one_of(st.none(), metric_value(name)) for name in ALL_METRICS})


@st.composite
def judged_strategy(draw, spec):
    judged = {}
    for item in spec.items():
        if item.kind == JUDGED_NUMBER and draw(st.booleans()):
            judged[item.code] = draw(st.integers(min_value=0, max_value=int(item.max_points)))
        elif item.kind == JUDGED_CHECKLIST and draw(st.booleans()):
            judged[item.code] = draw(
                st.lists(st.booleans(), min_size=len(item.checklist), max_size=len(item.checklist))
            )
    return judged


@settings(max_examples=300)
@given(data=st.data(), spec_index=st.integers(0, len(SPECS) - 1), metrics=metrics_strategy)
def test_score_within_0_and_max(data, spec_index, metrics):
    spec = SPECS[spec_index]
    result = score_meeting(spec, metrics, data.draw(judged_strategy(spec)))
    assert 0 <= result.total <= spec.max_points
    for category in spec.categories:
        assert 0 <= result.categories[category.code] <= category.max_points
    for item in result.items:
        assert 0 <= item.points <= item.max_points


def _better(name, value, draw):
    if name in BOOLEAN:
        return True
    if name in LOWER_IS_BETTER:
        return draw(st.integers(min_value=0, max_value=int(value)))
    return draw(st.floats(min_value=value, max_value=150, allow_nan=False))


@settings(max_examples=400)
@given(
    data=st.data(),
    spec_index=st.integers(0, len(SPECS) - 1),
    metrics=st.fixed_dictionaries({name: metric_value(name) for name in ALL_METRICS}),
    name=st.sampled_from(ALL_METRICS),
)
def test_monotone_in_each_computed_metric(data, spec_index, metrics, name):
    spec = SPECS[spec_index]
    judged = data.draw(judged_strategy(spec))
    before = score_meeting(spec, metrics, judged)
    better = {**metrics, name: _better(name, metrics[name], data.draw)}
    after = score_meeting(spec, better, judged)
    assert after.total >= before.total
    for b, a in zip(before.items, after.items, strict=True):
        assert a.points >= b.points
    order = spec.level_codes
    assert order.index(after.level) <= order.index(before.level)


@settings(max_examples=300)
@given(data=st.data(), spec_index=st.integers(0, len(SPECS) - 1), metrics=metrics_strategy)
def test_a_knock_out_never_raises_a_level(data, spec_index, metrics):
    spec = SPECS[spec_index]
    result = score_meeting(spec, metrics, data.draw(judged_strategy(spec)))
    order = spec.level_codes
    assert result.level_by_points == level_for(spec, result.total)
    assert order.index(result.level) >= order.index(result.level_by_points)
    if not result.knocked_out:
        assert result.level == result.level_by_points


def test_every_computed_item_names_a_metric_the_properties_cover():
    for spec in SPECS:
        for item in spec.items():
            if item.kind == COMPUTED:
                assert item.metric in ALL_METRICS, item.metric
