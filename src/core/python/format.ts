/**
 * Python's text forms of values: `str()`, `repr()`, float repr, `strftime`, `%`-formatting and
 * `str.format`. Rendered templates print values exactly as Python would.
 */
import { PyError, typeError, valueError } from "./errors";
import { checkChars } from "./limits";
import {
  asNaive,
  dictViewKind,
  rangeInfo,
  isDate,
  isDict,
  isFloat,
  isTuple,
  Namespace,
  NaiveDateTime,
  numberOf,
  PyCallable,
  PyFloat,
  PyIterator,
  plain,
  PyMarkup,
  pyTypeName,
  strOf,
  TemplateReference,
  Undef,
} from "./objects";

/** Python's `repr(float)`: shortest round-trip digits, fixed between 1e-4 and 1e16, else `1e+16`. */
export function floatRepr(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const [mantissa, exponentText] = x.toExponential().split("e");
  const exponent = Number(exponentText);
  const negative = mantissa.startsWith("-");
  const digits = mantissa.replace("-", "").replace(".", "");
  const sign = negative ? "-" : "";
  if (exponent >= -4 && exponent < 16) {
    if (exponent < 0) return `${sign}0.${"0".repeat(-exponent - 1)}${digits}`;
    const intPart = digits.slice(0, exponent + 1).padEnd(exponent + 1, "0");
    const fraction = digits.slice(exponent + 1) || "0";
    return `${sign}${intPart}.${fraction}`;
  }
  const mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  const expSign = exponent < 0 ? "-" : "+";
  return `${sign}${mant}e${expSign}${String(Math.abs(exponent)).padStart(2, "0")}`;
}

export function intStr(n: number): string {
  return Math.abs(n) >= 1e21 ? BigInt(n).toString() : String(n);
}

function numberStr(value: number | PyFloat): string {
  return isFloat(value) ? floatRepr(numberOf(value)) : intStr(value as number);
}

const nonPrintable = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;

/** Python's `repr(str)`: quote choice and escapes as CPython prints them. */
export function strRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of text) {
    if (ch === quote || ch === "\\") out += "\\" + ch;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (ch !== " " && nonPrintable.test(ch)) {
      const code = ch.codePointAt(0) as number;
      if (code < 0x100) out += "\\x" + code.toString(16).padStart(2, "0");
      else if (code < 0x10000) out += "\\u" + code.toString(16).padStart(4, "0");
      else out += "\\U" + code.toString(16).padStart(8, "0");
    } else out += ch;
  }
  return out + quote;
}

function pad2(n: number): string {
  return String(n).padStart(2, "0");
}

/** `str(datetime)`: `2026-02-15 10:03:11.123000` (microseconds only when non-zero). */
export function datetimeStr(value: NaiveDateTime): string {
  const base = `${String(value.year).padStart(4, "0")}-${pad2(value.month)}-${pad2(value.day)} ${pad2(value.hour)}:${pad2(value.minute)}:${pad2(value.second)}`;
  return value.microsecond ? `${base}.${String(value.microsecond).padStart(6, "0")}` : base;
}

export function datetimeIso(value: NaiveDateTime): string {
  return datetimeStr(value).replace(" ", "T");
}

function datetimeRepr(value: NaiveDateTime): string {
  const parts = [value.year, value.month, value.day, value.hour, value.minute];
  if (value.second || value.microsecond) parts.push(value.second);
  if (value.microsecond) parts.push(value.microsecond);
  return `datetime.datetime(${parts.join(", ")})`;
}

/** Python's `repr()`. */
export function pyRepr(value: unknown): string {
  if (typeof value === "string") return strRepr(value);
  if (value instanceof PyMarkup) return `Markup(${strRepr(value.text)})`;
  if (value === null || value === undefined) return "None";
  if (value instanceof Undef) return "Undefined";
  if (typeof value === "boolean") return value ? "True" : "False";
  if (typeof value === "number" || value instanceof PyFloat) return numberStr(value);
  if (typeof value === "bigint") return value.toString();
  if (Array.isArray(value)) {
    const items = value.map(pyRepr);
    if (isTuple(value)) return items.length === 1 ? `(${items[0]},)` : `(${items.join(", ")})`;
    const view = dictViewKind(value);
    if (view) return `${view}([${items.join(", ")}])`;
    const range = rangeInfo(value);
    if (range) return range.step === 1 ? `range(${range.start}, ${range.stop})` : `range(${range.start}, ${range.stop}, ${range.step})`;
    return `[${items.join(", ")}]`;
  }
  if (isDate(value)) return datetimeRepr(asNaive(value));
  if (value instanceof PyCallable) return `<${value.kind} ${value.name}>`;
  if (value instanceof TemplateReference) return "<TemplateReference None>";
  // The address is Python's object id; any fixed one will do.
  if (value instanceof PyIterator) return value.functionName ? `<${value.typeName} object ${value.functionName} at 0x7f0000000000>` : `<${value.typeName} object at 0x7f0000000000>`;
  if (value instanceof Namespace) {
    const entries = [...value.attributes].map(([k, v]) => `${strRepr(k)}: ${pyRepr(v)}`);
    return `<Namespace {${entries.join(", ")}}>`;
  }
  if (isDict(value)) {
    const entries = Object.keys(value).map((key) => `${strRepr(key)}: ${pyRepr(value[key])}`);
    return `{${entries.join(", ")}}`;
  }
  return `<${pyTypeName(value)} object>`;
}

