import { defineConfig } from "vitest/config";

// Two projects: "unit" is pure logic and runs in seconds; "services" starts real servers
// (aedes, mosquitto, influxd, the app as a child process) and runs its files one at a time.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["**/*.test.ts"],
          exclude: ["**/node_modules/**", "**/*.services.test.ts"],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: "services",
          include: ["**/*.services.test.ts"],
          exclude: ["**/node_modules/**"],
          testTimeout: 180_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
