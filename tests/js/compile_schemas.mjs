// The bundle's JSON Schemas in (a folder), strict-mode compile problems out: Ajv 2020-12 in strict
// mode, as an outside app developer would compile them. Prints one line per problem; exit 1 if any.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

const folder = process.argv[2];
const ajv = new Ajv2020({ strict: true, allErrors: true });
addFormats(ajv);
const schemas = readdirSync(folder).filter((f) => f.endsWith(".schema.json")).sort()
  .map((f) => [f, JSON.parse(readFileSync(join(folder, f), "utf8"))]);
const problems = [];
for (const [file, schema] of schemas) {
  try { ajv.addSchema(schema); } catch (error) { problems.push(`${file}: ${String(error)}`); }
}
for (const [file, schema] of schemas) {
  try { ajv.getSchema(schema.$id) || problems.push(`${file}: not compiled`); } catch (error) { problems.push(`${file}: ${String(error)}`); }
}
for (const line of problems) console.log(line);
process.exit(problems.length ? 1 : 0);