/** Python's `str()`; undefined prints as the empty string (Jinja's Undefined). */
export function pyStr(value: unknown): string {
  if (typeof value === "string") return value;
  if (value instanceof PyMarkup) return value.text;
  if (value instanceof Undef) return "";
  if (isDate(value)) return datetimeStr(asNaive(value));
  return pyRepr(value);
}

// ---------------------------------------------------------------- exact rounding

/** The exact binary value of a finite double as `mantissa / 2^shift` (BigInts). */
function exactRational(x: number): { mantissa: bigint; shift: bigint } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const negative = bits >> 63n === 1n;
  const exponentBits = Number((bits >> 52n) & 0x7ffn);
  let mantissa = bits & 0xfffffffffffffn;
  let exponent: number;
  if (exponentBits === 0) exponent = -1074;
  else {
    mantissa |= 1n << 52n;
    exponent = exponentBits - 1075;
  }
  if (negative) mantissa = -mantissa;
  if (exponent >= 0) return { mantissa: mantissa << BigInt(exponent), shift: 0n };
  return { mantissa, shift: BigInt(-exponent) };
}

/** `x` rounded to `digits` decimals, half to even on the exact binary value (CPython's rule). */
export function roundHalfEven(x: number, digits: number): number {
  if (!Number.isFinite(x)) return x;
  if (digits > 300) return x;
  const { mantissa, shift } = exactRational(x);
  const denominator = 1n << shift;
  let numerator = mantissa;
  let scaleDenominator = denominator;
  if (digits >= 0) numerator *= 10n ** BigInt(digits);
  else scaleDenominator *= 10n ** BigInt(-digits);
  const negative = numerator < 0n;
  const absolute = negative ? -numerator : numerator;
  let quotient = absolute / scaleDenominator;
  const remainder2 = (absolute % scaleDenominator) * 2n;
  if (remainder2 > scaleDenominator || (remainder2 === scaleDenominator && quotient % 2n === 1n)) quotient += 1n;
  const signed = negative ? -quotient : quotient;
  const result = digits >= 0 ? Number(signed) / 10 ** digits : Number(signed) * 10 ** -digits;
  // Dividing by a power of ten can be off by one ulp; parse the decimal text for the nearest double.
  if (digits >= 0 && digits <= 20) {
    const text = signed.toString();
    const abs = text.replace("-", "").padStart(digits + 1, "0");
    const decimal = `${negative ? "-" : ""}${abs.slice(0, abs.length - digits)}.${abs.slice(abs.length - digits) || "0"}`;
    return Number(decimal);
  }
  return result;
}

/** `%.Nf`: fixed notation with Python's exact half-even rounding. */
export function toFixedPython(x: number, precision: number): string {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  const { mantissa, shift } = exactRational(x);
  const denominator = 1n << shift;
  const scaled = mantissa * 10n ** BigInt(precision);
  const negative = scaled < 0n || Object.is(x, -0);
  const absolute = scaled < 0n ? -scaled : scaled;
  let quotient = absolute / denominator;
  const remainder2 = (absolute % denominator) * 2n;
  if (remainder2 > denominator || (remainder2 === denominator && quotient % 2n === 1n)) quotient += 1n;
  const digits = quotient.toString().padStart(precision + 1, "0");
  const intPart = digits.slice(0, digits.length - precision);
  const frac = digits.slice(digits.length - precision);
  return `${negative ? "-" : ""}${intPart}${precision > 0 ? "." + frac : ""}`;
}

/** `%.Ne`: exponent notation, two-digit exponent at least. */
export function toExponentialPython(x: number, precision: number, upper = false): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? "nan" : x > 0 ? "inf" : "-inf";
  const [mant, exp] = x.toExponential(precision).split("e");
  const e = Number(exp);
  const text = `${mant}e${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}`;
  return upper ? text.toUpperCase() : text;
}

