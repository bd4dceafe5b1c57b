"""NumPy peers for bench/simcc.bench.mjs, timed here in Python with time.perf_counter.

  python3 simcc_peers.py X.npy Y.npy

loads SimCC vectors x [N, K, Wx] and y [N, K, Wy] (float32) and then serves commands, one a line on
stdin, one answer a line on stdout:
  argmax | dark        run that peer once; answers its time in milliseconds
  save KIND OUT.npy    write the last KIND result (float32 [N, K, 2] keypoints, split ratio 2)
  info                 answers a JSON line with the NumPy version
End of input ends the process.

argmax is mmpose 1.x's get_simcc_maximum (codecs/utils/post_processing.py), vectorised over the
batch, then / simcc_split_ratio as SimCCLabel.decode does. dark adds refine_simcc_dark
(codecs/utils/refinement.py) with SimCCLabel's kernels for sigma (4.9, 5.66); mmpose blurs each
vector in a Python loop with cv2.GaussianBlur, here np.correlate of the zero-padded vector with
OpenCV's sigma-0 taps (OpenCV is not a dependency of this bench): test/fixtures/mmpose_simcc.py.
"""

import os
import sys

import numpy as np

# The one NumPy re-implementation of mmpose's SimCC decoding, the tests' fixture maker's.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'test', 'fixtures'))
from mmpose_simcc import decode  # noqa: E402
from peer_server import serve  # noqa: E402

SPLIT_RATIO = 2.0
SIGMA = (4.9, 5.66)


def peer(x, y, dark):
    keypoints, _ = decode(x, y, SPLIT_RATIO, SIGMA if dark else None)
    return keypoints


def main():
    x = np.load(sys.argv[1])
    y = np.load(sys.argv[2])
    serve({'argmax': lambda: peer(x, y, False), 'dark': lambda: peer(x, y, True)}, {'numpy': np.__version__})

if __name__ == '__main__':
    main()
