/** A command that finished and said what it had to, but whose answer is "no" (sim plan with nothing meeting the targets): exit with `code`, printing nothing more. */
export class ExitStatus extends Error {
  constructor(readonly exitCode: number) {
    super(`exit ${exitCode}`);
    this.name = 'ExitStatus';
  }
}
