"""How fast a cached guide page is served, next to a static file, under gunicorn with 2 workers.

Run by hand, never from the test suite:

    .venv/bin/python bench/guide_throughput.py [--port 8619] [--seconds 10] [--redis redis://127.0.0.1:6379/5]

It builds its own site in a scratch folder (production settings, SQLite, collectstatic for
WhiteNoise), seeds one realistic guide, starts ``gunicorn config.wsgi -w 2`` on 127.0.0.1,
warms the page cache, then measures with ``wrk`` (Debian package ``wrk``; a small Python
client stands in when it is missing) — each run bounded by a duration and a request count
and aimed at 127.0.0.1 only — and stops gunicorn. The targets:

- static: the theme's stylesheet, served by WhiteNoise in the same server;
- guide (cached): the guide page as an anonymous first-time visitor gets it, and as a
  returning one with a theme cookie (no database query at all);
- guide (rendered): the same page with a stale session cookie, which bypasses the cache.

Without ``--redis`` each worker has its own local-memory cache (each warms its own copy);
with it both share Redis. Results go to stdout as a table and as JSON (``--json FILE``).
"""

import argparse
import json
import os
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
HOST = "127.0.0.1"  # the load generator never aims anywhere else
sys.path.insert(0, str(ROOT))

from bench import _machine  # noqa: E402  (no Django here: the servers are subprocesses)

WRK_SCRIPT = """
local max_requests = tonumber(os.getenv("BENCH_MAX_REQUESTS_PER_THREAD") or "0")
local seen = 0
response = function(status, headers, body)
  seen = seen + 1
  if max_requests > 0 and seen >= max_requests then wrk.thread:stop() end
end
done = function(summary, latency, requests)
  io.write(string.format("BENCH %d %d %d %d %d %d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
"""


def bench_env(var_dir: Path, redis_url: str | None) -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "REDIS_", "DATABASE_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        YIWANG_VAR_DIR=str(var_dir),
        SECRET_KEY=(var_dir / "secret").read_text(),
        ALLOWED_HOSTS=f"{HOST},localhost",
        SECURE_SSL_REDIRECT="0",
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
    )
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


SEED = r'''
import django
django.setup()
from casefiles.models import Department
from cms.models import MaterialRequirement, ServiceItemPage

market, _ = Department.objects.update_or_create(
    code="SCJGJ", defaults={"name": "珠海市市场监督管理局", "short_name": "市市场监管局", "region_code": "440400",
                            "phone": "0756-2121315", "address": "珠海市香洲区人民东路2号"})
guide = ServiceItemPage.objects.filter(item_code="11440400MB2C93056R4442111001").first()
if guide is None:
    guide = market.page.add_child(instance=ServiceItemPage(
        title="食品经营许可（新办）", slug="food-business-license", item_code="11440400MB2C93056R4442111001",
        department=market, item_type="licensing", service_object="enterprise",
        summary="在珠海市从事食品销售和餐饮服务活动，应当依法取得食品经营许可。",
        conditions="<p>申请人应当具有与经营的食品品种、数量相适应的经营场所，并具有合理的设备布局和工艺流程。</p>",
        legal_basis=[("basis", {"law": "《中华人民共和国食品安全法》", "article": "第三十五条",
                                "text": "国家对食品生产经营实行许可制度。"}),
                     ("basis", {"law": "《食品经营许可和备案管理办法》", "article": "第二条", "text": ""})],
        process=[("step", {"name": name, "actor": actor, "description": text, "days": days})
                 for name, actor, text, days in [
                     ("申请", "申请人", "通过广东政务服务网或窗口提交申请材料。", 0),
                     ("受理", "综合窗口", "材料齐全、符合法定形式的，当场受理。", 1),
                     ("审查", "市市场监管局", "对申请材料进行审查，必要时现场核查。", 5),
                     ("决定", "市市场监管局", "作出准予或者不予许可的决定。", 2),
                     ("送达", "综合窗口", "电子证照同步发放，可邮寄纸质证书。", 1)]],
        statutory_days=20, promised_days=5, place="珠海市政务服务中心一楼综合窗口（香洲区红山路288号）",
        hours="周一至周五 上午8:30-12:00 下午14:30-17:30", consultation_phone="0756-2121315",
        complaint_phone="12345", visits_needed=0, tolerant_acceptance=True, notify_commit=True,
        tongban_scope="province", result_name="食品经营许可证", result_type="license",
        faq=[("qa", {"question": question, "answer": f"<p>{answer}</p>"}) for question, answer in [
            ("网上申请后需要到现场吗？", "材料齐全的，全程网办，无需到现场。"),
            ("许可证有效期多久？", "食品经营许可证有效期为5年。"),
            ("可以容缺受理吗？", "主要申请材料齐全、次要材料欠缺的，可以容缺受理，申请人承诺限期补正。")]],
    ))
    for order, (name, form, required, deferrable) in enumerate([
        ("食品经营许可申请书", "electronic", True, False),
        ("营业执照复印件", "copy", True, False),
        ("法定代表人身份证明", "copy", True, False),
        ("与食品经营相适应的主要设备设施布局、操作流程等文件", "electronic", True, True),
        ("食品安全自查、从业人员健康管理等食品安全管理制度", "electronic", True, True),
        ("委托代理人办理的授权委托书", "original", False, False),
    ]):
        MaterialRequirement.objects.create(page=guide, sort_order=order, name=name, form=form,
                                           required=required, deferrable=deferrable)
    guide.save_revision().publish()
print(ServiceItemPage.objects.get(pk=guide.pk).url)
'''


