#!/usr/bin/env node
// `npm run tools`: install (if missing) and print the paths of the pinned Go tools.
import { ensureTools } from './lib/tools.mjs';

try {
  const paths = ensureTools();
  for (const [name, path] of Object.entries(paths)) console.log(`${name}: ${path}`);
} catch (error) {
  console.error(error.message);
  process.exit(1);
}
