#!/usr/bin/env python3
"""tokensmith benchmarks: throughput, CPU per grant, memory, start-up.

Starts the bundled LocalIssuer in fast mode on loopback, measures the ceiling
of its token endpoint with wrk, then runs the release tokensmith binary over
generated manifests and prints a Markdown table. Each tokensmith process is
measured on its own with wait4(): wall time, user+sys CPU, peak RSS.

Usage: Benchmarks/run [--quick]     (the script builds, installs wrk and valgrind, calls this)

nginx rows (Benchmarks/nginx_endpoint.py): a fixed token body served from
memory, its wrk ceiling (HTTP/1.1) and h2load ceiling (HTTP/2, one connection
with 64 streams), and the 10,000-client run against it over plain
HTTP/1.1, HTTPS HTTP/1.1 and HTTPS HTTP/2; without --quick, also 100,000
clients over plain HTTP/1.1 and their `validate`.

callgrind row: instructions per grant (valgrind), the difference of two runs
over the difference of their client counts, repeatable where times are not.
"""
import argparse
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


def measure(argv, cwd, env=None):
    """Runs argv to completion; returns (exit status, wall s, cpu s, peak RSS MiB, stderr).

    Linux carries a forked child's peak RSS over from its parent through
    exec, so a child's figure cannot read below this driver's own peak
    (printed with the table): the driver writes manifests line by line and
    never holds the 100,000-client list, to keep that floor low."""
    start = time.monotonic()
    proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    stderr = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return (proc.returncode, wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024.0,
            stderr.decode(errors="replace"))


def check(result, what):
    status, _, _, _, stderr = result
    if status != 0:
        sys.exit(f"bench: {what} exited {status}:\n{stderr[-2000:]}")
    return result


def write_manifest(path, issuer_url, clients, per_client_env, aggregate_json, dpop=False, issuer_lines=None):
    """A manifest over `clients` (name, client id, auth); the issuer is
    discovered at `issuer_url` unless `issuer_lines` describe it."""
    issuer = issuer_lines or [f"    issuer: {issuer_url}", "    allow_insecure_http: true"]
    head = ["version: 1", "defaults:", "  concurrency: 64", "  renew_before: 5m", "issuers:", "  local:", *issuer, "clients:"]
    count = 0
    with open(path, "w") as f:
        f.write("\n".join(head) + "\n")
        for name, client_id, auth in clients:
            entry = f"  - {{name: {name}, issuer: local, client_id: {client_id}, auth: {auth}"
            if dpop:
                entry += ", dpop: true"
            if per_client_env:
                entry += f", outputs: [{{env: out/{name}.env}}]"
            f.write(entry + "}\n")
            count += 1
        if aggregate_json:
            f.write("outputs:\n  - json: out/tokens.json\n")
    os.chmod(path, 0o600)
    return count


