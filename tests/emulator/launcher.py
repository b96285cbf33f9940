#!/usr/bin/env python3
"""Offline AWS emulator for ecs-debug's tests: moto + our middleware + a seeded scenario.

    .venv/bin/python tests/emulator/launcher.py --scenario demo|scale|empty
        [--port 0] [--port-file PATH] [--exit-on-stdin-eof] [--verbose]

Prints exactly one JSON line on stdout once the scenario is seeded:
    {"endpoint":"http://127.0.0.1:PORT","port":PORT,"account":"123456789012","region":"us-east-1","scenario":"demo"}
Everything else goes to stderr.  Listens on 127.0.0.1 only.
"""

from __future__ import annotations

import os
import sys

# --- environment: must be settled before moto (or boto3) is imported -------
# moto reads this when it creates the IAM backend; AWS managed policies such
# as AmazonSSMManagedInstanceCore exist only if it is set by then.
os.environ["MOTO_IAM_LOAD_MANAGED_POLICIES"] = "true"
# The seeder's boto3 clients and moto itself must never look anywhere but
# here: fake credentials, no instance metadata, no proxy for loopback.
os.environ["AWS_EC2_METADATA_DISABLED"] = "true"
os.environ["AWS_ACCESS_KEY_ID"] = "test"
os.environ["AWS_SECRET_ACCESS_KEY"] = "test"
os.environ.pop("AWS_SESSION_TOKEN", None)
os.environ.pop("AWS_PROFILE", None)
os.environ["AWS_REGION"] = "us-east-1"
os.environ["AWS_DEFAULT_REGION"] = "us-east-1"
os.environ["AWS_CONFIG_FILE"] = os.devnull
os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
for _var in ("NO_PROXY", "no_proxy"):
    os.environ[_var] = ",".join(filter(None, [os.environ.get(_var, ""), "127.0.0.1", "localhost"]))
# The MOTO_ECS_SERVICE_RUNNING knob is replaced by moto_patches.settle_service.
os.environ.pop("MOTO_ECS_SERVICE_RUNNING", None)
sys.dont_write_bytecode = True  # keep __pycache__ out of tests/emulator

import argparse  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import signal  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
import _thread  # noqa: E402

HOST = "127.0.0.1"
ACCOUNT = "123456789012"
REGION = "us-east-1"


def log(msg: str) -> None:
    print(f"[emulator] {msg}", file=sys.stderr, flush=True)


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="Offline AWS emulator (moto) for ecs-debug tests")
    p.add_argument("--scenario", required=True, help="scenario name: a file tests/emulator/scenarios/<name>.json")
    p.add_argument("--port", type=int, default=0, help="TCP port on 127.0.0.1; 0 picks a free one (default)")
    p.add_argument("--port-file", help="write the chosen port (digits only) to this file once ready")
    p.add_argument("--exit-on-stdin-eof", action="store_true", help="stop when stdin is closed")
    p.add_argument("--verbose", action="store_true", help="per-request access log on stderr")
    return p.parse_args(argv)


