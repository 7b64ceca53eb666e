"""Executes notebooks headless with nbclient on this toolkit's Java kernel and reports on each, as one JSON line.

Run by tests/NotebookKernelTest.java with JUPYTER_DATA_DIR pointing at a kernelspec it installed and NOTEBOOK_EPOCHS /
NOTEBOOK_RUNS set for a small workload. For each notebook: the seconds it took (kernel start included), the errors,
the figures (image/png outputs: their width and height, read from the PNG header), everything the cells printed, and
the kernel's peak resident memory (VmHWM).
"""
import base64
import json
import os
import struct
import sys
import time

import nbformat
from nbclient import NotebookClient


def png_size(data):
    raw = base64.b64decode(data)
    if raw[:8] != b"\x89PNG\r\n\x1a\n" or raw[12:16] != b"IHDR":
        return None
    return list(struct.unpack(">II", raw[16:24]))


def peak_memory_kb(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def run(path):
    nb = nbformat.read(path, as_version=4)
    report = {"notebook": os.path.basename(path), "errors": [], "figures": [], "stdout": "", "stderr": ""}
    start = time.time()
    client = NotebookClient(nb, timeout=600, startup_timeout=120, kernel_name=nb.metadata.kernelspec.name,
                            resources={"metadata": {"path": os.path.dirname(os.path.abspath(path))}})
    try:
        with client.setup_kernel():
            report["started"] = round(time.time() - start, 2)
            for index, cell in enumerate(nb.cells):
                if cell.cell_type == "code":
                    client.execute_cell(cell, index)
            report["peak_kb"] = peak_memory_kb(client.km.provisioner.process.pid)
    except Exception as e:  # a cell's error (CellExecutionError) or the kernel's; the outputs below say more
        report["errors"].append(type(e).__name__ + ": " + str(e)[:2000])
    report["seconds"] = round(time.time() - start, 2)
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.output_type == "stream":
                report[out.name] += out.text
            elif out.output_type == "error":
                report["errors"].append(out.ename + ": " + out.evalue + "\n" + "\n".join(out.traceback))
            elif out.output_type in ("display_data", "execute_result") and "image/png" in out.data:
                report["figures"].append({"size": png_size(out.data["image/png"]), "svg": "image/svg+xml" in out.data,
                                          "shown": out.get("metadata", {}).get("image/png", {})})
    return report


if __name__ == "__main__":
    for path in sys.argv[1:]:
        print(json.dumps(run(path)), flush=True)
    os._exit(0)   # (not a normal exit: jupyter_client's finalizers print noise at interpreter exit)
