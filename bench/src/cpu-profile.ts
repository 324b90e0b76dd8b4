/**
 * Preloaded into each service by `pnpm bench:e2e --profile DIR` (NODE_OPTIONS
 * --import; Node refuses --cpu-prof there): profiles the process's CPU from
 * start to exit with the inspector and writes DIR/<name>-<pid>.cpuprofile,
 * which Chrome DevTools and speedscope open. Env: CPU_PROFILE_DIR.
 */
import { Session } from "node:inspector";
import { writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";

const dir = process.env["CPU_PROFILE_DIR"];
if (dir) {
  const session = new Session();
  session.connect();
  session.post("Profiler.enable");
  session.post("Profiler.start");
  // The process's service, from its script's path (services/<name>/dist/main.js).
  const name = basename(dirname(dirname(process.argv[1] ?? "node")));
  process.on("exit", () => {
    // A session in the process's own thread answers at once, so this runs before the exit.
    session.post("Profiler.stop", (err, res) => {
      if (!err) writeFileSync(join(dir, `${name}-${process.pid}.cpuprofile`), JSON.stringify(res.profile));
    });
  });
}
