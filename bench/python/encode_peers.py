"""NumPy peers for bench/encode.bench.mjs, timed here in Python with time.perf_counter.

  python3 encode_peers.py COORDS.npy H W SIGMA

loads float32 coordinates [N, C, 2] (x, y) and then serves commands, one a line on stdin, one
answer a line on stdout:
  dense | separable      run that peer once; answer its time in milliseconds
  save KIND OUT.npy      run KIND once and save its float32 heatmaps [N, C, H, W]; answer "ok"
Both draw exp(-((x - cx)^2 + (y - cy)^2) / (2 sigma^2)) at the exact centre, vectorised over the
batch: 'dense' broadcasts the closed form over every pixel (the usual NumPy encoder); 'separable'
computes one exp row per axis and their outer product (fewer exps: the faster peer).
"""

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
    src, h, w, sigma = sys.argv[1:5]
    coords = np.load(src)
    h, w, sigma = int(h), int(w), float(sigma)
    peers = {'dense': dense, 'separable': separable}
    for line in sys.stdin:
        parts = line.split()
        if not parts:
            continue
        if parts[0] == 'save':
            np.save(parts[2], peers[parts[1]](coords, h, w, sigma).astype(np.float32))
            print('ok', flush=True)
            continue
        fn = peers[parts[0]]
        t0 = time.perf_counter()
        fn(coords, h, w, sigma)
        print((time.perf_counter() - t0) * 1e3, flush=True)


if __name__ == '__main__':
    main()
