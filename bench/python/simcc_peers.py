"""NumPy peers for bench/simcc.bench.mjs, timed here in Python with time.perf_counter.

  python3 simcc_peers.py X.npy Y.npy

loads SimCC vectors x [N, K, Wx] and y [N, K, Wy] (float32) and then serves commands, one a line on
stdin, one answer a line on stdout:
  argmax | dark        run that peer once; answers its time in milliseconds
  save KIND OUT.npy    write the last KIND result (float32 [N, K, 2] keypoints, split ratio 2)
  info                 answers a JSON line with the NumPy version
End of input ends the process.

argmax is mmpose 1.x's get_simcc_maximum (codecs/utils/post_processing.py) as it is written,
vectorised over the batch, then / simcc_split_ratio as SimCCLabel.decode does. dark adds
refine_simcc_dark (codecs/utils/refinement.py) with SimCCLabel's kernels for sigma (4.9, 5.66);
mmpose blurs each vector in a Python loop with cv2.GaussianBlur, here np.correlate of the
zero-padded vector with OpenCV's sigma-0 taps (OpenCV is not a dependency of this bench).
"""

import json
import sys
import time

import numpy as np

SPLIT_RATIO = 2.0
SIGMA = (4.9, 5.66)


def get_simcc_maximum(simcc_x, simcc_y):
    n, k, _ = simcc_x.shape
    sx = simcc_x.reshape(n * k, -1)
    sy = simcc_y.reshape(n * k, -1)
    x_locs = np.argmax(sx, axis=1)
    y_locs = np.argmax(sy, axis=1)
    locs = np.stack((x_locs, y_locs), axis=-1).astype(np.float32)
    max_val_x = np.amax(sx, axis=1)
    max_val_y = np.amax(sy, axis=1)
    mask = max_val_x > max_val_y
    max_val_x[mask] = max_val_y[mask]
    vals = max_val_x
    locs[vals <= 0.0] = -1
    return locs.reshape(n, k, 2), vals.reshape(n, k)


def opencv_taps(size):
    tables = {1: [1.0], 3: [0.25, 0.5, 0.25], 5: [0.0625, 0.25, 0.375, 0.25, 0.0625],
              7: [0.03125, 0.109375, 0.21875, 0.28125, 0.21875, 0.109375, 0.03125],
              9: [v / 256 for v in (4, 13, 30, 51, 60, 51, 30, 13, 4)]}
    if size in tables:
        return np.array(tables[size], dtype=np.float32)
    sigma = ((size - 1) * 0.5 - 1) * 0.3 + 0.8
    d = np.arange(size) - (size - 1) / 2
    g = np.exp(-d * d / (2 * sigma * sigma))
    return (g / g.sum()).astype(np.float32)


def gaussian_blur1d(simcc, kernel):
    border = (kernel - 1) // 2
    taps = opencv_taps(kernel)
    n, k, w = simcc.shape
    for i in range(n):
        for j in range(k):
            origin_max = np.max(simcc[i, j])
            row = np.zeros(w + 2 * border, dtype=np.float32)
            row[border:border + w] = simcc[i, j]
            simcc[i, j] = np.correlate(row, taps, 'valid')
            simcc[i, j] *= origin_max / np.max(simcc[i, j])
    return simcc


def refine_simcc_dark(keypoints, simcc, kernel):
    simcc = gaussian_blur1d(simcc, kernel)
    np.clip(simcc, 1e-3, 50.0, simcc)
    np.log(simcc, simcc)
    simcc = np.pad(simcc, ((0, 0), (0, 0), (2, 2)), 'edge')
    for i in range(simcc.shape[0]):
        px = (keypoints[i] + 2.5).astype(np.int64).reshape(-1, 1)
        dx0 = np.take_along_axis(simcc[i], px, axis=1)
        dx1 = np.take_along_axis(simcc[i], px + 1, axis=1)
        dx_1 = np.take_along_axis(simcc[i], px - 1, axis=1)
        dx2 = np.take_along_axis(simcc[i], px + 2, axis=1)
        dx_2 = np.take_along_axis(simcc[i], px - 2, axis=1)
        dx = 0.5 * (dx1 - dx_1)
        dxx = 1e-9 + 0.25 * (dx2 - 2 * dx0 + dx_2)
        keypoints[i] -= (dx / dxx).reshape(-1)
    return keypoints


def blur_size(sigma):
    k = int((sigma * 20 - 7) // 3)
    return k - int(k % 2 == 0)


def decode(x, y, dark):
    keypoints, _ = get_simcc_maximum(x, y)
    if dark:
        # mmpose blurs the caller's arrays in place; copies keep the input for the next run.
        keypoints[:, :, 0] = refine_simcc_dark(keypoints[:, :, 0], x.copy(), blur_size(SIGMA[0]))
        keypoints[:, :, 1] = refine_simcc_dark(keypoints[:, :, 1], y.copy(), blur_size(SIGMA[1]))
    keypoints /= SPLIT_RATIO
    return keypoints


def main():
    x = np.load(sys.argv[1])
    y = np.load(sys.argv[2])
    peers = {'argmax': lambda: decode(x, y, False), 'dark': lambda: decode(x, y, True)}
    last = {}
    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        if words[0] in peers:
            t0 = time.perf_counter()
            last[words[0]] = peers[words[0]]()
            answer = repr((time.perf_counter() - t0) * 1e3)
        elif words[0] == 'save':
            np.save(words[2], last[words[1]])
            answer = 'ok'
        elif words[0] == 'info':
            answer = json.dumps({'numpy': np.__version__})
        else:
            answer = 'error unknown command ' + words[0]
        sys.stdout.write(answer + '\n')
        sys.stdout.flush()


if __name__ == '__main__':
    main()
