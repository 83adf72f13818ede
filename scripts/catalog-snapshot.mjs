// Part of `npm run build`: writes the bundled price catalog as JSON beside dist/catalog/bundled.js.
import { writeFileSync } from 'node:fs';
import { bundledPackageVersion, providersFromPackage, SNAPSHOT_FILE } from '../dist/catalog/bundled.js';

const file = new URL(`../dist/catalog/${SNAPSHOT_FILE}`, import.meta.url);
writeFileSync(file, JSON.stringify({ version: bundledPackageVersion(), providers: providersFromPackage() }));
