import { IntrinsicSyntaxError } from "./syntax-error.js";

/** A read position in an intrinsic expression, shared by the small scanners of the parser. */
export class Cursor {
  pos = 0;

  constructor(readonly text: string) {}

  get atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  peek(offset = 0): string {
    return this.text.charAt(this.pos + offset);
  }

  startsWith(prefix: string): boolean {
    return this.text.startsWith(prefix, this.pos);
  }

  /** Whitespace is allowed around arguments, as AWS allows it. */
  skipSpace(): void {
    while (isSpace(this.peek())) this.pos++;
  }

  /** Consumes `token` or throws a syntax error naming what was expected. */
  expect(token: string, what = `'${token}'`): void {
    if (!this.startsWith(token)) this.fail(`expected ${what}${this.found()}`);
    this.pos += token.length;
  }

  /** A description of what sits at the cursor, for "expected X but found Y" messages. */
  found(): string {
    return this.atEnd ? " but reached the end" : ` but found '${this.peek()}'`;
  }

  fail(problem: string, position = this.pos): never {
    throw new IntrinsicSyntaxError(this.text, position, problem);
  }
}

/** Space characters that may separate tokens. */
export function isSpace(ch: string): boolean {
  return ch === " " || ch === "\t" || ch === "\n" || ch === "\r";
}
