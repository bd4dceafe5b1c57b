"""The command loop of the NumPy peers (decode_peers.py, simcc_peers.py): one command a line on
stdin, one answer a line on stdout, so a benchmark can interleave these runs with its other peers.
  NAME                 run that peer once; answers its time in milliseconds (time.perf_counter)
  save NAME OUT.npy    write that peer's last result; answers "ok"
  info                 answers a JSON line of `info`
End of input ends the loop.
"""
import json
import sys
import time

import numpy as np


def serve(peers, info):
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
            answer = json.dumps(info)
        else:
            answer = 'error unknown command ' + words[0]
        sys.stdout.write(answer + '\n')
        sys.stdout.flush()
