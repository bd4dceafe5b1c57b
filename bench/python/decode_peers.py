"""NumPy peers for bench/decode.bench.mjs, timed here in Python with time.perf_counter.

  python3 decode_peers.py IN.npy

loads planes [..., H, W] (float32 or uint8) and then serves commands, one a line on stdin, one
answer a line on stdout, so the benchmark can interleave these runs with its other peers:
  argmax | dark        run that peer once; answers its time in milliseconds
  save KIND OUT.npy    write the last KIND result (argmax: int64 indices within each plane;
                       dark: float64 [..., 2] coordinates x, y); answers "ok"
  info                 answers a JSON line with the NumPy version and the blur used
End of input ends the process.

DARK (Zhang et al., "Distribution-Aware Coordinate Representation for Human Pose Estimation",
CVPR 2020), as the paper describes it and its reference code runs it: the integer argmax; each
heatmap blurred with a Gaussian (kernel 11, sigma 2, zero border), rescaled to its original
maximum; log(max(h, 1e-10)); then one Newton step x -= H^-1 g at the argmax with central first
differences and step-2 second differences, where the 2-pixel stencil fits (2 <= x <= W-3,
2 <= y <= H-3). The reference loops over samples and keypoints in Python, and so does this peer.
The blur is scipy.ndimage.gaussian_filter when python3-scipy is present, else a separable NumPy
convolution with the same normalised kernel.
"""

import sys

import numpy as np

from peer_server import serve

try:
    from scipy.ndimage import gaussian_filter
except ImportError:  # python3-scipy is optional
    gaussian_filter = None

KERNEL = 11
SIGMA = 2.0


def argmax_peer(x):
    h, w = x.shape[-2:]
    rows = x.reshape(-1, h * w)
    index = rows.argmax(axis=1)
    score = rows[np.arange(rows.shape[0]), index]
    return index, score


def gaussian_kernel(size, sigma):
    r = np.arange(size, dtype=np.float64) - (size - 1) / 2
    k = np.exp(-(r * r) / (2 * sigma * sigma))
    return k / k.sum()


def blur_numpy(plane, taps):
    radius = len(taps) // 2
    h, w = plane.shape
    padded = np.zeros((h + 2 * radius, w + 2 * radius))
    padded[radius:radius + h, radius:radius + w] = plane
    rows = sum(t * padded[:, i:i + w] for i, t in enumerate(taps))
    return sum(t * rows[i:i + h, :] for i, t in enumerate(taps))


def blur(plane, taps):
    if gaussian_filter is not None:
        # truncate * sigma = 5 = the kernel radius, so the window is 11 x 11, zero outside.
        return gaussian_filter(plane.astype(np.float64), SIGMA, mode='constant', cval=0.0,
                               truncate=(KERNEL // 2) / SIGMA)
    return blur_numpy(plane.astype(np.float64), taps)


def newton_step(hm, x, y):
    """One Newton step on the log-heatmap hm at integer (x, y); returns the refined (x, y)."""
    h, w = hm.shape
    if not (2 <= x <= w - 3 and 2 <= y <= h - 3):
        return float(x), float(y)
    dx = 0.5 * (hm[y, x + 1] - hm[y, x - 1])
    dy = 0.5 * (hm[y + 1, x] - hm[y - 1, x])
    dxx = 0.25 * (hm[y, x + 2] - 2 * hm[y, x] + hm[y, x - 2])
    dyy = 0.25 * (hm[y + 2, x] - 2 * hm[y, x] + hm[y - 2, x])
    dxy = 0.25 * (hm[y + 1, x + 1] - hm[y - 1, x + 1] - hm[y + 1, x - 1] + hm[y - 1, x - 1])
    hessian = np.array([[dxx, dxy], [dxy, dyy]])
    if dxx * dyy - dxy * dxy == 0:
        return float(x), float(y)
    offset = -np.linalg.inv(hessian) @ np.array([dx, dy])
    return x + offset[0], y + offset[1]


def dark_peer(x):
    h, w = x.shape[-2:]
    planes = x.reshape(-1, h, w).astype(np.float32)
    index, _ = argmax_peer(planes)
    taps = gaussian_kernel(KERNEL, SIGMA)
    blurred = np.empty_like(planes)
    for p in range(planes.shape[0]):
        peak = planes[p].max()
        b = blur(planes[p], taps)
        blurred[p] = b * (peak / b.max())
    logs = np.log(np.maximum(blurred, 1e-10))
    coords = np.empty((planes.shape[0], 2))
    for p in range(planes.shape[0]):
        coords[p] = newton_step(logs[p], int(index[p] % w), int(index[p] // w))
    return coords.reshape(x.shape[:-2] + (2,))


def main():
    x = np.load(sys.argv[1])
    serve({'argmax': lambda: argmax_peer(x)[0], 'dark': lambda: dark_peer(x)},
          {'numpy': np.__version__, 'blur': 'scipy.ndimage.gaussian_filter' if gaussian_filter else 'numpy separable'})


if __name__ == '__main__':
    main()
