/** A path that is not valid JSONPath; `message` says where and what was expected. */
export class PathSyntaxError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
    this.name = "PathSyntaxError";
  }
}
