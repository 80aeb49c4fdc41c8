"""A slow job for the fault tests: the test's worker imports this module (``celery worker -I``)."""

import time

from sunshine.jobs import register_job


@register_job("test_sleep")
def _sleep(job, progress):
    """Sleeps ``params["seconds"]``, reporting progress each second."""
    seconds = job.params["seconds"]
    for second in range(seconds):
        progress(second, seconds)
        time.sleep(1)
