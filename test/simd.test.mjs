import test from 'ava';
import { simd } from 'coordconv';

test('the forced SIMD path is the active one', (t) => {
  const info = simd();
  const forced = process.env.COORDCONV_SIMD;
  if (forced) t.is(info.active, forced);
  else t.is(info.active, info.available[0]);
});

test('scalar is always available and listed last', (t) => {
  const { available } = simd();
  t.is(available.at(-1), 'scalar');
  t.true(available.includes(simd().active));
});
