#!/usr/bin/env node
// Thin launcher kept in git (with its executable bit) so that `npx magnetar` works right after
// `npm install`, whose prepare step compiles the real entry point into dist/.
import '../dist/bin.js';
