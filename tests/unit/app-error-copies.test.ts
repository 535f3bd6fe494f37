import { describe, expect, it } from "vitest";

// The Remix build bundles its own copy of the stateless modules pages import (decision 140); a second
// import of the module under another address is such a copy.
const serverCopy = await import("../../server/errors");
const secondAddress = "../../server/errors.ts?copy=remix";
const pageCopy = (await import(/* @vite-ignore */ secondAddress)) as typeof serverCopy;

describe("a domain error thrown by the server and caught by a page", () => {
  it("is an AppError to every copy of the module, so the page shows its message instead of a 500", () => {
    expect(pageCopy.AppError).not.toBe(serverCopy.AppError);
    const fromServer = new serverCopy.AppError("NOT_FOUND", "Organisation not found");
    const fromPage = new pageCopy.AppError("VALIDATION_FAILED", "Bad input", { fields: { name: "Required" } });
    expect(fromServer).toBeInstanceOf(pageCopy.AppError);
    expect(fromPage).toBeInstanceOf(serverCopy.AppError);
    expect(fromServer.status).toBe(404);
  });

  it("is not claimed by anything else that only looks like one", () => {
    const lookalike = Object.assign(new Error("Organisation not found"), { name: "AppError", code: "NOT_FOUND" });
    expect(lookalike).not.toBeInstanceOf(serverCopy.AppError);
    expect(null).not.toBeInstanceOf(serverCopy.AppError);
    expect("NOT_FOUND").not.toBeInstanceOf(serverCopy.AppError);
  });
});
