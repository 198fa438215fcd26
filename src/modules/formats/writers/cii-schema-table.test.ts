import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ciiSchemaSources, deriveCiiContentModel, renderCiiSchemaTable, type ContentModel } from './cii-schema-derive.js';
import { schemaChildren } from './cii-schema.js';

const testdata = path.resolve(process.cwd(), '../shared/testdata');

describe('CII schema table', () => {
  const models = Object.fromEntries(
    Object.entries(ciiSchemaSources).map(([k, p]) => [k, deriveCiiContentModel(path.join(testdata, p))]),
  ) as Record<keyof typeof ciiSchemaSources, ContentModel>;

  it('the committed table is exactly what the XSDs give (regenerate with renderCiiSchemaTable otherwise)', () => {
    const committed = readFileSync(path.join(import.meta.dirname, 'cii-schema-table.ts'), 'utf8');
    expect(committed).toBe(renderCiiSchemaTable(models));
  });

  it('the element order of every type is the same in Factur-X EXTENDED, CEN D16B and FNFE D22B', () => {
    for (const [type, children] of Object.entries(models.EXTENDED.types)) {
      const order = children.map((c) => c[0]);
      for (const other of [models.D16B, models.D22B]) {
        const theirs = (other.types[type] ?? []).map((c) => c[0]).filter((n) => order.includes(n));
        expect(order.filter((n) => theirs.includes(n)), type).toEqual(theirs);
      }
    }
  });

  it('MINIMUM carries no invoice line and no party electronic address', () => {
    expect(schemaChildren('MINIMUM', 'ram:SupplyChainTradeTransactionType')).not.toContain('IncludedSupplyChainTradeLineItem');
    expect(schemaChildren('MINIMUM', 'ram:TradePartyType')).not.toContain('URIUniversalCommunication');
    expect(schemaChildren('BASIC', 'ram:SupplyChainTradeTransactionType')[0]).toBe('IncludedSupplyChainTradeLineItem');
  });
});
