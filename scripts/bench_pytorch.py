"""The PyTorch side of `./jbang bench`: the lecture workloads of /work/shared/reference/pytorch_reference.py, timed.

Run by scripts/bench.java in the same run as the Java side (same threads, epochs, repeats); it can also be run alone:
    /usr/bin/python3 scripts/bench_pytorch.py --threads 1 --repeat 3
Prints one JSON object per line: first {"kind": "info", ...} (versions, threads), then one
{"kind": "run", "workload": ..., "loop": ..., "repeat": r, "secs": ..., ...} per timed run.

Workloads (the reference's loops, unchanged):
  lecture       2 -> 264 -> 2 -> 2 ReLU, SGD(lr 0.01, momentum 0.99), full batch
  deep-relu     3 x 264 ReLU + latent 2 + output 2, weight-gradient norm of every hidden layer recorded per epoch
  deep-sigmoid  the same with sigmoid
  manual        x -> Linear -> ReLU -> Linear -> softmax -> CE by hand, H = 64, plain gradient descent lr 0.5
loop "reference" is the reference's loop as written; loop "matched" (workloads 1-3, with --matched) also does what
the Java training loop (shared/Training.java) does every epoch: train accuracy, a forward pass over the test set
and the hidden layers' gradient norms, so both sides do the same work.
"""
import argparse
import json
import os
import resource
import time


def rss_kb():
    """VmRSS and VmHWM of this process in kB (Linux), as the Java side reads them."""
    out = {}
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(("VmRSS:", "VmHWM:")):
                    out[line.split(":")[0]] = int(line.split()[1])
    except OSError:
        pass
    return out.get("VmRSS", -1), out.get("VmHWM", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--lecture-epochs", type=int, default=1000)
    p.add_argument("--deep-epochs", type=int, default=1000)
    p.add_argument("--manual-steps", type=int, default=2000)
    p.add_argument("--only", choices=["lecture", "deep-relu", "deep-sigmoid", "manual"], default=None)
    p.add_argument("--matched", action="store_true", help="also time loop 'matched' (see the module doc)")
    args = p.parse_args()

    # Set before torch starts its pools; torch.set_num_threads below covers a caller that did not export it.
    os.environ.setdefault("OMP_NUM_THREADS", str(args.threads))
    os.environ.setdefault("MKL_NUM_THREADS", str(args.threads))
    # Debian's torch multiplies through OpenBLAS, whose own thread count comes from this one first
    os.environ.setdefault("OPENBLAS_NUM_THREADS", str(args.threads))
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
    from sklearn.datasets import make_moons
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    torch.set_num_threads(args.threads)
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:
        pass
    print(json.dumps(dict(kind="info", torch=torch.__version__, threads=torch.get_num_threads(),
                          blas=torch.__config__.show().count("mkl") and "mkl" or "other")), flush=True)

    X, y = make_moons(n_samples=1000, noise=0.2, random_state=42)
    X = StandardScaler().fit_transform(X)
    Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.2, random_state=42)
    Xtr = torch.tensor(Xtr, dtype=torch.float32); ytr = torch.tensor(ytr, dtype=torch.long)
    Xte = torch.tensor(Xte, dtype=torch.float32); yte = torch.tensor(yte, dtype=torch.long)

    class Net(nn.Module):
        def __init__(self, depth=1, width=264, act=torch.relu):
            super().__init__()
            self.hidden = nn.ModuleList([nn.Linear(2 if i == 0 else width, width) for i in range(depth)])
            self.latent = nn.Linear(width, 2)
            self.output = nn.Linear(2, 2)
            self.act = act

        def forward(self, x):
            for l in self.hidden:
                x = self.act(l(x))
            return self.output(self.act(self.latent(x)))

    def train(m, epochs, record, matched):
        """The reference's loop; RSS is read after 100 epochs and at the end (outside the timed region's hot path)."""
        opt = torch.optim.SGD(m.parameters(), lr=0.01, momentum=0.99)
        norms = []
        rss100 = -1
        c0 = time.process_time()
        t0 = time.perf_counter()
        for ep in range(epochs):
            opt.zero_grad()
            logits = m(Xtr)
            loss = F.cross_entropy(logits, ytr)
            loss.backward()
            if record or matched:
                norms.append([l.weight.grad.norm().item() for l in m.hidden])
            if matched:
                loss.item()
                (logits.argmax(1) == ytr).float().mean().item()
                with torch.no_grad():
                    (m(Xte).argmax(1) == yte).float().mean().item()
            opt.step()
            if ep == min(100, epochs) - 1:
                rss100 = rss_kb()[0]
        dt = time.perf_counter() - t0
        return loss.item(), dt, time.process_time() - c0, rss100

    def manual(steps):
        torch.manual_seed(0)
        H = 64
        W1 = torch.randn(2, H) * (2 / 2) ** 0.5; b1 = torch.zeros(H)
        W2 = torch.randn(H, 2) * (2 / H) ** 0.5; b2 = torch.zeros(2)
        E = F.one_hot(ytr, 2).float()
        rss100 = -1
        c0 = time.process_time()
        t0 = time.perf_counter()
        for ep in range(steps):
            a1 = Xtr @ W1 + b1; h1 = torch.relu(a1); a2 = h1 @ W2 + b2; p = torch.softmax(a2, 1)
            loss = -(E * torch.log(p)).sum(1).mean()
            g2 = (p - E) / Xtr.shape[0]
            gW2 = h1.T @ g2; gb2 = g2.sum(0)
            g1 = (g2 @ W2.T) * (a1 > 0)
            gW1 = Xtr.T @ g1; gb1 = g1.sum(0)
            for P, G in ((W1, gW1), (b1, gb1), (W2, gW2), (b2, gb2)):
                P -= 0.5 * G
            if ep == min(100, steps) - 1:
                rss100 = rss_kb()[0]
        dt = time.perf_counter() - t0
        return loss.item(), dt, time.process_time() - c0, rss100

    plans = [("lecture", dict(depth=1, act=torch.relu), args.lecture_epochs, False),
             ("deep-relu", dict(depth=3, act=torch.relu), args.deep_epochs, True),
             ("deep-sigmoid", dict(depth=3, act=torch.sigmoid), args.deep_epochs, True),
             ("manual", None, args.manual_steps, False)]
    for name, net, epochs, record in plans:
        if args.only and args.only != name:
            continue
        loops = ["reference"] + (["matched"] if args.matched and net is not None else [])
        for loop in loops:
            for r in range(args.repeat):
                if net is None:
                    loss, secs, cpu, rss100 = manual(epochs)
                else:
                    torch.manual_seed(0)
                    loss, secs, cpu, rss100 = train(Net(**net), epochs, record, loop == "matched")
                rss, hwm = rss_kb()
                print(json.dumps(dict(kind="run", workload=name, loop=loop, repeat=r, epochs=epochs, secs=secs, cpu_secs=cpu,
                                      loss=loss, rss_kb_100=rss100, rss_kb_end=rss, hwm_kb=hwm)), flush=True)


if __name__ == "__main__":
    main()