def proc_cpu_seconds(pid):
    """user+sys CPU seconds of a running process, from /proc/PID/stat."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def proc_rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return 0.0


def watch_soak(tokensmith, folder, seconds):
    """Runs `tokensmith watch` over the manifest in folder for `seconds` after
    its first batch; returns (renewals, CPU s, RSS after the first batch, RSS
    at the end, largest RSS seen), then stops it with SIGTERM (exit 0 checked)."""
    log_path = os.path.join(folder, "watch.log")
    with open(log_path, "w") as log:
        proc = subprocess.Popen([tokensmith, "watch", "m.yaml", "--no-state"], cwd=folder,
                                stdout=subprocess.DEVNULL, stderr=log)
    try:
        deadline = time.monotonic() + 120
        while "batch finished" not in open(log_path).read():
            if proc.poll() is not None or time.monotonic() > deadline:
                sys.exit(f"bench: watch did not finish its first batch:\n{open(log_path).read()[-2000:]}")
            time.sleep(0.1)
        cpu_start = proc_cpu_seconds(proc.pid)
        renewals_start = open(log_path).read().count("renewed client=")
        rss_start = proc_rss_mib(proc.pid)
        rss_peak = rss_start
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            time.sleep(0.5)
            rss_peak = max(rss_peak, proc_rss_mib(proc.pid))
        cpu = proc_cpu_seconds(proc.pid) - cpu_start
        rss_end = proc_rss_mib(proc.pid)
    finally:
        proc.terminate()
        status = proc.wait()
    text = open(log_path).read()
    if status != 0 or "renewal failed" in text:
        sys.exit(f"bench: watch exited {status} or a renewal failed:\n{text[-2000:]}")
    return text.count("renewed client=") - renewals_start, cpu, rss_start, rss_end, rss_peak


def callgrind_instructions(tokensmith, folder, url, clients):
    """Instructions tokensmith executes (all threads, counted by valgrind's
    callgrind) for one `run` over `clients` with env per client + JSON; the
    same count on every machine with the same build, unlike times."""
    os.makedirs(folder, exist_ok=True)
    write_manifest(os.path.join(folder, "m.yaml"), url, clients, True, True)
    out = os.path.join(folder, "callgrind.out")
    result = subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", tokensmith, "run", "m.yaml",
                             "--quiet", "--no-state"], cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if result.returncode != 0:
        sys.exit(f"bench: tokensmith under callgrind exited {result.returncode}:\n{result.stderr.decode(errors='replace')[-2000:]}")
    with open(out) as f:
        for line in f:
            if line.startswith(("summary:", "totals:")):
                return int(line.split()[1])
    sys.exit("bench: callgrind wrote no instruction total")


def callgrind_rows(rows, tokensmith, work, url, basic, counts):
    """Instructions per grant: the difference of two runs' totals over the
    difference of their client counts, so start-up and discovery cancel out."""
    strip = shutil.which("strip") or shutil.which("llvm-strip")
    if shutil.which("valgrind") is None or strip is None:
        rows.append(("callgrind row skipped: valgrind or strip is not installed", "", "", "", ""))
        return
    # Valgrind 3.19 (Debian 12) cannot read Swift's DWARF 5 debug info: run a copy without it.
    stripped = os.path.join(work, "tokensmith-stripped")
    subprocess.run([strip, "--strip-debug", "-o", stripped, tokensmith], check=True)
    tokensmith = stripped
    small, large = counts
    totals = [callgrind_instructions(tokensmith, os.path.join(work, f"callgrind-{n}"), url, basic[:n]) for n in counts]
    per_grant = (totals[1] - totals[0]) / (large - small)
    rows.append((f"callgrind: instructions per basic grant ({small:,} vs {large:,} clients, env per client + JSON)",
                 f"{per_grant:,.0f} instructions/grant", "", f"{totals[0] / 1e6:,.0f} M instructions for {small:,} clients", ""))


def h2load_ceiling(url, folder, seconds):
    """Requests/s h2load gets from the HTTP/2 front with the benchmark's token
    POST over one connection with 64 streams (as tokensmith sends over HTTP/2),
    or None without h2load; exits when a request fails."""
    if shutil.which("h2load") is None:
        return None
    body = os.path.join(folder, "h2load-body")
    with open(body, "w") as f:
        f.write("grant_type=client_credentials&scope=read")
    out = subprocess.run(["h2load", "-c", "1", "-m", "64", "-t", "1", "-D", str(seconds), "--warm-up-time=1", "-d", body,
                          "-H", "content-type: application/x-www-form-urlencoded", "-H", "accept: application/json",
                          "-H", "authorization: Basic YmVuY2g6YmVuY2gtc2VjcmV0", url],
                         capture_output=True, text=True, check=True).stdout
    done = re.search(r"requests: \d+ total, \d+ started, \d+ done, (\d+) succeeded, (\d+) failed", out)
    if not done or int(done.group(2)) != 0:
        sys.exit(f"bench: h2load saw failed requests:\n{out[-2000:]}")
    return float(re.search(r"finished in [\d.]+s, ([\d.]+) req/s", out).group(1))


def nginx_rows(rows, scenario, basic, work, lua, wrk_seconds, tokensmith, huge=0):
    """nginx answering from memory: its wrk ceiling, then the basic scenario
    against it over plain HTTP/1.1, HTTPS HTTP/1.1 and HTTPS HTTP/2, and with
    `huge` clients (the 100,000 row) over plain HTTP/1.1 with its `validate`."""
    from nginx_endpoint import NginxEndpoint
    folder = os.path.join(work, "nginx")
    try:
        nginx = NginxEndpoint(folder)
    except (FileNotFoundError, RuntimeError) as problem:
        rows.append((f"nginx rows skipped: {problem}", "", "", "", ""))
        return
    try:
        out = subprocess.run(["wrk", "-t2", "-c64", f"-d{wrk_seconds}s", "-s", lua, nginx.plain_url],
                             capture_output=True, text=True, check=True).stdout
        ceiling = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
        rows.append(("nginx ceiling: fixed token body, wrk -t2 -c64, HTTP/1.1", f"{ceiling:,.0f} requests/s", "", "", ""))
        h2_ceiling = h2load_ceiling(nginx.h2_url, folder, wrk_seconds)
        if h2_ceiling is None:
            rows.append(("nginx HTTP/2 ceiling skipped: h2load is not installed", "", "", "", ""))
        else:
            rows.append(("nginx HTTP/2 ceiling: h2load, 1 connection × 64 streams, HTTPS", f"{h2_ceiling:,.0f} requests/s", "", "", ""))
        n = len(basic)
        fronts = (("plain HTTP/1.1", [f"    token_endpoint: {nginx.plain_url}", "    allow_insecure_http: true"]),
                  ("HTTPS, HTTP/1.1", [f"    token_endpoint: {nginx.h1_tls_url}", f"    ca_file: {nginx.ca_file}"]),
                  ("HTTPS, HTTP/2", [f"    token_endpoint: {nginx.h2_url}", f"    ca_file: {nginx.ca_file}"]))
        for name, lines in fronts:
            top = (h2_ceiling, "nginx HTTP/2 ceiling") if name.endswith("HTTP/2") and h2_ceiling else (ceiling, "nginx ceiling")
            scenario(f"{n:,} clients, client_secret_basic, env per client + JSON, nginx {name}", basic,
                     os.path.join(folder, name.replace(" ", "-").replace(",", "").replace("/", "")),
                     extra=("--no-state",), issuer_lines=lines, of=top)
        if huge:
            # A generator: the driver's own peak RSS is the floor of every later row's figure.
            many = ((f"h-{i}", f"h-{i}", "{method: client_secret_basic, secret: s}") for i in range(1, huge + 1))
            manifest, huge_folder = scenario(f"{huge:,} clients, client_secret_basic, env per client + JSON, nginx plain HTTP/1.1",
                                             many, os.path.join(folder, "huge"), extra=("--no-state",),
                                             issuer_lines=fronts[0][1], of=(ceiling, "nginx ceiling"))
            _, wall, cpu, rss, _ = check(measure([tokensmith, "validate", manifest], huge_folder), "validate (huge)")
            rows.append((f"validate, {huge:,}-client manifest", "", f"{wall * 1000:.0f} ms", f"{cpu * 1000:.0f} ms CPU",
                         f"{rss:.0f} MiB"))
    finally:
        nginx.stop()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="a few hundred clients: CI keeps the script from rotting")
    parser.add_argument("--bin", required=True, help="folder with release tokensmith and tokensmith-local-issuer")
    parser.add_argument("--disk-dir", required=True, help="a folder on the real disk for the durability run")
    args = parser.parse_args()

    big = 300 if args.quick else 10_000
    small = 100 if args.quick else 1_000
    wrk_seconds = 2 if args.quick else 8
    startup_runs = 5 if args.quick else 30
    watch_clients = 100 if args.quick else 1_000
    soak_seconds = 8 if args.quick else 60
    idle_seconds = 3 if args.quick else 20
    tokensmith = os.path.join(args.bin, "tokensmith")
    issuer_bin = os.path.join(args.bin, "tokensmith-local-issuer")

    shm = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None
    work = tempfile.mkdtemp(prefix="tokensmith-bench-", dir=shm)
    keys = os.path.join(work, "keys")
    os.makedirs(keys)
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec, rsa
    for name, key in (("es", ec.generate_private_key(ec.SECP256R1())), ("rs", rsa.generate_private_key(65537, 2048))):
        with open(os.path.join(keys, f"{name}.pem"), "wb") as f:
            f.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
        os.chmod(os.path.join(keys, f"{name}.pem"), 0o600)
        with open(os.path.join(keys, f"{name}.pub.pem"), "wb") as f:
            f.write(key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))

    config = {"port": 0, "fast_mode": True, "expires_in": 3600, "clients": [
        {"id": "bench", "method": "client_secret_basic", "secret": "bench-secret"},
        {"id_prefix": "b-", "count": big, "secret": "s", "method": "client_secret_basic"},
        {"id_prefix": "es-", "count": small, "method": "private_key_jwt", "public_key_file": "keys/es.pub.pem"},
        {"id_prefix": "rs-", "count": small, "method": "private_key_jwt", "public_key_file": "keys/rs.pub.pem"},
        {"id_prefix": "dp-", "count": small, "secret": "s", "method": "client_secret_basic"},
        # watch: 4-second tokens, renewed at 80 % of their life, again and again.
        {"id_prefix": "w-", "count": watch_clients, "secret": "s", "method": "client_secret_basic", "expires_in": 4},
    ]}
    with open(os.path.join(work, "issuer.json"), "w") as f:
        json.dump(config, f)
    issuer = subprocess.Popen([issuer_bin, "--config", os.path.join(work, "issuer.json")], stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, text=True)
    url = issuer.stdout.readline().strip()
    if not url.startswith("http"):
        sys.exit("bench: the local issuer did not start")
    rows = []
    try:
        # Ceiling: the same token request, fired by wrk at the same endpoint.
        lua = os.path.join(os.path.dirname(os.path.abspath(__file__)), "wrk-token.lua")
        out = subprocess.run(["wrk", "-t2", "-c64", f"-d{wrk_seconds}s", "-s", lua, url + "/token"],
                             capture_output=True, text=True, check=True).stdout
        ceiling = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
        rows.append(("ceiling: wrk -t2 -c64, client_secret_basic", f"{ceiling:,.0f} requests/s", "", "", ""))

        def scenario(label, clients, folder, per_client_env=True, aggregate_json=True, dpop=False, extra=(),
                     issuer_lines=None, of=None):
            os.makedirs(folder, exist_ok=True)
            manifest = os.path.join(folder, "m.yaml")
            n = write_manifest(manifest, url, clients, per_client_env, aggregate_json, dpop, issuer_lines)
            result = check(measure([tokensmith, "run", manifest, "--quiet", *extra], folder), label)
            _, wall, cpu, rss, _ = result
            top, top_name = of or (ceiling, "ceiling")
            rows.append((label, f"{n / wall:,.0f} grants/s ({100 * n / wall / top:.0f} % of {top_name})",
                         f"{wall:.2f} s", f"{cpu / n * 1e6:.0f} µs CPU/grant", f"{rss:.0f} MiB"))
            return manifest, folder

        basic = [(f"b-{i}", f"b-{i}", "{method: client_secret_basic, secret: s}") for i in range(1, big + 1)]
        manifest, folder = scenario(f"{big:,} clients, client_secret_basic, env per client + JSON (tmpfs)",
                                    basic, os.path.join(work, "basic"))
        _, wall, cpu, rss, _ = check(measure([tokensmith, "run", manifest, "--quiet"], folder), "second run")
        rows.append((f"second run within renew_before, {big:,} clients (nothing to do)", "", f"{wall * 1000:.0f} ms",
                     f"{cpu * 1000:.0f} ms CPU", f"{rss:.0f} MiB"))
        _, wall, cpu, rss, _ = check(measure([tokensmith, "validate", manifest], folder), "validate")
        rows.append((f"validate, {big:,}-client manifest", "", f"{wall * 1000:.0f} ms", f"{cpu * 1000:.0f} ms CPU", f"{rss:.0f} MiB"))
        # The same manifest readable by others: one literal-secret warning per
        # client, each shown with its source line masked (the diagnostics path).
        readable = os.path.join(folder, "readable.yaml")
        shutil.copyfile(manifest, readable)
        os.chmod(readable, 0o644)
        _, wall, cpu, rss, _ = check(measure([tokensmith, "validate", readable], folder), "validate (readable)")
        rows.append((f"validate, {big:,}-client manifest readable by others ({big:,} warnings)", "", f"{wall * 1000:.0f} ms",
                     f"{cpu * 1000:.0f} ms CPU", f"{rss:.0f} MiB"))

        nginx_rows(rows, scenario, basic, work, lua, wrk_seconds, tokensmith, huge=0 if args.quick else 100_000)
        callgrind_rows(rows, tokensmith, work, url, basic, (50, 150) if args.quick else (500, 1_500))

        os.makedirs(args.disk_dir, exist_ok=True)
        disk = tempfile.mkdtemp(prefix="tokensmith-bench-", dir=args.disk_dir)
        scenario(f"{big:,} clients, as above, outputs on the real disk", basic, disk, extra=("--no-state",))
        shutil.rmtree(disk, ignore_errors=True)

        for prefix, alg in (("es", "ES256"), ("rs", "RS256")):
            clients = [(f"{prefix}-{i}", f"{prefix}-{i}", f"{{method: private_key_jwt, key_file: ../keys/{prefix}.pem, alg: {alg}}}")
                       for i in range(1, small + 1)]
            scenario(f"{small:,} clients, private_key_jwt {alg}", clients, os.path.join(work, prefix),
                     per_client_env=False, extra=("--no-state",))
        clients = [(f"dp-{i}", f"dp-{i}", "{method: client_secret_basic, secret: s}") for i in range(1, small + 1)]
        scenario(f"{small:,} clients, client_secret_basic + DPoP ES256", clients, os.path.join(work, "dpop"),
                 per_client_env=False, dpop=True, extra=("--no-state",))

        # watch: renewals of short-lived tokens (memory must not grow with them), then idle.
        folder = os.path.join(work, "watch")
        os.makedirs(folder)
        short = [(f"w-{i}", f"w-{i}", "{method: client_secret_basic, secret: s}") for i in range(1, watch_clients + 1)]
        write_manifest(os.path.join(folder, "m.yaml"), url, short, True, True)
        renewals, cpu, rss_start, rss_end, rss_peak = watch_soak(tokensmith, folder, soak_seconds)
        rows.append((f"watch, {watch_clients:,} clients with 4 s tokens, {soak_seconds} s after the first batch",
                     f"{renewals:,} renewals ({renewals / soak_seconds:,.0f}/s)", f"{soak_seconds} s",
                     f"{cpu / max(renewals, 1) * 1e6:.0f} µs CPU/renewal",
                     f"{rss_start:.0f} → {rss_end:.0f} MiB (max {rss_peak:.0f})"))
        idle = os.path.join(work, "idle")
        os.makedirs(idle)
        write_manifest(os.path.join(idle, "m.yaml"), url, basic[:watch_clients], True, True)
        renewals, cpu, rss_start, rss_end, _ = watch_soak(tokensmith, idle, idle_seconds)
        rows.append((f"watch idle, {watch_clients:,} clients with 1 h tokens, {idle_seconds} s", f"{renewals} renewals",
                     f"{idle_seconds} s", f"{cpu * 1000:.0f} ms CPU in all", f"{rss_start:.0f} → {rss_end:.0f} MiB"))

        walls = [check(measure([tokensmith, "--version"], work), "--version")[1] for _ in range(startup_runs)]
        rows.append(("start-up: --version (median)", "", f"{statistics.median(walls) * 1000:.1f} ms", "", ""))
        one = os.path.join(work, "one")
        os.makedirs(one)
        write_manifest(os.path.join(one, "m.yaml"), url, basic[:1], True, False)
        walls = [check(measure([tokensmith, "run", "m.yaml", "--quiet", "--no-state"], one), "1-client run")[1]
                 for _ in range(startup_runs)]
        rows.append(("start-up: run of a 1-client manifest (median)", "", f"{statistics.median(walls) * 1000:.1f} ms", "", ""))
    finally:
        issuer.terminate()
        issuer.wait()
        shutil.rmtree(work, ignore_errors=True)

    cpu_model = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            cpu_model = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    print(f"tokensmith benchmarks, {time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores ({cpu_model}), "
          f"{platform.system()} {platform.release()}, release build, server on the same machine"
          + (", QUICK MODE" if args.quick else ""))
    floor = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print(f"(a row's peak RSS cannot read below this driver's own peak when it started that process, at most {floor:.0f} MiB: "
          "Linux carries a parent's peak into its child through fork and exec)")
    print()
    print("| scenario | throughput | wall | CPU | peak RSS |")
    print("|---|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