def prepare(var_dir: Path) -> tuple[str, str]:
    """A fresh site in ``var_dir``: migrated, static files collected, one guide. Returns (guide, static) paths."""
    (var_dir / "secret").write_text(secrets.token_urlsafe(60))
    env = bench_env(var_dir, None)
    manage = [str(PYTHON), str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], env=env, cwd=ROOT, check=True)
    subprocess.run([*manage, "collectstatic", "--noinput", "-v", "0"], env=env, cwd=ROOT, check=True)
    guide = subprocess.run([str(PYTHON), "-c", SEED], env=env, cwd=ROOT, check=True, capture_output=True, text=True)
    guide_path = guide.stdout.strip().splitlines()[-1]
    static = subprocess.run(
        [str(PYTHON), "-c", "import django; django.setup(); from django.templatetags.static import static;"
                            " print(static('themes/default/site.css'))"],
        env=env, cwd=ROOT, check=True, capture_output=True, text=True,
    )
    return guide_path, static.stdout.strip().splitlines()[-1]


def port_is_free(port: int) -> bool:
    import socket

    with socket.socket() as probe:
        return probe.connect_ex((HOST, port)) != 0


def start_gunicorn(var_dir: Path, port: int, redis_url: str | None) -> subprocess.Popen:
    if not port_is_free(port):
        raise SystemExit(f"something already listens on {HOST}:{port}: choose another --port")
    log = open(var_dir / f"gunicorn-{port}.log", "ab")  # noqa: SIM115 - closed with the process
    server = subprocess.Popen(
        [str(GUNICORN), "config.wsgi", "-w", "2", "-b", f"{HOST}:{port}", "--log-level", "warning"],
        env=bench_env(var_dir, redis_url), cwd=ROOT, stdout=log, stderr=log, start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode}: see {log.name}")
        try:
            urllib.request.urlopen(f"http://{HOST}:{port}/healthz", timeout=2)
            return server
        except urllib.error.HTTPError:
            return server  # it answers; /healthz may report a missing optional service
        except OSError:
            time.sleep(0.2)
    stop(server)
    raise SystemExit("gunicorn did not answer within 30 s")


def stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def warm(port: int, path: str, rounds: int = 40) -> str:
    """Ask for the page until both workers have it; returns the last X-Page-Cache answer."""
    status = ""
    for _ in range(rounds):
        with urllib.request.urlopen(f"http://{HOST}:{port}{path}", timeout=10) as response:
            response.read()
            status = response.headers.get("X-Page-Cache", "")
    return status


def run_wrk(port: int, path: str, seconds: int, connections: int, max_requests: int, headers: dict) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT)
    command = ["wrk", "-t", "1", "-c", str(connections), "-d", f"{seconds}s", "--timeout", "10s", "-s", script.name]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    command.append(f"http://{HOST}:{port}{path}")
    env = {**os.environ, "BENCH_MAX_REQUESTS_PER_THREAD": str(max_requests)}
    output = subprocess.run(command, capture_output=True, text=True, env=env, timeout=seconds + 60).stdout
    os.unlink(script.name)
    line = next(line for line in output.splitlines() if line.startswith("BENCH "))
    requests, duration_us, p50_us, p95_us, bad_status, socket_errors = map(int, line.split()[1:])
    return {
        "requests": requests,
        "rps": requests / (duration_us / 1e6),
        "median_ms": p50_us / 1000,
        "p95_ms": p95_us / 1000,
        "errors": bad_status + socket_errors,
    }


