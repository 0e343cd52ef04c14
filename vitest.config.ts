import { defineConfig } from "vitest/config";

// Three projects, by file name (test/test-projects.test.ts checks that each file is where it
// belongs):
// - unit, `*.test.ts`: pure logic in memory. No database (not even SQLite in memory), no file
//   written, no journal, no fastify app, no child process, no browser; seconds in all.
// - integration, `*.integration.test.ts`: the product's parts in this process with what they
//   really touch on this machine: SQLite files, the journal on disk, the fastify app through
//   inject, temporary folders, child processes of our own CLI.
// - services, `*.services.test.ts`: real servers started on free loopback ports (aedes,
//   mosquitto, influxd, Chromium, the product as a child process); one file at a time.
const NODE_MODULES = "**/node_modules/**";

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["**/*.test.ts"],
          exclude: [NODE_MODULES, "**/*.integration.test.ts", "**/*.services.test.ts"],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: "integration",
          include: ["**/*.integration.test.ts"],
          exclude: [NODE_MODULES],
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: "services",
          include: ["**/*.services.test.ts"],
          exclude: [NODE_MODULES],
          testTimeout: 180_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
