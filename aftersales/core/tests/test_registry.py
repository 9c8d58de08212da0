"""The registries of core: the periodic jobs' clock."""


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
