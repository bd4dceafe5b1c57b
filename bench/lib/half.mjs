// IEEE binary16 for the float16 rows of decode.bench.mjs: a number to the nearest half's bits
// (ties to even), and bits back to the value, so the float16 and Float32 inputs hold the same values.

export function toHalfBits(x) {
  if (Number.isNaN(x)) return 0x7e00;
  const sign = x < 0 || Object.is(x, -0) ? 0x8000 : 0;
  const a = Math.abs(x);
  if (a >= 65520) return sign | 0x7c00;
  const roundEven = (v) => {
    const f = Math.floor(v);
    return v - f > 0.5 || (v - f === 0.5 && f % 2 === 1) ? f + 1 : f;
  };
  if (a < 2 ** -14) return sign | roundEven(a * 2 ** 24);
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e -= 1;
  if (2 ** (e + 1) <= a) e += 1;
  const m = roundEven((a / 2 ** e - 1) * 1024);  // 1024 carries into the exponent
  return sign | (((e + 15) << 10) + m);
}

export function halfToFloat(bits) {
  const sign = bits & 0x8000 ? -1 : 1;
  const e = (bits >> 10) & 31;
  const m = bits & 1023;
  if (e === 31) return m === 0 ? sign * Infinity : NaN;
  return sign * (e === 0 ? m * 2 ** -24 : (1 + m / 1024) * 2 ** (e - 15));
}