/** `%g`: Python's general format. */
export function toGeneralPython(x: number, precision: number, alternate = false, upper = false): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? "nan" : x > 0 ? "inf" : "-inf";
  const p = precision === 0 ? 1 : precision;
  if (x === 0) return alternate ? "0." + "0".repeat(p - 1) : Object.is(x, -0) ? "-0" : "0";
  const exp = Number(x.toExponential(p - 1).split("e")[1]);
  let text: string;
  if (exp >= -4 && exp < p) {
    text = toFixedPython(x, p - 1 - exp);
    if (!alternate && text.includes(".")) text = text.replace(/\.?0+$/, "");
  } else {
    text = toExponentialPython(x, p - 1);
    if (!alternate) text = text.replace(/\.?0+e/, "e");
  }
  return upper ? text.toUpperCase() : text;
}

// ---------------------------------------------------------------- strftime

const dayNames = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
const monthNames = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

/** Python's (glibc's) `strftime` for a naive date-time. */
export function strftime(value: NaiveDateTime, format: string): string {
  const hour12 = value.hour % 12 === 0 ? 12 : value.hour % 12;
  const weekday = value.weekday();
  const field = (code: string): string | undefined => {
    switch (code) {
      case "Y": return String(value.year);
      case "m": return pad2(value.month);
      case "d": return pad2(value.day);
      case "e": return String(value.day).padStart(2, " ");
      case "H": return pad2(value.hour);
      case "M": return pad2(value.minute);
      case "S": return pad2(value.second);
      case "y": return pad2(value.year % 100);
      case "b": case "h": return monthNames[value.month - 1].slice(0, 3);
      case "B": return monthNames[value.month - 1];
      case "a": return dayNames[weekday].slice(0, 3);
      case "A": return dayNames[weekday];
      case "p": return value.hour < 12 ? "AM" : "PM";
      case "I": return pad2(hour12);
      case "j": return String(value.dayOfYear()).padStart(3, "0");
      case "f": return String(value.microsecond).padStart(6, "0");
      case "w": return String((weekday + 1) % 7);
      case "U": return pad2(Math.floor((value.dayOfYear() - 1 + 7 - ((weekday + 1) % 7)) / 7));
      case "W": return pad2(Math.floor((value.dayOfYear() - 1 + 7 - weekday) / 7));
      case "C": return pad2(Math.floor(value.year / 100));
      case "u": return String(weekday + 1);
      case "F": return `${value.year}-${pad2(value.month)}-${pad2(value.day)}`;
      case "T": return `${pad2(value.hour)}:${pad2(value.minute)}:${pad2(value.second)}`;
      case "R": return `${pad2(value.hour)}:${pad2(value.minute)}`;
      case "D": return `${pad2(value.month)}/${pad2(value.day)}/${pad2(value.year % 100)}`;
      case "x": return `${pad2(value.month)}/${pad2(value.day)}/${pad2(value.year % 100)}`;
      case "X": return `${pad2(value.hour)}:${pad2(value.minute)}:${pad2(value.second)}`;
      case "c": return `${dayNames[weekday].slice(0, 3)} ${monthNames[value.month - 1].slice(0, 3)} ${String(value.day).padStart(2, " ")} ${pad2(value.hour)}:${pad2(value.minute)}:${pad2(value.second)} ${value.year}`;
      case "z": case "Z": return "";
      case "n": return "\n";
      case "t": return "\t";
      case "%": return "%";
      default: return undefined;
    }
  };
  return format.replace(/%(-?)(.)/gs, (whole, noPad: string, code: string) => {
    const text = field(code);
    if (text === undefined) return whole;
    return noPad ? text.replace(/^[0 ]+(?=.)/, "") : text;
  });
}

// ---------------------------------------------------------------- printf-style `%`

