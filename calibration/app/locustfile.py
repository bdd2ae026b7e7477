# calibration/loadtesters.sh's locust users: / three times as often as /items, a short
# wait between requests. At test stop, also writes the stats as locust --json prints them
# (locust 2.12, Debian's, predates --json: the same serializer, RequestStats.serialize_stats).
import json
import os

from locust import HttpUser, between, events, task


class Visitor(HttpUser):
    wait_time = between(0.01, 0.05)

    @task(3)
    def root(self):
        self.client.get('/')

    @task(1)
    def items(self):
        self.client.get('/items')


@events.test_stop.add_listener
def _write_json(environment, **_):
    path = os.environ.get('LOCUST_JSON_OUT')
    if path:
        with open(path, 'w') as f:
            f.write(json.dumps(environment.runner.stats.serialize_stats(), indent=4))
