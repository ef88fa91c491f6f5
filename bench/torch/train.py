#!/usr/bin/env python3
"""PyTorch side of `Sweep.Bench torch`: the same presets, recipe and step as our engine, one thread.

The C# harness starts this once and talks to it line by line on stdin/stdout (one JSON object each way):
  request:  {"arch": "cnn", "filters": 3, "channels": 3, "height": 32, "width": 32, "warmup": 20, "steps": 200}
  answer:   {"seconds": 1.23, "steps": 200, "imagesPerSecond": 20813.0}
Each request builds a fresh network (He init, biases 0), runs `warmup` steps, then times `steps` training steps by
the wall clock (time.perf_counter). A step is: forward, softmax cross-entropy (mean over the batch), backward, ADAM
(lr 1e-4, betas 0.9/0.999, eps 1e-8), on one fixed batch of 128 images, ten classes, exactly like the harness
times our engine. The first line written is a greeting with the versions, so the harness can name them.
"""
import json
import os
import sys
import time

# One thread everywhere, set before torch loads its BLAS/OpenMP runtimes (the harness sets them too).
for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[name] = "1"

import torch  # noqa: E402
from torch import nn  # noqa: E402

BATCH = 128
CLASSES = 10


def layers(arch, filters, channels, height, width):
    """The preset as ArchitectureSpec expands it (src/Model/Networks/ArchitectureSpec.cs): each conv and hidden
    dense layer followed by ReLU, pools without activation, then dense to ten classes (softmax is in the loss)."""
    if arch == "dnn":
        stack = [nn.Flatten(), nn.Linear(channels * height * width, 128), nn.ReLU(),
                 nn.Linear(128, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(), nn.Linear(64, CLASSES)]
    elif arch == "cnn":  # conv{F}k3s1p1-dense128-dense64
        stack = [nn.Conv2d(channels, filters, 3, stride=1, padding=1), nn.ReLU(), nn.Flatten(),
                 nn.Linear(filters * height * width, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(),
                 nn.Linear(64, CLASSES)]
    elif arch == "cnn2":  # conv{F}k5s1p2-pool2s2-conv3k3s1p1-pool2s2-dense128-dense64
        h, w = (height - 2) // 2 + 1, (width - 2) // 2 + 1
        h, w = (h - 2) // 2 + 1, (w - 2) // 2 + 1
        stack = [nn.Conv2d(channels, filters, 5, stride=1, padding=2), nn.ReLU(), nn.MaxPool2d(2, 2),
                 nn.Conv2d(filters, 3, 3, stride=1, padding=1), nn.ReLU(), nn.MaxPool2d(2, 2), nn.Flatten(),
                 nn.Linear(3 * h * w, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(), nn.Linear(64, CLASSES)]
    else:
        raise SystemExit(f"bench/torch/train.py: arch '{arch}' is not a preset (dnn, cnn, cnn2)")
    model = nn.Sequential(*stack)
    for module in model.modules():
        if isinstance(module, (nn.Conv2d, nn.Linear)):
            # He normal, N(0, sqrt(2 / fan_in)), biases 0: what Network.InitializeHe does.
            nn.init.kaiming_normal_(module.weight, mode="fan_in", nonlinearity="relu")
            nn.init.zeros_(module.bias)
    return model


def measure(request):
    torch.manual_seed(1)
    model = layers(request["arch"], request["filters"], request["channels"], request["height"], request["width"])
    images = torch.rand(BATCH, request["channels"], request["height"], request["width"])
    labels = torch.randint(0, CLASSES, (BATCH,))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-4, betas=(0.9, 0.999), eps=1e-8)
    loss_fn = nn.CrossEntropyLoss()

    def step():
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(images), labels)
        loss.backward()
        optimizer.step()

    for _ in range(request["warmup"]):
        step()
    start = time.perf_counter()
    for _ in range(request["steps"]):
        step()
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "steps": request["steps"], "imagesPerSecond": request["steps"] * BATCH / seconds}


def main():
    torch.set_num_threads(1)
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:
        pass
    # The BLAS torch actually loaded, from this process's memory map (Debian's build links OpenBLAS).
    with open("/proc/self/maps", encoding="utf-8") as maps:
        libraries = {line.split()[-1].rsplit("/", 1)[-1] for line in maps if ".so" in line}
    blas = ", ".join(sorted(lib for lib in libraries if "blas" in lib.lower() or "mkl" in lib.lower())) or "none found"
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "blas": blas,
                      "mkldnn": torch.backends.mkldnn.is_available()}), flush=True)
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        print(json.dumps(measure(json.loads(line))), flush=True)


if __name__ == "__main__":
    main()
