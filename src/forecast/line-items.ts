import type { LineItemCategory } from './result.js';
import type { Scenario } from './schema.js';

/** "vectorDatabase" / "vector_database" → "Vector database". */
export function humanize(key: string): string {
  const words = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' ').toLowerCase().trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** How a month item is shown, and whether the scenario set it at all. */
export function describeItem(
  id: string,
  s: Scenario,
): { label: string; category: LineItemCategory; configured: boolean } {
  if (id === 'api') return { label: 'API (model calls)', category: 'api', configured: true };
  if (id === 'embeddings') {
    return { label: 'Knowledge-base embeddings', category: 'embeddings', configured: s.knowledgeBase !== undefined };
  }
  if (id.startsWith('infrastructure.')) {
    return { label: humanize(id.slice('infrastructure.'.length)), category: 'infrastructure', configured: true };
  }
  if (id === 'maintenance') {
    return { label: 'Maintenance (share of build cost)', category: 'maintenance', configured: s.maintenance !== undefined };
  }
  if (id === 'owner') return { label: "Owner's time", category: 'people', configured: s.owner !== undefined };
  return { label: 'Human review', category: 'people', configured: s.humanReview !== undefined };
}
