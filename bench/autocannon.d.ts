// autocannon ships no types; the little of its programmatic API that bench/run.ts uses.
declare module "autocannon" {
  type Options = { url: string; connections?: number; duration?: number; headers?: Record<string, string>; timeout?: number };
  type Result = { requests: { total: number; average: number }; non2xx: number; errors: number; timeouts: number; duration: number };
  type Instance = PromiseLike<Result> & {
    on(event: "response", listener: (client: unknown, statusCode: number, resBytes: number, responseTime: number) => void): Instance;
  };
  function autocannon(options: Options): Instance;
  export default autocannon;
}
