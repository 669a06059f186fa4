import type { Coordination } from '../coordination/coordination.js';
import type { Database } from '../database/database.js';
import { GatewayError } from '../common/errors/gateway-error.js';
import { DEFAULT_MODEL_COST, DEFAULT_MODEL_COSTS, lookupModelCost, type CostLookup } from './model-costs.js';

const CHANGED = 'model-costs:changed';

/**
 * The editable cost table. Like gcli2api: while the stored table is empty the defaults apply; the
 * first edit copies the defaults in. Held in memory (the hot path reads it without I/O) and reloaded in
 * every process when any of them edits it.
 */
export class ModelCostsService {
  private table: Readonly<Record<string, number>> = DEFAULT_MODEL_COSTS;

  constructor(
    private readonly db: Database,
    private readonly coordination: Coordination,
  ) {}

  async start(): Promise<void> {
    await this.reload();
    this.coordination.subscribe(CHANGED, () => void this.reload().catch(() => {}));
  }

  private async reload(): Promise<void> {
    const rows = await this.db.prisma.modelCost.findMany();
    this.table = rows.length === 0 ? DEFAULT_MODEL_COSTS : Object.freeze(Object.fromEntries(rows.map((r) => [r.model, r.cost])));
  }

  lookup(model: string): CostLookup {
    return lookupModelCost(this.table, model);
  }

  list(): { default_cost: number; model_costs: Record<string, number> } {
    return { default_cost: DEFAULT_MODEL_COST, model_costs: { ...this.table } };
  }

  async set(model: string, cost: number): Promise<void> {
    if (!model || model.length > 200) throw new GatewayError('invalid_request', 'model_name must be a non-empty string (≤ 200 characters)');
    if (!Number.isInteger(cost) || cost < 0 || cost > 1_000_000) throw new GatewayError('invalid_request', 'cost must be an integer from 0 to 1000000');
    await this.db.prisma.$transaction(async (tx) => {
      if ((await tx.modelCost.count()) === 0) {
        await tx.modelCost.createMany({ data: Object.entries(DEFAULT_MODEL_COSTS).map(([m, c]) => ({ model: m, cost: c })), skipDuplicates: true });
      }
      await tx.modelCost.upsert({ where: { model }, create: { model, cost }, update: { cost } });
    });
    await this.changed();
  }

  async remove(model: string): Promise<void> {
    const removed = await this.db.prisma.$transaction(async (tx) => {
      if ((await tx.modelCost.count()) === 0) {
        if (!(model in DEFAULT_MODEL_COSTS)) return false;
        await tx.modelCost.createMany({ data: Object.entries(DEFAULT_MODEL_COSTS).map(([m, c]) => ({ model: m, cost: c })), skipDuplicates: true });
      }
      return (await tx.modelCost.deleteMany({ where: { model } })).count > 0;
    });
    if (!removed) throw new GatewayError('not_found', `no cost configured for ${model}`);
    await this.changed();
  }

  private async changed(): Promise<void> {
    await this.reload();
    await this.coordination.publish(CHANGED, '1').catch(() => {});
  }
}
