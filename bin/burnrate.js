#!/usr/bin/env node
// The built CLI lives in dist/ (built by `npm ci` through the `prepare` script).
import '../dist/cli/main.js';
