/** The deploy files cannot be run here (no Docker engine); check what can be checked. */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { REPO_ROOT } from "@tokengrid/stack";

const deploy = join(REPO_ROOT, "deploy");
const files = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]));

describe("deploy/", () => {
  it("every YAML document parses, and every Kubernetes object has a kind and a name", () => {
    const yamls = files(deploy).filter((f) => f.endsWith(".yaml"));
    expect(yamls.length).toBeGreaterThan(0);
    for (const f of yamls) {
      for (const doc of parseAllDocuments(readFileSync(f, "utf8"))) {
        expect(doc.errors, f).toEqual([]);
        const obj = doc.toJS() as { kind?: string; metadata?: { name?: string } };
        expect(obj.kind, f).toBeTruthy();
        expect(obj.metadata?.name, f).toBeTruthy();
      }
    }
  });

  it("every service entry point a deploy file names exists in the source tree", () => {
    for (const f of files(deploy)) {
      for (const m of readFileSync(f, "utf8").matchAll(/services\/([a-z-]+)\/dist\/main\.js/g)) {
        expect(existsSync(join(REPO_ROOT, "services", m[1]!, "src", "main.ts")), `${f}: ${m[0]}`).toBe(true);
      }
    }
  });

  it("the Dockerfile copies every workspace member the lockfile needs", () => {
    const dockerfile = readFileSync(join(deploy, "docker", "Dockerfile"), "utf8");
    for (const member of ["packages", "services", "protos", "test/package.json", "pnpm-lock.yaml", "pnpm-workspace.yaml"])
      expect(dockerfile).toContain(member);
  });
});
