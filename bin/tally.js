#!/usr/bin/env node
// The `tally` command. Tally is written in TypeScript and run through tsx, so there is no build
// step to forget: `npx tally` works in a fresh checkout right after `npm ci`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