def main(argv: list[str]) -> int:
    args = parse_args(argv)

    # Keep stdout for the single ready line; everything else, including any
    # print() inside moto and C-level writes, goes to stderr.
    ready_out = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)
    sys.stdout = sys.stderr

    logging.basicConfig(stream=sys.stderr, level=logging.WARNING, format="%(name)s: %(message)s")

    stop = threading.Event()
    state = {"ready": False}

    def request_stop(reason: str) -> None:
        if not stop.is_set():
            log(f"stopping ({reason})")
        stop.set()

    def on_signal(signum: int, _frame: object) -> None:
        request_stop(signal.Signals(signum).name)
        if not state["ready"]:
            raise KeyboardInterrupt  # abort seeding

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    if args.exit_on_stdin_eof:
        def watch_stdin() -> None:
            try:
                while os.read(0, 65536):
                    pass
            except OSError:
                pass
            request_stop("stdin closed")
            if not state["ready"]:
                _thread.interrupt_main()  # abort seeding

        threading.Thread(target=watch_stdin, name="stdin-watch", daemon=True).start()

    t0 = time.monotonic()
    import seeder  # noqa: E402  (imports boto3)

    try:
        scenario = seeder.load_scenario(args.scenario)
    except seeder.ScenarioError as exc:
        log(str(exc))
        return 2

    from werkzeug.serving import make_server  # noqa: E402
    from moto.moto_server.werkzeug_app import (  # noqa: E402
        DomainDispatcherApplication,
        MotoRequestHandler,
        create_backend_app,
    )

    import moto_patches  # noqa: E402
    from middleware import EmulatorMiddleware, EmulatorState  # noqa: E402

    moto_patches.apply()

    class Handler(MotoRequestHandler):
        def log_request(self, code: object = "-", size: object = "-") -> None:
            # moto/werkzeug log every request; keep that off unless --verbose
            # (werkzeug's logger writes to stderr).
            if args.verbose:
                super().log_request(code, size)

    emulator_state = EmulatorState()
    app = EmulatorMiddleware(DomainDispatcherApplication(create_backend_app), emulator_state)
    server = make_server(HOST, args.port, app, threaded=True, request_handler=Handler)
    port = server.socket.getsockname()[1]
    endpoint = f"http://{HOST}:{port}"
    server_thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.1}, name="moto-server", daemon=True
    )
    server_thread.start()
    log(f"moto {_moto_version()} listening on {endpoint} (start-up {time.monotonic() - t0:.2f}s)")

    code = 0
    try:
        t_seed = time.monotonic()
        warm_up(endpoint)
        t_warm = time.monotonic() - t_seed
        summary = seeder.Seeder(endpoint, ACCOUNT, REGION, log).apply(scenario)
        log(
            f"scenario {args.scenario!r} seeded in {summary['seconds']:.2f}s "
            f"(warm-up {t_warm:.2f}s, total since launch {time.monotonic() - t0:.2f}s): "
            + json.dumps(summary["created"], sort_keys=True)
        )
        # Seeding traffic is not part of any test.
        with emulator_state.lock:
            emulator_state.requests.clear()

        if args.port_file:
            tmp = f"{args.port_file}.tmp{os.getpid()}"
            with open(tmp, "w") as fh:
                fh.write(str(port))
            os.replace(tmp, args.port_file)

        ready = {
            "endpoint": endpoint,
            "port": port,
            "account": ACCOUNT,
            "region": REGION,
            "scenario": args.scenario,
        }
        state["ready"] = True
        ready_out.write(json.dumps(ready, separators=(",", ":")) + "\n")
        ready_out.flush()

        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        code = 130 if not state["ready"] else 0
    except Exception as exc:  # noqa: BLE001
        log(f"failed: {type(exc).__name__}: {exc}")
        code = 1
    finally:
        server.shutdown()
        server.server_close()
        log("stopped")
    return code


def warm_up(endpoint: str) -> None:
    """Create moto's per-service apps and backends now, not on a test's first
    call (the first request to a service costs up to a second)."""
    import boto3
    from botocore.config import Config

    cfg = Config(retries={"max_attempts": 1}, connect_timeout=5, read_timeout=60)
    calls = [
        ("sts", lambda c: c.get_caller_identity()),
        ("ecs", lambda c: c.list_clusters()),
        ("iam", lambda c: c.list_roles(MaxItems=1)),
        ("elbv2", lambda c: c.describe_load_balancers()),
        ("application-autoscaling", lambda c: c.describe_scalable_targets(ServiceNamespace="ecs")),
        ("ec2", lambda c: c.describe_vpcs()),
        ("ssm", lambda c: c.describe_parameters()),
        ("s3", lambda c: c.list_buckets()),
    ]
    for service, call in calls:
        client = boto3.client(
            service,
            endpoint_url=endpoint,
            region_name=REGION,
            aws_access_key_id="test",
            aws_secret_access_key="test",
            config=cfg,
        )
        call(client)


def _moto_version() -> str:
    try:
        import moto

        return moto.__version__
    except Exception:  # noqa: BLE001
        return "?"


if __name__ == "__main__":
    try:
        exit_code = main(sys.argv[1:])
    except KeyboardInterrupt:
        # SIGINT/SIGTERM or stdin EOF before the server was up.
        log("interrupted during start-up")
        exit_code = 130
    sys.stderr.flush()
    # Nothing is left to clean up; skip tearing down moto's large object
    # graph, which takes over a second.
    os._exit(exit_code)
