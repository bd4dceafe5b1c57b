// docs/decoder.md's examples of sample and the offsets option, run as they are written: each js
// block of the "Reading maps at points" section runs, and every `// name [values]` comment in it
// must state the values that name holds afterwards.
import test from 'ava';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const doc = readFileSync(new URL('../docs/decoder.md', import.meta.url), 'utf8');
const section = doc.slice(doc.indexOf('## Reading maps at points'), doc.indexOf('\n## ', doc.indexOf('## Reading maps at points') + 1));
const blocks = [...section.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]);
const require = createRequire(import.meta.url);

test('the section has its examples', (t) => {
  t.is(blocks.length, 2);
});

for (const [i, code] of blocks.entries()) {
  test(`example ${i + 1} runs and its comments state its results`, (t) => {
    // A direct eval inside the block's own scope reads its constants by name.
    const inScope = new Function('require', `${code}\nreturn (expression) => eval(expression);`)(require);
    const claims = [...code.matchAll(/\/\/.*$/gm)].flatMap((c) => [...c[0].matchAll(/([A-Za-z_][\w.]*) \[([-\d., ]*)\]/g)]);
    t.true(claims.length >= 2);
    for (const [, name, list] of claims) {
      t.deepEqual(Array.from(inScope(name)), list.split(',').map(Number), name);
    }
  });
}
