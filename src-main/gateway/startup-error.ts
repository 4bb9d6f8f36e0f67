/** A start-up failure a person can act on (bad data dir, port in use): printed without a stack trace. */
export class StartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartupError';
  }
}
