import { describe, expect, it } from "vitest";

// The Remix build bundles its own copy of the server modules its routes use; a second import of the
// module under another address is such a copy.
const serverCopy = await import("../../server/db/region-scope");
const secondAddress = "../../server/db/region-scope.ts?copy=remix";
const remixCopy = (await import(/* @vite-ignore */ secondAddress)) as typeof serverCopy;

const REGION = "7b0f8c1e-2c7d-4c35-9a55-0f3b8e1d2a10";

describe("the region scope of a request (decision 073)", () => {
  it("is the same in every copy of the module, so a page's search leaves the scope the server set", () => {
    expect(remixCopy).not.toBe(serverCopy);
    serverCopy.runInRegionScope(REGION, () => {
      expect(remixCopy.currentRegionScope()).toBe(REGION);
      remixCopy.runOutsideRegionScope(() => expect(serverCopy.currentRegionScope()).toBeNull());
      expect(serverCopy.currentRegionScope()).toBe(REGION);
    });
  });

  it("travels with a streamed export made in one copy and read by the other's code", async () => {
    async function* rows() {
      yield serverCopy.currentRegionScope();
    }
    const stream = serverCopy.runInRegionScope(REGION, () => remixCopy.inThisRegionScope(rows()));
    expect((await stream.next()).value).toBe(REGION);
  });
});
