#!/usr/bin/env python3
"""Bridge between Ristretto (Deno) and a Dask cluster: Deno cannot speak Dask's protocol
(pickled Python), so this process holds the dask.distributed Client and answers JSON lines.

    python3 dask_bridge.py --scheduler tcp://127.0.0.1:8786
    python3 dask_bridge.py --gateway https://gateway.example [--gateway-cluster NAME | --gateway-adapt MIN:MAX]

Requests on stdin, one JSON object per line, each with an "id"; one reply line per request on
stdout: {"id": ..., "ok": true, "result": ...} or {"id": ..., "ok": false, "error": "..."}.
    {"op": "submit", "jobs": [{"key", "name", "command", "env", "cwd", "stdout", "stderr",
                               "setup"}]}           -> {"keys": [...]}
    {"op": "poll", "keys": [...]}  -> {"states": [{"state": "pending|running|done|failed", ...}]}
    {"op": "cancel", "keys": [...]} -> {}
    {"op": "close"}                 -> {} and exit (EOF on stdin does the same)
The first line written is {"ready": true, ...} once the client is connected.
"""
import argparse
import json
import os
import shlex
import signal
import subprocess
import sys
import traceback

CANCEL_PREFIX = "ristretto-cancel-"


def run_job(spec):
    """Runs on a worker: the job's command as a subprocess in its own session, so a cancel
    (a Dask Event named after the job) can kill the whole process group."""
    from distributed import Event

    env = dict(os.environ)
    env.update(spec.get("env") or {})
    argv = list(spec["command"])
    if spec.get("setup"):
        # as the Slurm/HTCondor job scripts do: a failing setup line fails the job
        message = shlex.quote(f'Cannot run job "{spec.get("name", "")}": the setup line exited ')
        script = ("{\n" + spec["setup"] + "\n} || { rc=$?; echo " + message + '"$rc" >&2; exit $rc; }\n'
                  'exec "$@"')
        argv = ["/bin/bash", "-c", script, "ristretto-job"] + argv
    for path in (spec["stdout"], spec["stderr"]):
        os.makedirs(os.path.dirname(path), exist_ok=True)
    cancel = Event(CANCEL_PREFIX + spec["key"])
    with open(spec["stdout"], "wb") as out, open(spec["stderr"], "wb") as err:
        try:
            proc = subprocess.Popen(argv, cwd=spec["cwd"], env=env, stdin=subprocess.DEVNULL,
                                    stdout=out, stderr=err, start_new_session=True)
        except OSError as error:
            return {"exit_code": 127, "stderr_tail": f"Cannot start {argv[0]!r}: {error}",
                    "cancelled": False}
        cancelled = False
        while True:
            try:
                code = proc.wait(timeout=1.0)
                break
            except subprocess.TimeoutExpired:
                try:
                    cancelled = cancel.is_set()
                except Exception:  # scheduler gone: keep running, the job is still ours
                    cancelled = False
                if cancelled:
                    kill_group(proc)
                    code = proc.wait()
                    break
    return {"exit_code": code, "stderr_tail": tail(spec["stderr"]), "cancelled": cancelled}


def kill_group(proc):
    for sig, grace in ((signal.SIGTERM, 2.0), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=grace)
            return
        except subprocess.TimeoutExpired:
            pass


def tail(path, size=2000):
    try:
        with open(path, "rb") as f:
            f.seek(0, os.SEEK_END)
            f.seek(max(0, f.tell() - size))
            return f.read().decode("utf-8", "replace").strip()
    except OSError:
        return ""


