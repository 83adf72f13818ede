#!/usr/bin/env -S node --max-semi-space-size=64 --heap-growing-percent=300
// The built CLI lives in dist/ (built by `npm ci` through the `prepare` script).
// A larger young generation: the gateway's per-request objects die young, and with the default
// (16 MB) semi-space they were scavenged and promoted often enough to cost ~18 µs of the event
// loop per request under load; with 64 MB, ~9 µs (measured with `node --cpu-prof`, bench/run.mjs).
// A fixed old-generation growing factor (4, V8's largest): V8 otherwise sometimes picks 1.1, and
// with less room left in the old generation than the young one holds it starts marking at once,
// so about half the processes ran a full mark-compact every 250-700 ms (12-20 ms pauses).
import '../dist/cli/main.js';
