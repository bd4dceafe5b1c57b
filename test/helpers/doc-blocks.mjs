// The fenced code blocks of a Markdown file, with the HTML comment right above each (if any):
// `<!-- not run: reason -->` or `<!-- given: code -->` (see test/docs-blocks.test.mjs for the rules).

/**
 * Returns [{ line, lang, code, given?, notRun? }] in file order; `line` is the opening fence's line
 * (1-based). A fence is three or more backticks or tildes, indented at most three spaces (inside a
 * list item its content keeps the fence's indentation stripped); an unclosed fence runs to the end.
 */
export function docBlocks(markdown) {
  const lines = markdown.split('\n');
  const blocks = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^( {0,3})(`{3,}|~{3,})\s*([^\s`]*)[^`]*$/.exec(lines[i]);
    if (!open) continue;
    const [, indent, fence, lang] = open;
    const body = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const close = new RegExp(`^ {0,3}${fence[0] === '`' ? '`' : '~'}{${fence.length},}\\s*$`).exec(lines[j]);
      if (close) break;
      body.push(lines[j].startsWith(indent) ? lines[j].slice(indent.length) : lines[j].trimStart());
    }
    blocks.push({ line: i + 1, lang: lang.toLowerCase(), code: body.join('\n'), ...commentAbove(lines, i) });
    i = j;
  }
  return blocks;
}

// The HTML comment ending on the last non-blank line above line `at`: { notRun } or { given }.
function commentAbove(lines, at) {
  let end = at - 1;
  while (end >= 0 && lines[end].trim() === '') end--;
  if (end < 0 || !lines[end].trimEnd().endsWith('-->')) return {};
  let start = end;
  while (start >= 0 && !lines[start].includes('<!--')) start--;
  if (start < 0) return {};
  const text = lines.slice(start, end + 1).join('\n');
  const m = /<!--\s*(not run|given):([\s\S]*?)-->\s*$/.exec(text);
  if (!m) return {};
  return m[1] === 'not run' ? { notRun: m[2].trim() } : { given: m[2].trim() };
}

// `expr; // 12` or `expr; // [8, 6, 32, 48]` (plain numbers only; prose may follow after a space,
// a comma or a colon): the value the comment states, checked where the line runs.
const STATED = /^(\s*)([A-Za-z_$](?:[^;]*?[^;\s])?)\s*;\s*\/\/\s*(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?|\[\s*-?\d+(?:\.\d+)?(?:\s*,\s*-?\d+(?:\.\d+)?)*\s*\])(?=$|[\s,:;])/;
const DECLARATION = /^(?:const|let|var|import|export|return|await|for|if|while)\b/;

/** Rewrites a js block so that each line stating its value in a comment checks it (see STATED). */
export function checkStatedValues(code, where) {
  return code
    .split('\n')
    .map((line, i) => {
      const m = STATED.exec(line);
      if (!m || DECLARATION.test(m[2])) return line;
      return `${m[1]}__stated(${m[2]}, ${m[3]}, ${JSON.stringify(where(i))});`;
    })
    .join('\n');
}

/** The checker checkStatedValues calls: numbers compare exactly, arrays element by element (a typed array or a shape). */
export const STATED_CHECK = `function __stated(value, stated, where) {
  const got = typeof stated === 'number' ? value : Array.from(value ?? [], Number);
  if (JSON.stringify(got) !== JSON.stringify(stated)) throw new Error(where + ': the comment says ' + JSON.stringify(stated) + ', the code gives ' + JSON.stringify(got));
}`;
