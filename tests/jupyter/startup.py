"""Kernel start-up, measured as a client sees it: from launching the kernel to its first kernel_info reply, then to the
reply of a first cell; and the kernel's memory. This toolkit's Java kernel and IPython's (the yardstick), alternated in
the same time window, ROUNDS rounds; medians and their ratio. Run in notebooks/ with JUPYTER_DATA_DIR holding the
kernelspec (tests/NotebookKernelTest.java does both):  python3 ../tests/jupyter/startup.py [ROUNDS]
"""
import os
import statistics
import sys
import time

from jupyter_client.manager import KernelManager

FIRST_CELL = {"moons": "var data = TwoMoons.lecture();\ndata.train().size()", "python3": "data = list(range(800))\nlen(data)"}


def rss_mb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def once(name):
    km = KernelManager(kernel_name=name)
    start = time.time()
    km.start_kernel(cwd=os.getcwd())
    kc = km.client()
    kc.start_channels()
    try:
        kc.kernel_info()   # queued by ZeroMQ until the kernel is up; its reply says it is
        kc.get_shell_msg(timeout=120)
        asked = time.time()
        ready = asked - start
        kc.wait_for_ready(timeout=120)   # and IOPub subscribed, so that the cell's output is not missed (counted in "first cell")
        try:
            reply = kc.execute_interactive(FIRST_CELL[name], timeout=120, output_hook=lambda m: None)
        except TimeoutError:
            raise RuntimeError(name + ": no reply to the first cell within 120 s")
        first = time.time() - asked
        if reply["content"]["status"] != "ok":
            raise RuntimeError(name + ": the first cell failed: " + str(reply["content"]))
        return ready, first, rss_mb(km.provisioner.process.pid)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


if __name__ == "__main__":
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    times = {"moons": [], "python3": []}
    for r in range(rounds):
        for name in times:
            times[name].append(once(name))
    med = {n: [statistics.median(t[i] for t in times[n]) for i in range(3)] for n in times}
    for n in ("moons", "python3"):
        print("%-8s kernel_info after %.2f s, first cell %.2f s after that, memory %.0f MB (median of %d; runs: %s)" % (
            n, med[n][0], med[n][1], med[n][2], rounds, ", ".join("%.2f+%.2f" % (t[0], t[1]) for t in times[n])), flush=True)
    print("moons / python3: kernel_info %.2fx, first cell %.2fx" % (med["moons"][0] / med["python3"][0], med["moons"][1] / med["python3"][1]))
    sys.stdout.flush()
    os._exit(0)
