// The tfjs peers' shared set-up: backends switched quietly.

// Runs fn with console.log and console.warn silenced: tfjs prints a one-time "install tfjs-node"
// banner (tfjs-node cannot be installed here) when a backend starts or first stores a tensor.
export async function quietly(fn) {
  const { log, warn } = console;
  console.log = console.warn = () => {};
  try {
    return await fn();
  } finally {
    Object.assign(console, { log, warn });
  }
}

// Makes `name` tfjs's backend, once it is ready.
export async function useBackend(tf, name) {
  if (tf.getBackend() !== name) await quietly(async () => (await tf.setBackend(name), await tf.ready()));
}