class Bridge:
    def __init__(self, client):
        self.client = client
        self.futures = {}

    def submit(self, jobs):
        keys = []
        for job in jobs:
            future = self.client.submit(run_job, job, key=job["key"], pure=False, retries=0)
            self.futures[job["key"]] = future
            keys.append(job["key"])
        return {"keys": keys}

    def poll(self, keys):
        processing = set()
        if any(k in self.futures and self.futures[k].status == "pending" for k in keys):
            for worker_keys in self.client.processing().values():
                processing.update(worker_keys)
        return {"states": [self.state(key, processing) for key in keys]}

    def state(self, key, processing):
        future = self.futures.get(key)
        if future is None:
            return {"state": "failed", "reason": "unknown to this bridge (submitted elsewhere?)"}
        if future.status == "pending":
            return {"state": "running" if key in processing else "pending"}
        if future.status == "finished":
            result = future.result()
            if result["cancelled"]:
                return {"state": "failed", "reason": "cancelled"}
            if result["exit_code"] == 0:
                return {"state": "done", "exitCode": 0}
            reason = f"exit code {result['exit_code']}"
            if result["stderr_tail"]:
                reason += f"; stderr ends with: {result['stderr_tail'][-1000:]}"
            return {"state": "failed", "reason": reason, "exitCode": result["exit_code"]}
        if future.status == "cancelled":
            return {"state": "failed", "reason": "cancelled"}
        try:
            error = repr(future.exception(timeout=5))
        except Exception as e:  # noqa: BLE001 - any reason is better than none
            error = repr(e)
        return {"state": "failed", "reason": f"dask task {future.status}: {error}"}

    def cancel(self, keys):
        from distributed import Event

        for key in keys:
            future = self.futures.get(key)
            if future is None or future.done():
                continue
            # a running task is not interrupted by Future.cancel: the Event makes it kill its
            # subprocess; cancel then drops it from the scheduler if it has not started
            Event(CANCEL_PREFIX + key, client=self.client).set()
            future.cancel()
        return {}


def connect(args):
    if args.gateway:
        from dask_gateway import Gateway

        gateway = Gateway(args.gateway)
        if args.gateway_cluster:
            # an existing cluster keeps the scaling its owner gave it
            cluster = gateway.connect(args.gateway_cluster)
        else:
            # a new gateway cluster starts without workers: without adapt() no job would run
            cluster = gateway.new_cluster()
            minimum, maximum = (int(n) for n in args.gateway_adapt.split(":"))
            cluster.adapt(minimum=minimum, maximum=maximum)
        return cluster.get_client()
    from distributed import Client

    return Client(args.scheduler, timeout=args.timeout)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--scheduler")
    parser.add_argument("--gateway")
    parser.add_argument("--gateway-cluster")
    parser.add_argument("--gateway-adapt", default="1:4", help="MIN:MAX workers of a new cluster")
    parser.add_argument("--timeout", type=float, default=20)
    args = parser.parse_args()
    out = sys.stdout
    # anything else printing to stdout (library warnings) must not break the protocol
    sys.stdout = sys.stderr

    def reply(obj):
        out.write(json.dumps(obj) + "\n")
        out.flush()

    try:
        client = connect(args)
    except Exception as error:  # noqa: BLE001
        reply({"ready": False, "error": f"{type(error).__name__}: {error}"})
        return 1
    import distributed

    reply({"ready": True, "distributed": distributed.__version__,
           "gateway": bool(args.gateway)})
    bridge = Bridge(client)
    try:
        for line in sys.stdin:
            if not line.strip():
                continue
            request = json.loads(line)
            op = request.get("op")
            try:
                if op == "submit":
                    result = bridge.submit(request["jobs"])
                elif op == "poll":
                    result = bridge.poll(request["keys"])
                elif op == "cancel":
                    result = bridge.cancel(request["keys"])
                elif op == "close":
                    reply({"id": request.get("id"), "ok": True, "result": {}})
                    break
                else:
                    raise ValueError(f"unknown op {op!r}")
                reply({"id": request.get("id"), "ok": True, "result": result})
            except Exception as error:  # noqa: BLE001
                traceback.print_exc()
                reply({"id": request.get("id"), "ok": False,
                       "error": f"{type(error).__name__}: {error}"})
    finally:
        client.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
