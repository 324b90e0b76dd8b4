/** Where each door is by default; overridable by the variables named in the README. */
export const DEFAULT_BROKER_ADDRESS = "127.0.0.1:50051";
export const DEFAULT_SETTLEMENT_ADDRESS = "127.0.0.1:50052";
export const DEFAULT_NATS_URL = "nats://127.0.0.1:4222";
export const DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/tokengrid";

/** How to start each dependency on a Debian machine like ours. */
export const HOW_TO_START = {
  nats: "start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server -- -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server (or set NATS_URL)",
  postgres: "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start (or set DATABASE_URL)",
  broker: "pnpm start, or node services/broker/dist/main.js (or set BROKER_ADDRESS)",
  settlement: "pnpm start, or node services/settlement/dist/main.js (or set SETTLEMENT_ADDRESS)",
} as const;
