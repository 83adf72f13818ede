#!/usr/bin/env -S node --max-semi-space-size=64
// The built CLI lives in dist/ (built by `npm ci` through the `prepare` script).
// A larger young generation: the gateway's per-request objects die young, and with the default
// (16 MB) semi-space they were scavenged and promoted often enough to cost ~18 µs of the event
// loop per request under load; with 64 MB, ~9 µs (measured with `node --cpu-prof`, bench/run.mjs).
import '../dist/cli/main.js';
