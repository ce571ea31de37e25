import { defineConfig } from "vitest/config";
import react from "@vitejs/plugin-react";

// The server serves the built app from its wwwroot; during `npm run dev` API calls go to a local server.
export default defineConfig({
  plugins: [react()],
  build: {
    outDir: "../src/Switchboard.Server/wwwroot",
    emptyOutDir: true,
    chunkSizeWarningLimit: 1024,
  },
  server: {
    proxy: { "/api": "http://127.0.0.1:5000" },
  },
  test: {
    include: ["src/**/*.test.ts"],
    environment: "node",
  },
});
