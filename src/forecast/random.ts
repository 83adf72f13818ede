import { mulberry32 } from '../util/random.js';

/** A seeded PRNG, so a forecast's percentiles are the same on every run. */
export const seededRandom = mulberry32;
