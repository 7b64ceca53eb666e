"""Interrupt, restart, shutdown and a client that goes away, on this toolkit's Java kernel (jupyter_client).

Run by tests/NotebookKernelTest.java (JUPYTER_DATA_DIR: the kernelspec it installed; cwd: notebooks/). Prints what it
checks, one line each, and exits non-zero on the first check that fails.
"""
import os
import signal
import subprocess
import sys
import time

from jupyter_client.manager import start_new_kernel

TIMEOUT = 120


def check(what, ok, detail=""):
    print(("ok      " if ok else "FAIL    ") + what + (": " + detail if detail else ""), flush=True)
    if not ok:
        sys.stdout.flush()
        os._exit(1)


def execute(kc, code, timeout=TIMEOUT):
    outputs = []
    reply = kc.execute_interactive(code, timeout=timeout, output_hook=outputs.append)
    return reply["content"], outputs


def result_text(outputs):
    return [o["content"]["data"]["text/plain"] for o in outputs if o["msg_type"] == "execute_result"]


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie (exited, not reaped yet) is gone too
        with open("/proc/%d/stat" % pid) as f:
            return f.read().split(") ", 1)[1][0] != "Z"
    except OSError:
        return False


def wait_gone(pid, seconds):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if not alive(pid):
            return True
        time.sleep(0.1)
    return False


def interrupt_and_restart():
    km, kc = start_new_kernel(kernel_name="moons", startup_timeout=TIMEOUT, cwd=os.getcwd())
    try:
        content, _ = execute(kc, "int before = 41;\nvar data = TwoMoons.lecture();")
        check("a first cell", content["status"] == "ok", str(content))

        # a cell that would train for minutes: interrupted after 2 s, from another thread (interrupt_mode message)
        msg_id = kc.execute("var net = Mlp.deep(3, 264, Activation.SIGMOID, DataType.FLOAT).initLikeTorch(0);\n"
                            "var h = Training.run(\"long\", net, new Sgd(net, 0.01, 0.99), data.train(), data.test(), 100000, e -> {});")
        time.sleep(2)
        asked = time.time()
        km.interrupt_kernel()
        reply = kc.get_shell_msg(timeout=TIMEOUT)
        while reply["parent_header"].get("msg_id") != msg_id:
            reply = kc.get_shell_msg(timeout=TIMEOUT)
        took = time.time() - asked
        check("an interrupt stops a training cell", reply["content"]["status"] == "error"
              and reply["content"]["ename"] == "Interrupted", "%s after %.2f s" % (reply["content"].get("ename"), took))
        content, outputs = execute(kc, "before + 1")
        check("the session's variables survive the interrupt", result_text(outputs) == ["42"], str(result_text(outputs)))
        content, outputs = execute(kc, "net")
        check("what the interrupted cell defined before the statement that was stopped stays", content["status"] == "ok"
              and result_text(outputs) and result_text(outputs)[0].startswith("Mlp[hidden1"), str(result_text(outputs)))

        # a tight loop of the cell's own code
        msg_id = kc.execute("long spins = 0;\nwhile (true) spins++;")
        time.sleep(1)
        km.interrupt_kernel()
        reply = kc.get_shell_msg(timeout=TIMEOUT)
        while reply["parent_header"].get("msg_id") != msg_id:
            reply = kc.get_shell_msg(timeout=TIMEOUT)
        check("an interrupt stops a tight loop", reply["content"].get("ename") == "Interrupted", str(reply["content"].get("ename")))
        content, outputs = execute(kc, "spins > 0")
        check("and the loop's counter is there", result_text(outputs) == ["true"], str(result_text(outputs)))

        old = km.provisioner.process.pid
        asked = time.time()
        km.restart_kernel(now=False)
        kc.wait_for_ready(timeout=TIMEOUT)
        took = time.time() - asked
        check("restart: the old kernel process ended", not alive(old))
        content, outputs = execute(kc, "before")
        check("restart: a fresh session (before is gone)", content["status"] == "error" and content["ename"] == "CompilationError",
              content.get("ename", ""))
        content, outputs = execute(kc, "1 + 1")
        check("restart: the new kernel runs cells", result_text(outputs) == ["2"], "restart took %.2f s" % took)

        pid = km.provisioner.process.pid
        asked = time.time()
        kc.stop_channels()
        km.shutdown_kernel(now=False)
        check("shutdown_request ends the kernel", wait_gone(pid, 30), "%.2f s" % (time.time() - asked))
    finally:
        if km.is_alive():
            km.shutdown_kernel(now=True)


CLIENT = r"""
import os, sys, time
from jupyter_client.manager import start_new_kernel
km, kc = start_new_kernel(kernel_name="moons", startup_timeout=120, cwd=os.getcwd())
print(km.provisioner.process.pid, flush=True)
time.sleep(600)
"""


def client_goes_away():
    client = subprocess.Popen([sys.executable, "-c", CLIENT], stdout=subprocess.PIPE, text=True)
    pid = int(client.stdout.readline())
    check("a client started a kernel", alive(pid), "pid %d" % pid)
    client.send_signal(signal.SIGKILL)
    client.wait()
    gone = time.time()
    check("the kernel shuts down when its client goes away", wait_gone(pid, 30), "%.2f s after the client died" % (time.time() - gone))


if __name__ == "__main__":
    interrupt_and_restart()
    client_goes_away()
    sys.stdout.flush()
    os._exit(0)   # (not a normal exit: jupyter_client's finalizers print noise at interpreter exit)
