"""NumPy peers for bench/encode.bench.mjs, timed here in Python with time.perf_counter.

  python3 encode_peers.py dense     IN.npy OUT.npy REPS H W SIGMA
  python3 encode_peers.py separable IN.npy OUT.npy REPS H W SIGMA

IN.npy holds float32 coordinates [N, C, 2] (x, y); OUT.npy receives the float32 heatmaps
[N, C, H, W] of the last run: exp(-((x - cx)^2 + (y - cy)^2) / (2 sigma^2)) at the exact centre.
'dense' broadcasts the closed form over the whole batch (the usual vectorised NumPy encoder);
'separable' computes one exp row per axis and their outer product (fewer exps, the faster peer).
One JSON line on stdout: the times of every timed run in milliseconds, after one untimed warm-up.
"""

import json
import sys
import time

import numpy as np


def dense(c, h, w, sigma):
    ys = np.arange(h, dtype=np.float32)[:, None]
    xs = np.arange(w, dtype=np.float32)[None, :]
    cx = c[..., 0][..., None, None]
    cy = c[..., 1][..., None, None]
    return np.exp(-((xs - cx) ** 2 + (ys - cy) ** 2) / np.float32(2 * sigma * sigma))


def separable(c, h, w, sigma):
    k = np.float32(-1 / (2 * sigma * sigma))
    gx = np.exp((np.arange(w, dtype=np.float32) - c[..., 0][..., None]) ** 2 * k)
    gy = np.exp((np.arange(h, dtype=np.float32) - c[..., 1][..., None]) ** 2 * k)
    return gy[..., :, None] * gx[..., None, :]


def main():
    kind, src, dst, reps, h, w, sigma = sys.argv[1:8]
    fn = {'dense': dense, 'separable': separable}[kind]
    coords = np.load(src)
    h, w, sigma, reps = int(h), int(w), float(sigma), int(reps)
    out = fn(coords, h, w, sigma)
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        out = fn(coords, h, w, sigma)
        times.append((time.perf_counter() - t0) * 1e3)
    np.save(dst, out.astype(np.float32))
    print(json.dumps(times))


if __name__ == '__main__':
    main()
