"""The PyTorch + scikit-learn + matplotlib side of `./jbang bench --whole`: three of our commands, written as a
PyTorch user would write them, producing the same outputs (the same files, figures at the same pixel sizes).

    /usr/bin/python3 scripts/bench_whole.py lecture --epochs 1000 --seed 1 --out /tmp/lecture
    /usr/bin/python3 scripts/bench_whole.py train-manual --hidden 64 --epochs 2000 --lr 0.5 --seed 1 --out /tmp/manual
    /usr/bin/python3 scripts/bench_whole.py gradnorms --activation relu --depth 3 --runs 1 --epochs 1000 --seed 1 --out /tmp/g

lecture       history.csv; confidence.png/.svg (input and latent space, the test points, a colour bar); loss, accuracy
train-manual  history.csv, weights.npz; loss.png/.svg (loss and accuracy panels); snapshots.png/.svg (the boundary at
              epochs 0, 10, 100, 500 and the last); boundary.gif (60 frames, epochs spaced on a log scale)
gradnorms     runs.csv, history.csv, gradnorms.csv, updates.csv, units.csv, answer.md; gradnorms.png/.svg (every hidden
              layer's weight-gradient norm per epoch, log axis, a panel per activation); first_layer.png/.svg; updates.png/.svg
              (the update:weight ratio with the 1e-3 rule of thumb, and the update norm, per layer)

Data as the lecture: make_moons(1000, noise 0.2, random_state 42), StandardScaler, train_test_split(0.2, 42). Nets:
PyTorch's default init after torch.manual_seed(seed) (lecture, gradnorms: run r gets seed + r - 1); train-manual's
hand-written net starts He-normal from torch.randn (ours from java.util.Random: the same distribution and work). One
thread (OMP/MKL/OPENBLAS_NUM_THREADS and torch.set_num_threads). PNGs at dpi 200 of figures sized in hundredths of
an inch as ours in pixels (ours are drawn at twice their size), so the pixel sizes match; the GIF at 1:1.

With MOONS_TIMINGS=1 it prints at exit one JSON line to stderr, as our scripts do (shared/speed/Timings.java):
epoch milliseconds of the process start, of ready-to-train and of the first output, and seconds per phase
(training, evaluation, diagnostics, figures and its parts figures.field/.png/.svg/.gif, writing).
"""
import argparse
import json
import os
import sys
import time

START = time.time()
THREADS = "1"
for _var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ[_var] = THREADS   # before torch and numpy start their pools

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402
import matplotlib  # noqa: E402
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.colors import LinearSegmentedColormap  # noqa: E402
from sklearn.datasets import make_moons  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

torch.set_num_threads(int(THREADS))

# ---- timings (the same record as ours) ----

PHASES = {}
MARKS = {}
OPEN = []


class phase:
    """`with phase("figures"): ...` adds the block's seconds to the phase; nested phases count exclusively, as ours:
    a PNG saved inside a figures block counts as figures.png only."""

    def __init__(self, name):
        self.name = name

    def __enter__(self):
        if self.name.startswith("figures") or self.name == "writing":
            if "ready" in MARKS:
                MARKS.setdefault("first_output", time.time())
        self.nested = 0.0
        OPEN.append(self)
        self.t0 = time.perf_counter()

    def __exit__(self, *exc):
        elapsed = time.perf_counter() - self.t0
        OPEN.pop()
        if OPEN:
            OPEN[-1].nested += elapsed
        PHASES[self.name] = PHASES.get(self.name, 0.0) + elapsed - self.nested


def ready():
    MARKS.setdefault("ready", time.time())


def process_start_ms():
    """The process's start (Linux: /proc/self/stat starttime since boot, in clock ticks), epoch milliseconds."""
    try:
        with open("/proc/self/stat") as f:
            ticks = int(f.read().rsplit(")", 1)[1].split()[19])
        with open("/proc/stat") as f:
            boot = next(int(line.split()[1]) for line in f if line.startswith("btime"))
        return 1000.0 * (boot + ticks / os.sysconf("SC_CLK_TCK"))
    except (OSError, ValueError, StopIteration):
        return float("nan")


def print_timings():
    if os.environ.get("MOONS_TIMINGS") != "1":
        return
    ms = lambda key: 1000.0 * MARKS[key] if key in MARKS else float("nan")  # noqa: E731
    record = {"moons_timings": 1, "process_start_ms": process_start_ms(), "interpreter_start_ms": 1000.0 * START,
              "ready_ms": ms("ready"), "first_output_ms": ms("first_output"), "end_ms": 1000.0 * time.time(),
              "phases": {k: round(v, 6) for k, v in sorted(PHASES.items())}}
    print(json.dumps(record), file=sys.stderr, flush=True)


