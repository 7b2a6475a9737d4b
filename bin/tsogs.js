#!/usr/bin/env node
// Operator CLI; `npm ci` builds dist/ through the `prepare` script.
require('../dist/src/cli/cli.main.js');
