"""The registries of core: the periodic jobs' clock, the figure sources."""


def test_job_clock_runs_a_job_at_once_then_at_its_interval():
    from aftersales.core.registry import JobClock, PeriodicJob, Registry

    jobs: Registry[PeriodicJob] = Registry("jobs")
    jobs.register(PeriodicJob("minute", lambda: None, interval=60, task="t.minute"))
    jobs.register(PeriodicJob("hour", lambda: None, interval=3600, task="t.hour"))
    clock = JobClock(jobs)

    assert [j.key for j in clock.due(1000.0)] == ["hour", "minute"]
    assert clock.due(1059.0) == []
    assert [j.key for j in clock.due(1060.0)] == ["minute"]
    assert [j.key for j in clock.due(4600.0)] == ["hour", "minute"]


def test_figure_stand_in_never_replaces_a_real_source_whichever_registers_first():
    from aftersales.core.registry import FigureSource, Registry, register_figure_default

    real = FigureSource("labour_revenue", "Labour revenue", "amount", lambda **kw: [])
    stand_in = FigureSource("labour_revenue", "Labour revenue", "amount", lambda **kw: [], missing="not yet")

    first_real: Registry[FigureSource] = Registry("figures")
    first_real.register(real)
    assert register_figure_default(stand_in, into=first_real) is real
    assert first_real.get("labour_revenue") is real

    first_stand_in: Registry[FigureSource] = Registry("figures")
    register_figure_default(stand_in, into=first_stand_in)
    first_stand_in.register(real)
    assert first_stand_in.get("labour_revenue") is real
