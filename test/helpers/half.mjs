// IEEE 754 binary16 in plain JavaScript, written from the standard, sharing nothing with the
// native conversion: the value of a bit pattern, and the nearest half to a number (to build test
// planes; ties to even).

// (-1)^s * 2^(e - 15) * (1 + m / 1024), or 2^-14 * (m / 1024) when e = 0; e = 31 is Inf or NaN.
export function halfToFloat(bits) {
  const sign = bits & 0x8000 ? -1 : 1;
  const e = (bits >> 10) & 31;
  const m = bits & 1023;
  if (e === 31) return m === 0 ? sign * Infinity : NaN;
  if (e === 0) return sign * m * 2 ** -24;
  return sign * (1 + m / 1024) * 2 ** (e - 15);
}

const roundEven = (v) => {
  const f = Math.floor(v);
  const d = v - f;
  return d > 0.5 || (d === 0.5 && f % 2 === 1) ? f + 1 : f;
};

// The bits of the half nearest to x (finite x; beyond the largest half, Inf).
export function toHalfBits(x) {
  if (Number.isNaN(x)) return 0x7e00;
  const sign = x < 0 || Object.is(x, -0) ? 0x8000 : 0;
  const a = Math.abs(x);
  if (a >= 65520) return sign | 0x7c00;
  if (a < 2 ** -14) return sign | roundEven(a * 2 ** 24);  // 1024 is the smallest normal's bits
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e -= 1;
  if (2 ** (e + 1) <= a) e += 1;
  let m = roundEven((a / 2 ** e - 1) * 1024);
  if (m === 1024) {
    m = 0;
    e += 1;
  }
  return sign | ((e + 15) << 10) | m;
}

// A plane of values as halves: the bits, and the same values as a Float32Array (each half is
// exactly a float32).
export function asHalves(values) {
  const bits = Uint16Array.from(values, toHalfBits);
  return { bits, floats: Float32Array.from(bits, halfToFloat) };
}