# ---- data, shared by the commands ----

def lecture_data():
    X, y = make_moons(n_samples=1000, noise=0.2, random_state=42)
    X = StandardScaler().fit_transform(X)
    Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.2, random_state=42)
    as_t = lambda a, t: torch.tensor(a, dtype=t)  # noqa: E731
    return as_t(Xtr, torch.float32), as_t(ytr, torch.long), as_t(Xte, torch.float32), as_t(yte, torch.long)


def accuracy(logits, y):
    return (logits.argmax(1) == y).float().mean().item()


def write_history(path, rows, prefix=""):
    """epoch,loss,train_acc,test_acc rows (Python's shortest round-trip floats, as Java's)."""
    with phase("writing"), open(path, "w") as f:
        if not prefix:
            f.write("epoch,loss,train_acc,test_acc\n")
        for r in rows:
            f.write(prefix + ",".join(repr(v) if isinstance(v, float) else str(v) for v in r) + "\n")


# ---- figures, styled as ours (plot/ChartStyle.java) ----

CLASS_COLOURS = ["#1f5fbf", "#d0209f"]
GROUP_COLOURS = {"relu": "#e07b00", "sigmoid": "#159a80", "train": "#5b5bd6", "test": "#c43c3c"}
CONFIDENCE = LinearSegmentedColormap.from_list("confidence", ["#ffffff", "#8fc3ea"])
DPI = 200   # our PNGs are drawn at 2x: a figure of W x H units is a 2W x 2H PNG
PANEL = (4.40, 4.00)
CHART = (5.60, 4.00)
BAR = 0.67  # our colour bar's width, in hundredths of an inch as ours in pixels


def bounds_around(points, margin=0.1):
    lo, hi = points.min(0), points.max(0)
    span = np.where(hi > lo, hi - lo, 1.0)
    return lo[0] - margin * span[0], hi[0] + margin * span[0], lo[1] - margin * span[1], hi[1] + margin * span[1]


def confidence_grid(bounds, resolution, probabilities):
    """The largest softmax probability at the cell centres of a resolution x resolution grid, row 0 at the bottom."""
    x0, x1, y0, y1 = bounds
    xs = x0 + (np.arange(resolution) + 0.5) * (x1 - x0) / resolution
    ys = y0 + (np.arange(resolution) + 0.5) * (y1 - y0) / resolution
    gx, gy = np.meshgrid(xs, ys)
    grid = torch.tensor(np.stack([gx.ravel(), gy.ravel()], 1), dtype=torch.float32)
    with phase("figures.field"), torch.no_grad():
        return probabilities(grid).max(1).values.numpy().reshape(resolution, resolution)


def confidence_panel(ax, title, field, bounds, points, labels, xlabel, ylabel, legend, marker_size=7):
    image = ax.imshow(field, extent=bounds, origin="lower", cmap=CONFIDENCE, vmin=0.5, vmax=1.0, aspect="auto",
                      interpolation="bilinear")
    for c in range(2):
        mine = points[labels == c]
        ax.scatter(mine[:, 0], mine[:, 1], s=marker_size ** 2 * 0.5, c=CLASS_COLOURS[c], edgecolors="#202020",
                   linewidths=0.5, label=f"class {c}")
    ax.set_xlim(bounds[0], bounds[1])
    ax.set_ylim(bounds[2], bounds[3])
    ax.set_title(title, fontsize=10, fontweight="bold")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if legend:
        ax.legend(loc="best", fontsize=8)
    return image


def save(fig, base):
    """PNG and SVG (matplotlib draws the figure for each: drawing counts in figures.png and figures.svg)."""
    with phase("figures.png"):
        fig.savefig(base + ".png", dpi=DPI)
    with phase("figures.svg"):
        fig.savefig(base + ".svg")
    with phase("figures"):
        plt.close(fig)


def line_chart(ax, title, xlabel, ylabel, lines, log=False):
    for group, x, y in lines:
        ax.plot(x, y, color=GROUP_COLOURS.get(group.lower().split()[0], "#555555"), lw=1.2, alpha=0.85, label=group)
    if log:
        ax.set_yscale("log")
    ax.set_title(title, fontsize=10, fontweight="bold")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(color="#e6e6e6")
    if len({g for g, _, _ in lines}) > 1:
        ax.legend(fontsize=8)


