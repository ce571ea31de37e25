// Fails when src/api/schema.d.ts no longer matches the server's OpenAPI document.
// The server's build writes the document to obj/openapi/v1.json; `npm run gen:api` regenerates the types.
import { readFileSync, existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import openapiTS, { astToString } from "openapi-typescript";

const doc = new URL("../../src/Switchboard.Server/obj/openapi/v1.json", import.meta.url);
const committed = new URL("../src/api/schema.d.ts", import.meta.url);
if (!existsSync(fileURLToPath(doc))) {
  console.log("check-api: no OpenAPI document yet (build the server first); skipped.");
  process.exit(0);
}

const fresh = astToString(await openapiTS(JSON.parse(readFileSync(doc, "utf8"))));
const strip = (s) => s.replace(/^\/\*\*[\s\S]*?\*\/\s*/, "").trim();
if (strip(fresh) !== strip(readFileSync(committed, "utf8"))) {
  console.error(
    "error SBDASH01: dashboard/src/api/schema.d.ts is stale: the server's API changed. " +
      "Run `npm run gen:api` in dashboard/ and commit the result.",
  );
  process.exit(1);
}
console.log("check-api: API types match the server's OpenAPI document.");
