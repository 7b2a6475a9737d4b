/**
 * A command the CLI refuses, with PySOGS's exit status: 2 when argparse itself rejects the
 * command line (unknown or ambiguous option, missing value, `--visible` with `--hidden`), 5 when
 * database upgrades are pending, 1 for everything else `sogs/__main__.py` checks.
 */
export class CliUsageError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2 | 5 = 1,
  ) {
    super(message);
  }
}
