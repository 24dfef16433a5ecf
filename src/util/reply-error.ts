/** An error reply: handlers throw it, dispatch turns it into `-<text>`, call() throws it. */
export class ReplyError extends Error {
  /** `text` is the full reply text including its code, e.g. `ERR syntax error`. */
  constructor(readonly text: string) {
    super(text);
  }
}