# ---- the nets of lecture and gradnorms, and their training loop ----

class DeepNet(nn.Module):
    def __init__(self, depth, width, act):
        super().__init__()
        self.hidden = nn.ModuleList([nn.Linear(2 if i == 0 else width, width) for i in range(depth)])
        self.latent = nn.Linear(width, 2)
        self.output = nn.Linear(2, 2)
        self.act = act

    def forward(self, x):
        self.outputs = []   # every hidden layer's output, for the diagnostics
        for layer in self.hidden:
            x = self.act(layer(x))
            self.outputs.append(x)
        return self.output(self.act(self.latent(x)))


PER_LAYER = ["norm", "update_norm", "weight_norm", "update_ratio", "dead_fraction", "saturated_fraction"]


def sgd_epochs(net, epochs, Xtr, ytr, Xte, yte, per_layer=None, progress=False):
    """Full-batch SGD (lr 0.01, momentum 0.99): per epoch (epoch, loss, train acc, test acc) of the parameters its forward
    pass used; with a list `per_layer`, per epoch and hidden layer what gradnorms writes (PER_LAYER: the weight
    gradient's norm, the step's ||W_after - W_before||, ||W_before||, their ratio, the share of dead ReLU units and of
    saturated sigmoid outputs, NaN where it does not apply)."""
    opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.99)
    relu, sigmoid = net.act is torch.relu, net.act is torch.sigmoid
    rows = []
    for epoch in range(epochs):
        with phase("training"):
            opt.zero_grad()
            logits = net(Xtr)
            loss = F.cross_entropy(logits, ytr)
            loss.backward()
        if per_layer is not None:
            with phase("diagnostics"), torch.no_grad():
                before = [layer.weight.clone() for layer in net.hidden]
                measures = []
                for layer, w, h in zip(net.hidden, before, net.outputs):
                    dead = (h.amax(0) == 0).float().mean().item() if relu else float("nan")
                    saturated = (h * (1 - h) < 0.01).float().mean().item() if sigmoid else float("nan")
                    measures.append([layer.weight.grad.norm().item(), 0.0, w.norm().item(), 0.0, dead, saturated])
        with phase("evaluation"):
            row = (epoch, loss.item(), accuracy(logits, ytr))
            with torch.no_grad():
                row += (accuracy(net(Xte), yte),)
        with phase("training"):
            opt.step()
        if per_layer is not None:
            with phase("diagnostics"), torch.no_grad():
                for m, layer, w in zip(measures, net.hidden, before):
                    m[1] = (layer.weight - w).norm().item()
                    m[3] = m[1] / m[2]
                per_layer.append(measures)
        rows.append(row)
        if progress and epoch % 100 == 0:
            print(f"Epoch {epoch}: loss {row[1]:.4f}, train acc {100 * row[2]:.1f}%, test acc {100 * row[3]:.1f}%")
    return rows


# ---- lecture ----

def lecture(args):
    """2 -> 264 -> 2 (latent) -> 2, ReLU: the deep net with one hidden layer (the same layers, made in the same order)."""
    Xtr, ytr, Xte, yte = lecture_data()
    torch.manual_seed(args.seed)
    net = DeepNet(1, 264, torch.relu)
    os.makedirs(args.out, exist_ok=True)
    ready()
    rows = sgd_epochs(net, args.epochs, Xtr, ytr, Xte, yte, progress=True)
    write_history(os.path.join(args.out, "history.csv"), rows)

    with phase("figures"):
        with torch.no_grad():
            test_points, test_latent = Xte.numpy(), net.latent(torch.relu(net.hidden[0](Xte))).numpy()
        b_in, b_lat = bounds_around(test_points), bounds_around(test_latent)
        soft = lambda logits: torch.softmax(logits, 1)  # noqa: E731
        f_in = confidence_grid(b_in, 150, lambda x: soft(net(x)))
        f_lat = confidence_grid(b_lat, 150, lambda z: soft(net.output(torch.relu(z))))
        fig, axes = plt.subplots(1, 2, figsize=(2 * PANEL[0] + BAR, PANEL[1]), constrained_layout=True)
        n = len(test_points)
        confidence_panel(axes[0], f"Input space, {n} test points", f_in, b_in, test_points, yte.numpy(), "x1", "x2", True)
        image = confidence_panel(axes[1], f"Latent space (before relu), {n} test points", f_lat, b_lat, test_latent,
                                 yte.numpy(), "latent 1", "latent 2", False)
        fig.colorbar(image, ax=axes, label="confidence")
    save(fig, os.path.join(args.out, "confidence"))
    epochs = [r[0] for r in rows]
    for name, title, ylabel, lines in (
            ("loss", "Training loss", "mean cross-entropy", [("train", epochs, [r[1] for r in rows])]),
            ("accuracy", "Accuracy", "accuracy (%)", [("train", epochs, [100 * r[2] for r in rows]),
                                                      ("test", epochs, [100 * r[3] for r in rows])])):
        with phase("figures"):
            fig, ax = plt.subplots(figsize=CHART, constrained_layout=True)
            line_chart(ax, title, "epoch", ylabel, lines)
        save(fig, os.path.join(args.out, name))
    print(f"final: loss {rows[-1][1]:.4f}, train acc {100 * rows[-1][2]:.1f}%, test acc {100 * rows[-1][3]:.1f}%")