const printfRe = /%(?:\(([^)]*)\))?([-+ #0]*)(\*|\d+)?(?:\.(\*|\d+))?[hlL]?([\s\S]?)/g;
const printfConversions = new Set("diouxXeEfFgGcrsa%");

function toInteger(value: unknown, spec: string): number {
  if (value instanceof Undef) throw new PyError("undefined", value.hint);
  if (typeof value === "boolean" || typeof value === "number" || value instanceof PyFloat) {
    const n = numberOf(value);
    return n < 0 ? Math.ceil(n) : Math.floor(n);
  }
  throw typeError(`%${spec} format: a real number is required, not ${pyTypeName(value)}`);
}

function toReal(value: unknown): number {
  if (value instanceof Undef) throw new PyError("undefined", value.hint);
  if (typeof value === "boolean" || typeof value === "number" || value instanceof PyFloat) return numberOf(value);
  throw typeError(`must be real number, not ${pyTypeName(value)}`);
}

function applyWidth(text: string, flags: string, width: number, numeric: boolean): string {
  if (text.length >= width) return text;
  if (flags.includes("-")) return text.padEnd(width);
  if (flags.includes("0") && numeric) {
    const sign = /^[-+ ]/.test(text) ? text[0] : "";
    const body = sign ? text.slice(1) : text;
    return sign + body.padStart(width - sign.length, "0");
  }
  return text.padStart(width);
}

function signed(text: string, flags: string, negative: boolean): string {
  if (negative) return text;
  if (flags.includes("+")) return "+" + text;
  if (flags.includes(" ")) return " " + text;
  return text;
}

/** Python's `format % values`. */
export function percentFormat(format: string, values: unknown, escapeArgument?: (text: string) => string): string {
  const positional = isTuple(values) ? values : [values];
  const mapping = isDict(values) ? values : undefined;
  let index = 0;
  let usedMapping = false;
  const take = (): unknown => {
    if (index >= positional.length) throw typeError("not enough arguments for format string");
    return positional[index++];
  };
  const out = format.replace(printfRe, (whole: string, key: string | undefined, flags: string, widthText: string | undefined, precisionText: string | undefined, conversion: string, offset: number) => {
    if (conversion === "") throw valueError("incomplete format");
    if (conversion === "%") return "%";
    const width = widthText === "*" ? Number(take()) : widthText ? Number(widthText) : 0;
    const precisionRaw = precisionText === "*" ? Number(take()) : precisionText !== undefined ? Number(precisionText) : undefined;
    checkChars(Math.max(width, precisionRaw ?? 0), "a %-format field");
    let value: unknown;
    if (key !== undefined && values instanceof Undef) {
      value = values;
    } else if (key !== undefined) {
      if (!mapping) throw typeError("format requires a mapping");
      usedMapping = true;
      if (!Object.hasOwn(mapping, key)) throw new PyError("key", strRepr(key));
      value = mapping[key];
    } else value = take();
    // CPython fetches the argument before it looks at the conversion character.
    if (!printfConversions.has(conversion)) {
      const code = conversion.codePointAt(0) as number;
      throw valueError(`unsupported format character '${conversion}' (0x${code.toString(16)}) at index ${offset + whole.length - 1}`);
    }
    let text: string;
    let numeric = false;
    switch (conversion) {
      // Markup % args escapes what %s and %r insert (markupsafe's _MarkupEscapeHelper).
      case "s": text = escapeArgument && !(value instanceof PyMarkup) ? escapeArgument(pyStr(value)) : pyStr(value); if (precisionRaw !== undefined) text = text.slice(0, precisionRaw); break;
      case "r": case "a": text = escapeArgument ? escapeArgument(pyRepr(value)) : pyRepr(value); if (precisionRaw !== undefined) text = text.slice(0, precisionRaw); break;
      case "c": text = strOf(value) ?? String.fromCodePoint(toInteger(value, "c")); break;
      case "d": case "i": case "u": {
        const n = toInteger(value, conversion);
        numeric = true;
        let digits = intStr(Math.abs(n));
        if (precisionRaw !== undefined) digits = digits.padStart(precisionRaw, "0");
        text = signed((n < 0 ? "-" : "") + digits, flags, n < 0);
        break;
      }
      case "o": case "x": case "X": {
        const n = toInteger(value, conversion);
        numeric = true;
        let digits = Math.abs(n).toString(conversion === "o" ? 8 : 16);
        if (conversion === "X") digits = digits.toUpperCase();
        if (flags.includes("#")) digits = (conversion === "o" ? "0o" : conversion === "x" ? "0x" : "0X") + digits;
        text = signed((n < 0 ? "-" : "") + digits, flags, n < 0);
        break;
      }
      case "e": case "E": {
        const x = toReal(value);
        numeric = true;
        text = signed(toExponentialPython(x, precisionRaw ?? 6, conversion === "E"), flags, x < 0 || Object.is(x, -0));
        break;
      }
      case "f": case "F": {
        const x = toReal(value);
        numeric = true;
        text = signed(toFixedPython(x, precisionRaw ?? 6), flags, x < 0 || Object.is(x, -0));
        if (conversion === "F") text = text.toUpperCase();
        break;
      }
      default: {
        const x = toReal(value);
        numeric = true;
        text = signed(toGeneralPython(x, precisionRaw ?? 6, flags.includes("#"), conversion === "G"), flags, x < 0 || Object.is(x, -0));
      }
    }
    return applyWidth(text, flags, width, numeric);
  });
  // A list or dict argument counts as a mapping for this check (CPython's PyMapping_Check).
  const mappingLike = mapping !== undefined || values instanceof Undef || (Array.isArray(values) && !isTuple(values));
  if (!mappingLike && !usedMapping && index < positional.length) {
    throw typeError("not all arguments converted during string formatting");
  }
  return out;
}

// ---------------------------------------------------------------- str.format

const formatSpecRe = /^(?:(.)?([<>=^]))?([-+ ])?(#)?(0)?(\d+)?([,_])?(?:\.(\d+))?([bcdeEfFgGnosxX%])?$/s;

function groupThousands(digits: string, separator: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, separator);
}

/** Python's `format(value, spec)` for the spec mini-language. */
export function formatWithSpec(value: unknown, spec: string): string {
  value = plain(value);
  if (value instanceof NaiveDateTime || value instanceof Date) return spec ? strftime(asNaive(value), spec) : pyStr(value);
  const match = formatSpecRe.exec(spec);
  if (!match) throw valueError(`Invalid format specifier '${spec}' for object of type '${pyTypeName(value)}'`);
  const [, fillChar, align, sign = "-", alternate, zero, widthText, grouping, precisionText, type] = match;
  const width = widthText ? Number(widthText) : 0;
  const precision = precisionText !== undefined ? Number(precisionText) : undefined;
  checkChars(Math.max(width, precision ?? 0), "a format field");
  // bool formats as an int once a spec is given.
  if (typeof value === "boolean" && spec) value = value ? 1 : 0;
  const isNumber = typeof value === "number" || value instanceof PyFloat || typeof value === "boolean";
  let text: string;
  if (!isNumber) {
    if (typeof value !== "string" && spec) throw typeError(`unsupported format string passed to ${pyTypeName(value)}.__format__`);
    if (type && type !== "s") throw valueError(`Unknown format code '${type}' for object of type '${pyTypeName(value)}'`);
    text = pyStr(value);
    if (precision !== undefined) text = text.slice(0, precision);
  } else {
    const n = numberOf(value as number);
    const negative = n < 0 || Object.is(n, -0);
    const abs = Math.abs(n);
    let body: string;
    switch (type) {
      case "s": throw valueError(`Unknown format code 's' for object of type '${pyTypeName(value)}'`);
      case "d": case "n":
        if (isFloat(value)) throw valueError(`Unknown format code '${type}' for object of type 'float'`);
        body = intStr(abs);
        break;
      case "b": body = abs.toString(2); if (alternate) body = "0b" + body; break;
      case "o": body = abs.toString(8); if (alternate) body = "0o" + body; break;
      case "x": body = abs.toString(16); if (alternate) body = "0x" + body; break;
      case "X": body = abs.toString(16).toUpperCase(); if (alternate) body = "0X" + body; break;
      case "c": body = String.fromCodePoint(abs); break;
      case "e": case "E": body = toExponentialPython(abs, precision ?? 6, type === "E"); break;
      case "f": case "F": body = toFixedPython(abs, precision ?? 6); break;
      case "g": case "G": body = toGeneralPython(abs, precision ?? 6, Boolean(alternate), type === "G"); break;
      case "%": body = toFixedPython(abs * 100, precision ?? 6) + "%"; break;
      default:
        if (precision !== undefined && isFloat(value)) body = toGeneralPython(abs, precision);
        else body = isFloat(value) ? floatRepr(abs) : typeof value === "boolean" && !type ? (value ? "True" : "False") : intStr(abs);
    }
    if (grouping) {
      const [intPart, ...rest] = body.split(".");
      body = [groupThousands(intPart, grouping), ...rest].join(".");
    }
    const signText = negative ? "-" : sign === "+" ? "+" : sign === " " ? " " : "";
    if (typeof value === "boolean" && !type) text = body;
    else if ((zero || align === "=") && width) {
      const fill = zero && !align ? "0" : fillChar ?? " ";
      return signText + body.padStart(width - signText.length, fill);
    } else text = signText + body;
  }
  if (text.length >= width) return text;
  const fill = fillChar ?? " ";
  const effectiveAlign = align ?? (isNumber ? ">" : "<");
  const gap = width - text.length;
  if (effectiveAlign === "<") return text + fill.repeat(gap);
  if (effectiveAlign === ">") return fill.repeat(gap) + text;
  const left = Math.floor(gap / 2);
  return fill.repeat(left) + text + fill.repeat(gap - left);
}
