export * from './days.js';
export * from './series.js';
export * from './projection.js';
export * from './trends.js';
export * from './anomalies.js';
export * from './interactions.js';
export * from './overview.js';
export * from './burndown.js';
