import { defineConfig } from "vite";
import preact from "@preact/preset-vite";

// The web view loads ui/dist in builds and this dev server (port fixed for tauri.conf.json)
// under `tauri dev`.
export default defineConfig({
  root: "ui",
  plugins: [preact()],
  clearScreen: false,
  server: { port: 1420, strictPort: true },
  build: { outDir: "dist", emptyOutDir: true, target: "safari15" },
  test: {
    environment: "happy-dom",
    include: ["src/**/*.test.{ts,tsx}"],
  },
});
