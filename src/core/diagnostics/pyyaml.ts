/**
 * PyYAML implements YAML 1.1, whose float pattern needs a dot in the mantissa and a sign in the
 * exponent. `1e-5` and `1.0e5` are therefore strings to PyYAML (yaml/pyyaml#173) although every
 * YAML 1.2 parser, ours included, reads them as numbers.
 */

/** Formats whose files are read by plain PyYAML (`yaml.safe_load`) rather than OmegaConf. */
export const PYYAML_FORMATS: ReadonlySet<string> = new Set(['wandb-sweep', 'ultralytics', 'rl-zoo', 'yolo-hyp']);

const YAML12_EXPONENT_FLOAT = /^[-+]?(?:\d[\d_]*(?:\.[\d_]*)?|\.[\d_]+)[eE][-+]?\d+$/;
const PYYAML_FLOAT = /^[-+]?(?:\d[\d_]*\.[\d_]*|\.[\d_]+)(?:[eE][-+]\d+)?$/;

export function isPyyamlConsumer(format: string | null, path: string): boolean {
  if (format !== null && PYYAML_FORMATS.has(format)) return true;
  const name = path.split(/[\\/]/).pop() ?? path;
  return /^hyp[^/]*\.ya?ml$/i.test(name) || /sweep[^/]*\.ya?ml$/i.test(name);
}

/** True for plain scalars a YAML 1.2 parser reads as a float but PyYAML returns as a string. */
export function pyyamlReadsAsString(scalar: string): boolean {
  const text = scalar.trim();
  return YAML12_EXPONENT_FLOAT.test(text) && !PYYAML_FLOAT.test(text);
}

/** The same number spelled so PyYAML reads a float: `1e-5` → `1.0e-5`, `3E5` → `3.0E+5`. */
export function pyyamlFloatText(scalar: string): string {
  const text = scalar.trim();
  const m = /^([-+]?)([\d_]*)(\.[\d_]*)?([eE])([-+]?)(\d+)$/.exec(text);
  if (!m) return text;
  const [, sign, whole, fraction, e, expSign, digits] = m;
  const mantissa = `${whole === '' ? '0' : whole}${fraction && fraction.length > 1 ? fraction : '.0'}`;
  return `${sign}${mantissa}${e}${expSign || '+'}${digits}`;
}
