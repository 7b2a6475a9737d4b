#!/usr/bin/env node
// Operator CLI; `npm ci` builds dist/ through the `prepare` script.
// `tsogs import …` imports a PySOGS server, `tsogs admin-token …` manages admin API tokens;
// anything else is a PySOGS-style admin command.
const subcommands = {
  import: ['../dist/src/import/import.main.js', 'runImport'],
  'admin-token': ['../dist/src/admin/admin-token.main.js', 'runAdminToken'],
};
const sub = subcommands[process.argv[2]];
if (sub) {
  const [file, name] = sub;
  const run = require(file)[name];
  run(process.argv.slice(3)).then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`tsogs ${process.argv[2]}: ${(err && err.stack) || err}\n`);
      process.exit(1);
    },
  );
} else {
  require('../dist/src/cli/cli.main.js');
}
