import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from "kysely";

/** Records the SQL of every statement a Kysely instance runs (parameters left out). */
export class StatementRecorder implements KyselyPlugin {
  statements: string[] = [];
  private compile: ((node: RootOperationNode) => string) | undefined;

  reset(db: { getExecutor(): { compileQuery(node: RootOperationNode, queryId: { queryId: string }): { sql: string } } }) {
    this.statements = [];
    this.compile = (node) => db.getExecutor().compileQuery(node, { queryId: "recorded" }).sql;
  }

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    if (this.compile) this.statements.push(this.compile(args.node));
    return args.node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}
