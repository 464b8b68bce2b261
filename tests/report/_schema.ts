// Validates result files against schema/result.schema.json with Ajv (draft 2020-12, strict mode).
import Ajv2020 from "ajv/dist/2020";

const schemaUrl = new URL("../../schema/result.schema.json", import.meta.url);
const schema = JSON.parse(await Deno.readTextFile(schemaUrl));

// deno-lint-ignore no-explicit-any
const ajv = new (Ajv2020 as any)({ strict: true, allErrors: true, allowUnionTypes: true });
ajv.addFormat(
  "date-time",
  (s: string) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(s),
);
const validate = ajv.compile(schema);

/** The schema's errors for `value` (empty when valid). */
export function schemaErrors(value: unknown): string[] {
  if (validate(value)) return [];
  return (validate.errors ?? []).map((
    e: { instancePath: string; message: string; params: unknown },
  ) => `${e.instancePath || "/"} ${e.message} ${JSON.stringify(e.params)}`);
}

/** The schema itself (for key coverage checks). */
export const resultSchema: { properties: Record<string, unknown>; required: string[] } = schema;
