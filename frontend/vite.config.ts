// The designer's build: Django renders the page and loads the entry through Vite's manifest
// (designer/templatetags/vite.py), so there is no index.html here. The output in dist/ is served by Django
// as static files under the `designer-app/` prefix (STATICFILES_DIRS in designer/settings.py), hence `base`.
import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

export default defineConfig({
  plugins: [react()],
  base: "/static/designer-app/",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    manifest: true, // dist/.vite/manifest.json: entry -> hashed file names
    rolldownOptions: { input: "src/main.tsx" },
    // elkjs runs in a Web Worker: its ~1.6 MB elk-worker.min.js is copied as an asset (src/app/layout.ts).
    chunkSizeWarningLimit: 1600,
  },
  test: {
    include: ["src/**/*.test.ts"],
    environment: "node",
  },
});
