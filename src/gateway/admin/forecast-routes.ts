import { z } from 'zod';
import { ValidationError } from '../../util/validate.js';
import { GatewayError } from '../errors.js';
import { sendJson } from '../http.js';
import { jsonBody, validate, type AdminRoute } from './context.js';

const ForecastRequest = z
  .object({ scenario: z.unknown().optional(), archetype: z.string().optional(), compare: z.array(z.string()).max(10).optional() })
  .strict()
  .refine((r) => (r.scenario === undefined) !== (r.archetype === undefined), { message: 'give either scenario or archetype' });

/** The forecaster, for the dashboard's form (loaded on first use: most gateways never forecast). */
export const FORECAST_ROUTES: AdminRoute[] = [
  {
    method: 'GET',
    path: /^\/api\/forecast\/archetypes$/,
    async handle({ res }) {
      const { ARCHETYPES } = await import('../../forecast/index.js');
      sendJson(res, 200, { archetypes: ARCHETYPES });
    },
  },
  {
    method: 'POST',
    path: /^\/api\/forecast$/,
    async handle({ req, res, deps }) {
      const input = validate(ForecastRequest, await jsonBody(req));
      const { forecast, findArchetype, parseScenario } = await import('../../forecast/index.js');
      try {
        let scenario;
        if (input.archetype) {
          const archetype = findArchetype(input.archetype);
          if (!archetype) throw new GatewayError(400, 'invalid_request', `unknown archetype "${input.archetype}"`);
          scenario = parseScenario(archetype.scenario);
        } else {
          scenario = parseScenario(input.scenario, 'scenario');
        }
        sendJson(res, 200, forecast(scenario, deps.catalog, input.compare ? { compare: input.compare } : {}));
      } catch (err) {
        if (err instanceof ValidationError || (err as { code?: string }).code === 'unknown_model') throw new GatewayError(400, (err as { code?: string }).code === 'unknown_model' ? 'unknown_model' : 'invalid_request', (err as Error).message);
        throw err;
      }
    },
  },
];