def run_python_client(port: int, path: str, seconds: int, connections: int, max_requests: int, headers: dict) -> dict:
    """The stand-in when wrk is missing: slower, so its figures understate the server."""
    import http.client

    latencies, errors, lock = [], [0], threading.Lock()
    deadline = time.monotonic() + seconds

    def worker():
        while time.monotonic() < deadline:
            with lock:
                if len(latencies) >= max_requests:
                    return
            start = time.perf_counter()
            try:
                conn = http.client.HTTPConnection(HOST, port, timeout=10)
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                conn.close()
                ok = response.status == 200
            except OSError:
                ok = False
            elapsed = time.perf_counter() - start
            with lock:
                latencies.append(elapsed)
                errors[0] += not ok

    began = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    took = time.monotonic() - began
    latencies.sort()
    return {
        "requests": len(latencies),
        "rps": len(latencies) / took,
        "median_ms": statistics.median(latencies) * 1000,
        "p95_ms": latencies[int(len(latencies) * 0.95) - 1] * 1000,
        "errors": errors[0],
    }


def measure(var_dir, port, guide, static, args, redis_url):
    load = run_wrk if shutil.which("wrk") else run_python_client
    if redis_url:
        # Pages cached by an earlier run in the same Redis database are not this site's.
        subprocess.run([str(PYTHON), "-c", "import django; django.setup(); from cms import caching; caching.invalidate()"],
                       env=bench_env(var_dir, redis_url), cwd=ROOT, check=True)
    server = start_gunicorn(var_dir, port, redis_url)
    try:
        cache_state = warm(port, guide)
        targets = [
            ("static (WhiteNoise)", static, {}),
            ("guide, cached", guide, {}),
            # A returning visitor who chose a theme: the site's theme setting is not looked up.
            ("guide, cached, cookie", guide, {"Cookie": "yiwang_theme=default"}),
            # A session cookie that names no session: anonymous, but never served from the cache.
            ("guide, rendered", guide, {"Cookie": "sessionid=no-such-session"}),
        ]
        results = {}
        for name, path, headers in targets:
            results[name] = load(port, path, args.seconds, args.connections, args.max_requests, headers)
        return {"cache": "redis" if redis_url else "locmem (per worker)", "warm_answer": cache_state,
                "load_generator": load.__name__.removeprefix("run_"), "results": results}
    finally:
        stop(server)


def report(run: dict) -> None:
    print(f"\ncache: {run['cache']}; after warming the page answered X-Page-Cache: {run['warm_answer']}; "
          f"load: {run['load_generator']}")
    print(f"{'target':<24}{'requests':>10}{'req/s':>10}{'median ms':>11}{'p95 ms':>9}{'errors':>8}")
    for name, result in run["results"].items():
        print(f"{name:<24}{result['requests']:>10}{result['rps']:>10.0f}{result['median_ms']:>11.2f}"
              f"{result['p95_ms']:>9.2f}{result['errors']:>8}")
    results = run["results"]
    static, cached, rendered = (results[name]["rps"] for name in ("static (WhiteNoise)", "guide, cached", "guide, rendered"))
    print(f"cached guide / static: {cached / static:.2f} of the static rate; "
          f"cached / rendered guide: {cached / rendered:.1f}x")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8619)
    parser.add_argument("--seconds", type=int, default=10, help="duration of each measurement")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--max-requests", type=int, default=200_000, help="cap per measurement")
    parser.add_argument("--redis", metavar="URL", help="also measure with this shared Redis cache (a database of its own)")
    parser.add_argument("--var-dir", type=Path, help="scratch folder (default: a new temporary one, removed after)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()

    _machine.report("start")
    var_dir = args.var_dir or Path(tempfile.mkdtemp(prefix="yiwang-bench-guide-"))
    var_dir.mkdir(parents=True, exist_ok=True)
    try:
        guide, static = prepare(var_dir)
        print(f"guide {guide}  static {static}  on http://{HOST}:{args.port}, gunicorn -w 2, "
              f"{args.seconds}s per target, {args.connections} connections, cpus={os.cpu_count()}, "
              f"load average before: {os.getloadavg()[0]:.1f} (the figures follow it: run on an idle machine)")
        runs = [measure(var_dir, args.port, guide, static, args, None)]
        if args.redis:
            runs.append(measure(var_dir, args.port, guide, static, args, args.redis))
        for run in runs:
            report(run)
        if args.json:
            args.json.write_text(json.dumps(runs, indent=2, ensure_ascii=False))
        _machine.report("end")
    finally:
        if args.var_dir is None:
            shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
