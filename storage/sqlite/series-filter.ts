// SQL for the series a filter selects, and a cache of the statements built from it (one SQL
// text per combination of optional filters, prepared once per connection).
import type { Database, Statement } from "better-sqlite3";

export type Params = Record<string, string | number>;

export interface SeriesSelector {
  building: string;
  quantity?: string;
  space?: string;
  sensor?: string;
}

/** WHERE clause over `series s` with named parameters; values never enter the SQL text. */
export function seriesWhere(filter: SeriesSelector): string {
  let sql = "s.building = @building";
  if (filter.quantity !== undefined) sql += " AND s.quantity = @quantity";
  if (filter.space !== undefined) sql += " AND s.space = @space";
  if (filter.sensor !== undefined) sql += " AND s.sensor = @sensor";
  return sql;
}

export function seriesParams(filter: SeriesSelector): Params {
  const params: Params = { building: filter.building };
  if (filter.quantity !== undefined) params.quantity = filter.quantity;
  if (filter.space !== undefined) params.space = filter.space;
  if (filter.sensor !== undefined) params.sensor = filter.sensor;
  return params;
}

export class StatementCache {
  private readonly statements = new Map<string, Statement>();

  constructor(private readonly db: Database) {}

  get(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (statement === undefined) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }
}