# ---- train-manual ----

def frame_epochs(epochs, frames=60):
    """0, then frames - 1 epochs spaced evenly on a log scale up to the last, as scripts/train_manual.java."""
    chosen = {0, epochs}
    chosen.update(int(round((epochs + 1) ** (i / (frames - 1)))) - 1 for i in range(1, frames))
    return sorted(chosen)


def train_manual(args):
    Xtr, ytr, Xte, yte = lecture_data()
    E = F.one_hot(ytr, 2).float()
    torch.manual_seed(args.seed)
    H = args.hidden
    W1 = torch.randn(H, 2) * (2 / 2) ** 0.5; b1 = torch.zeros(H)
    W2 = torch.randn(2, H) * (2 / H) ** 0.5; b2 = torch.zeros(2)
    snapshots = sorted({e for e in (0, 10, 100, 500, args.epochs) if e <= args.epochs})
    frames = frame_epochs(args.epochs)
    keep = set(snapshots) | set(frames)
    os.makedirs(args.out, exist_ok=True)
    ready()
    weights, rows = {}, []
    n = Xtr.shape[0]
    for epoch in range(args.epochs + 1):
        if epoch in keep:
            weights[epoch] = (W1.clone(), b1.clone(), W2.clone(), b2.clone())
        with phase("training"):
            a1 = Xtr @ W1.T + b1; h1 = torch.relu(a1); a2 = h1 @ W2.T + b2; p = torch.softmax(a2, 1)
            loss = -(a2.gather(1, ytr[:, None]) - torch.logsumexp(a2, 1, keepdim=True)).mean().item()
        with phase("evaluation"):
            test_logits = torch.relu(Xte @ W1.T + b1) @ W2.T + b2
            rows.append((epoch, loss, accuracy(a2, ytr), accuracy(test_logits, yte)))
        if epoch == args.epochs:
            break
        with phase("training"):
            G2 = (p - E) / n
            dW2 = G2.T @ h1; db2 = G2.sum(0)
            G1 = (G2 @ W2) * (a1 > 0)
            dW1 = G1.T @ Xtr; db1 = G1.sum(0)
            W1 -= args.lr * dW1; b1 -= args.lr * db1; W2 -= args.lr * dW2; b2 -= args.lr * db2
    write_history(os.path.join(args.out, "history.csv"), rows)
    with phase("writing"):
        np.savez(os.path.join(args.out, "weights.npz"), W1=W1.numpy(), b1=b1.numpy(), W2=W2.numpy(), b2=b2.numpy())

    points, labels = Xtr.numpy(), ytr.numpy()
    bounds = bounds_around(points)

    def field(epoch, resolution):
        w1, c1, w2, c2 = weights[epoch]
        return confidence_grid(bounds, resolution, lambda x: torch.softmax(torch.relu(x @ w1.T + c1) @ w2.T + c2, 1))

    def title(epoch):
        r = rows[epoch]
        return f"epoch {r[0]}: loss {r[1]:.3f}, test acc {100 * r[3]:.1f}%"

    with phase("figures"):
        columns = min(3, len(snapshots))
        grid_rows = (len(snapshots) + columns - 1) // columns
        fig, axes = plt.subplots(grid_rows, columns, figsize=(columns * PANEL[0] + BAR, grid_rows * PANEL[1]),
                                 constrained_layout=True, squeeze=False)
        for i, ax in enumerate(axes.flat):
            if i >= len(snapshots):
                ax.set_visible(False)
                continue
            image = confidence_panel(ax, title(snapshots[i]), field(snapshots[i], 200), bounds, points, labels, "x1", "x2",
                                     i == 0)
        fig.colorbar(image, ax=axes, label="confidence")
    save(fig, os.path.join(args.out, "snapshots"))

    with phase("figures"):
        epochs = [r[0] for r in rows]
        fig, axes = plt.subplots(1, 2, figsize=(2 * CHART[0], CHART[1]), constrained_layout=True)
        line_chart(axes[0], "training loss", "epoch", "cross-entropy (log scale)", [("train loss", epochs, [r[1] for r in rows])],
                   log=True)
        line_chart(axes[1], "accuracy", "epoch", "accuracy", [("train", epochs, [r[2] for r in rows]),
                                                              ("test", epochs, [r[3] for r in rows])])
    save(fig, os.path.join(args.out, "loss"))

    # the animation: one figure, laid out once, its field and title updated per frame (as FuncAnimation does), 1:1 pixels
    with phase("figures"):
        from PIL import Image
        fig, ax = plt.subplots(figsize=(PANEL[0] + BAR, PANEL[1]), dpi=100, constrained_layout=True)
        image = confidence_panel(ax, title(frames[0]), field(frames[0], 120), bounds, points, labels, "x1", "x2", True,
                                 marker_size=4)
        fig.colorbar(image, ax=ax, label="confidence")
        fig.canvas.draw()
        fig.set_layout_engine("none")   # laid out once: the frames keep the first frame's layout, as an animation does
        images = []
        for epoch in frames:
            image.set_data(field(epoch, 120))
            ax.set_title(title(epoch), fontsize=10, fontweight="bold")
            fig.canvas.draw()
            images.append(Image.fromarray(np.asarray(fig.canvas.buffer_rgba())[..., :3]))
        plt.close(fig)
    with phase("figures.gif"):
        images[0].save(os.path.join(args.out, "boundary.gif"), save_all=True, append_images=images[1:], duration=120, loop=0)
    last = rows[-1]
    print(f"final: loss {last[1]:.4f}, train acc {100 * last[2]:.1f}%, test acc {100 * last[3]:.1f}%")


