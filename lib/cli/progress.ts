// The progress bar of long commands, on stderr (generate draws it only when stderr is a terminal).

/** A bar redrawn at most every 100 ms: `[###...] 42.0% done/total (rate/s)`. */
export function progressBar() {
  const started = Date.now();
  let last = 0;
  return {
    update(done: number, total: number) {
      const now = Date.now();
      if (now - last < 100 && done < total) return;
      last = now;
      const width = 30;
      const filled = Math.round((done / total) * width);
      const rate = done / Math.max(0.001, (now - started) / 1000);
      process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${((done / total) * 100).toFixed(1)}% ${done}/${total} (${Math.round(rate)}/s)`);
    },
    done() {
      process.stderr.write('\n');
    },
  };
}
