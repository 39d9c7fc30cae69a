"""A stand-in for the dask_gateway client API (the package is not installable on the test
machine): Gateway(address).new_cluster() / .connect(name) give clusters whose get_client()
connects to the local scheduler in RISTRETTO_STANDIN_SCHEDULER. Like a real gateway, a new
cluster has no workers until scale() or adapt() is called: get_client() then refuses (a real
gateway would accept jobs that never run). Every call is appended, as a JSON line, to the file
in RISTRETTO_STANDIN_LOG, so tests can check what the bridge asked for.
"""
import json
import os
from urllib.parse import urlparse


def _log(call, **fields):
    path = os.environ.get("RISTRETTO_STANDIN_LOG")
    if path:
        with open(path, "a") as log:
            log.write(json.dumps({"call": call, **fields}) + "\n")


class GatewayCluster:
    def __init__(self, name, scaled):
        self.name = name
        self._scaled = scaled

    def adapt(self, minimum=0, maximum=None, active=True):
        _log("adapt", cluster=self.name, minimum=minimum, maximum=maximum)
        self._scaled = maximum is None or maximum > 0

    def scale(self, n):
        _log("scale", cluster=self.name, n=n)
        self._scaled = n > 0

    def get_client(self, set_as_default=True):
        _log("get_client", cluster=self.name)
        if not self._scaled:
            raise RuntimeError(f"cluster {self.name} has no workers: call scale() or adapt()")
        from distributed import Client

        return Client(os.environ["RISTRETTO_STANDIN_SCHEDULER"], timeout=20)

    def shutdown(self):
        _log("shutdown", cluster=self.name)


class Gateway:
    def __init__(self, address=None, **kwargs):
        if urlparse(address or "").scheme not in ("http", "https"):
            raise ValueError(f"Gateway address must be http(s)://..., got {address!r}")
        self.address = address
        _log("Gateway", address=address)

    def new_cluster(self, **kwargs):
        _log("new_cluster")
        return GatewayCluster("standin.new", scaled=False)

    def connect(self, cluster_name):
        _log("connect", cluster=cluster_name)
        return GatewayCluster(cluster_name, scaled=True)
