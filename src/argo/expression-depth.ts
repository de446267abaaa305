/**
 * How deep an Argo expression nests, counted in its text in one pass before any parser
 * recurses over it (Argo tester 7, R10). jsep recurses once or more per parenthesis,
 * bracket, call, prefix operator and ternary, so what it could read depended on the
 * thread's stack: `strata import argo` (the main thread) refused 3,000 parentheses that POST
 * /v1/runs (a worker thread, a larger stack) accepted. Counted here, the answer is the same
 * on every route; jsep then never recurses more than the limit allows. Chains that jsep
 * reads without recursing (`a + b + …`, `a.b.c…`) are counted on the tree it gives.
 */

/** Binary operators written as words: after one, an operand is expected. */
const WORD_OPERATORS = new Set(['and', 'or', 'in', 'contains', 'startsWith', 'endsWith', 'matches']);
/** Prefix operators written as words. */
const WORD_PREFIX = new Set(['not']);

const isIdentifierStart = (c: string): boolean => /[A-Za-z_$]/.test(c);
const isIdentifierPart = (c: string): boolean => /[\w$]/.test(c);

/** One bracket's count: the level it opened at, and the ternaries (`?`) open in it since its last comma. */
interface Frame {
  base: number;
  ternaries: number;
}

/**
 * Whether `expr` nests deeper than `max` levels, each parenthesis, bracket, call, prefix
 * operator (`!`, `-`, `+`, `~`, `not`) and ternary (`a ? b ? c …`) a level and the operand
 * inside them one more, strings skipped. Linear in the text; recurses over nothing.
 */
export function nestsDeeperThan(expr: string, max: number): boolean {
  const stack: Frame[] = [{ base: 0, ternaries: 0 }];
  let run = 0; // prefix operators in a row, waiting for their operand
  let operand = false; // whether the last token ended an operand (so `-` is binary, `(` a call)
  const level = () => {
    const top = stack[stack.length - 1];
    return top.base + top.ternaries + run;
  };
  for (let i = 0; i < expr.length; ) {
    const c = expr[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "'" || c === '"') {
      i++;
      while (i < expr.length && expr[i] !== c) i += expr[i] === '\\' ? 2 : 1;
      i++;
      if (level() + 1 > max) return true;
      [run, operand] = [0, true];
      continue;
    }
    if (isIdentifierStart(c) || /\d/.test(c) || (c === '.' && /\d/.test(expr[i + 1] ?? ''))) {
      let j = i + 1;
      while (j < expr.length && (isIdentifierPart(expr[j]) || (/\d/.test(c) && expr[j] === '.'))) j++;
      const word = expr.slice(i, j);
      i = j;
      if (!operand && WORD_PREFIX.has(word)) {
        run++;
        if (level() > max) return true;
        continue;
      }
      if (operand && WORD_OPERATORS.has(word)) {
        operand = false;
        continue;
      }
      if (level() + 1 > max) return true;
      [run, operand] = [0, true];
      continue;
    }
    i++;
    if (c === '(' || c === '[' || c === '{') {
      const opened = level() + 1;
      if (opened > max) return true;
      stack.push({ base: opened, ternaries: 0 });
      [run, operand] = [0, false];
      continue;
    }
    if (c === ')' || c === ']' || c === '}') {
      if (stack.length > 1) stack.pop();
      [run, operand] = [0, true];
      continue;
    }
    if (c === ',') {
      stack[stack.length - 1].ternaries = 0;
      [run, operand] = [0, false];
      continue;
    }
    if (c === '.') continue; // a member: the chain goes on (counted on the tree)
    if (c === '?') {
      if (expr[i] === '.' || expr[i] === '?') {
        // `?.` reads a member, `??` is binary
        operand = expr[i] === '.';
        i++;
        continue;
      }
      stack[stack.length - 1].ternaries++;
      run = 0;
      operand = false;
      if (level() > max) return true;
      continue;
    }
    if (!operand && (c === '!' || c === '-' || c === '+' || c === '~') && expr[i] !== '=') {
      run++;
      if (level() > max) return true;
      continue;
    }
    // any other operator character: an operand comes next (`!=` and `==` read here too)
    if (c === '!' || c === '=' || c === '<' || c === '>') while (expr[i] === '=') i++;
    operand = false;
  }
  return false;
}