# ---- gradnorms ----

def gradnorms(args):
    Xtr, ytr, Xte, yte = lecture_data()
    activations = [args.activation] if args.activation else ["relu", "sigmoid"]
    acts = {"relu": torch.relu, "sigmoid": torch.sigmoid}
    layers = [f"hidden{k + 1}" for k in range(args.depth)]
    os.makedirs(args.out, exist_ok=True)
    ready()
    runs = []   # (activation, run, seed, rows, per_layer [epochs][layers][PER_LAYER], final)
    for run in range(1, args.runs + 1):
        for a in activations:
            seed = args.seed + run - 1
            torch.manual_seed(seed)
            net = DeepNet(args.depth, 264, acts[a])
            per_layer = []
            rows = sgd_epochs(net, args.epochs, Xtr, ytr, Xte, yte, per_layer=per_layer)
            with torch.no_grad():
                logits = net(Xtr)
                final = (F.cross_entropy(logits, ytr).item(), accuracy(logits, ytr), accuracy(net(Xte), yte))
            runs.append((a, run, seed, rows, np.array(per_layer), final))
            print(f"  {a} run {run}/{args.runs} (seed {seed}): final loss {final[0]:.4f}, train acc {100 * final[1]:.1f}%, "
                  f"test acc {100 * final[2]:.1f}%")

    with phase("writing"):
        with open(os.path.join(args.out, "runs.csv"), "w") as f:
            f.write("activation,run,seed,final_loss,train_acc,test_acc\n")
            for a, run, seed, _, _, final in runs:
                f.write(f"{a},{run},{seed},{final[0]!r},{final[1]!r},{final[2]!r}\n")
        with open(os.path.join(args.out, "history.csv"), "w") as f:
            f.write("activation,run,epoch,loss,train_acc,test_acc\n")
            for a, run, _, rows, _, _ in runs:
                for r in rows:
                    f.write(f"{a},{run},{r[0]},{r[1]!r},{r[2]!r},{r[3]!r}\n")
        cell = lambda v: "" if np.isnan(v) else repr(float(v))  # noqa: E731  (units.csv leaves what does not apply empty)
        for name, columns in (("gradnorms.csv", ["norm"]), ("updates.csv", ["update_norm", "weight_norm", "update_ratio"]),
                              ("units.csv", ["dead_fraction", "saturated_fraction"])):
            picked = [PER_LAYER.index(c) for c in columns]
            with open(os.path.join(args.out, name), "w") as f:
                f.write("activation,run,epoch,layer," + ",".join(columns) + "\n")
                for a, run, _, _, measures, _ in runs:
                    for epoch, per_epoch in enumerate(measures):
                        for layer, m in zip(layers, per_epoch):
                            f.write(f"{a},{run},{epoch},{layer}," + ",".join(cell(m[i]) for i in picked) + "\n")

    with phase("figures"):
        trained = [a for a in activations if any(r[0] == a for r in runs)]
        fig, axes = plt.subplots(1, len(trained), figsize=(len(trained) * CHART[0], CHART[1]), sharey=True,
                                 constrained_layout=True, squeeze=False)
        for ax, a in zip(axes.flat, trained):
            lines = [(a, range(args.epochs), r[4][:, k, 0]) for r in runs if r[0] == a for k in range(args.depth)]
            line_chart(ax, f"{a}: every hidden layer, {args.runs} run{'s' if args.runs > 1 else ''}", "epoch",
                       "weight-gradient L2 norm (log)", lines, log=True)
    save(fig, os.path.join(args.out, "gradnorms"))
    with phase("figures"):
        fig, ax = plt.subplots(figsize=CHART, constrained_layout=True)
        line_chart(ax, "First hidden layer (hidden1): ReLU vs Sigmoid", "epoch", "weight-gradient L2 norm (log)",
                   [(r[0], range(args.epochs), r[4][:, 0, 0]) for r in runs], log=True)
    save(fig, os.path.join(args.out, "first_layer"))
    with phase("figures"):   # a column per activation: the update:weight ratio with the 1e-3 rule of thumb, the update norm
        fig, axes = plt.subplots(2, len(trained), figsize=(len(trained) * CHART[0], 2 * CHART[1]), sharey="row",
                                 constrained_layout=True, squeeze=False)
        for column, a in enumerate(trained):
            for row, (i, what, label) in enumerate(((3, "update:weight ratio", "||W_after - W_before|| / ||W_before|| (log)"),
                                                     (1, "update norm", "||W_after - W_before|| (log)"))):
                ax = axes[row][column]
                for r in runs:
                    if r[0] == a:
                        for k, layer in enumerate(layers):
                            ax.plot(range(args.epochs), r[4][:, k, i], lw=1.2, label=layer)
                if row == 0:
                    ax.axhline(1e-3, color="#333333", ls="--", lw=1.2, label="rule of thumb 1e-3")
                ax.set_yscale("log")
                ax.set_title(f"{a}: {what} per epoch", fontsize=10, fontweight="bold")
                ax.set_xlabel("epoch")
                ax.set_ylabel(label)
                ax.grid(color="#e6e6e6")
                ax.legend(fontsize=8)
    save(fig, os.path.join(args.out, "updates"))

    with phase("writing"):
        lines = ["# Does Sigmoid show the vanishing gradient more clearly?", "", "```",
                 "activation  " + "".join(f"{l:>11}" for l in layers) + "  ratio first/last   per layer"]
        for a in trained:
            norms = np.concatenate([r[4][:, :, 0] for r in runs if r[0] == a])
            alive = norms[:, -1] > 0   # epochs without a last-layer gradient left out, as ours
            ratio = float(np.median(norms[alive, 0] / norms[alive, -1])) if alive.any() else float("nan")
            lines.append(f"{a:<10}  " + "".join(f"{v:>11.3e}" for v in np.median(norms, 0))
                         + f"  {ratio:>16.3f}  {ratio ** (1 / max(1, args.depth - 1)):>10.3f}")
        lines.append("```")
        with open(os.path.join(args.out, "answer.md"), "w") as f:
            f.write("\n".join(lines) + "\n")
    print("\n".join(lines))


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("command", choices=["lecture", "train-manual", "gradnorms"])
    p.add_argument("--epochs", type=int)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--hidden", type=int, default=64)
    p.add_argument("--lr", type=float, default=0.5)
    p.add_argument("--activation", choices=["relu", "sigmoid"])
    p.add_argument("--depth", type=int, default=3)
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--out", required=True)
    args = p.parse_args()
    if args.epochs is None:
        args.epochs = 2000 if args.command == "train-manual" else 1000
    try:
        {"lecture": lecture, "train-manual": train_manual, "gradnorms": gradnorms}[args.command](args)
    finally:
        print_timings()


if __name__ == "__main__":
    main()
