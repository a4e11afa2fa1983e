// ANSI escape sequences in command output (colours and styles of test runners, compilers, linters)
// read into styled segments of plain text. Colours come out as the 16 terminal colour numbers,
// which the Monitor maps to the theme's terminal colours; nothing here becomes markup. Other
// escapes (cursor movement, titles, hyperlinks) and control characters are dropped.

export interface AnsiStyle {
  /** Foreground colour 0-15 (0-7 normal, 8-15 bright). */
  fg?: number;
  /** Background colour 0-15. */
  bg?: number;
  bold?: boolean;
  dim?: boolean;
  italic?: boolean;
  underline?: boolean;
  inverse?: boolean;
  strike?: boolean;
}

export interface AnsiSegment {
  text: string;
  style: AnsiStyle;
}

// CSI (ESC [ params final), OSC (ESC ] ... BEL or ESC \), other two-character escapes, and the
// C1 CSI byte; the first group captures an SGR's parameters.
const ESCAPE =
  /\u001b\[([0-9;:]*)m|\u001b\[[0-?]*[ -/]*[@-~]|\u009b[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[@-Z\\-_]?/g;
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

function clean(text: string): string {
  return text.replace(CONTROL, '');
}

/** A line without its escape sequences and control characters (tabs kept). */
export function stripAnsi(line: string): string {
  return clean(line.replace(ESCAPE, ''));
}

/** 256-colour indexes 0-15 are the 16 terminal colours; the cube and greys have no theme colour. */
function paletteColour(index: number | undefined): number | undefined {
  return index !== undefined && index >= 0 && index <= 15 ? index : undefined;
}

function applySgr(style: AnsiStyle, params: string): AnsiStyle {
  const codes = params === '' ? [0] : params.split(/[;:]/).map((p) => (p === '' ? 0 : Number(p)));
  const next: AnsiStyle = { ...style };
  for (let i = 0; i < codes.length; i++) {
    const code = codes[i];
    if (code === 0) {
      for (const key of Object.keys(next)) delete next[key as keyof AnsiStyle];
    } else if (code === 1) next.bold = true;
    else if (code === 2) next.dim = true;
    else if (code === 3) next.italic = true;
    else if (code === 4) next.underline = true;
    else if (code === 7) next.inverse = true;
    else if (code === 9) next.strike = true;
    else if (code === 22) {
      delete next.bold;
      delete next.dim;
    } else if (code === 23) delete next.italic;
    else if (code === 24) delete next.underline;
    else if (code === 27) delete next.inverse;
    else if (code === 29) delete next.strike;
    else if (code >= 30 && code <= 37) next.fg = code - 30;
    else if (code >= 90 && code <= 97) next.fg = code - 90 + 8;
    else if (code === 39) delete next.fg;
    else if (code >= 40 && code <= 47) next.bg = code - 40;
    else if (code >= 100 && code <= 107) next.bg = code - 100 + 8;
    else if (code === 49) delete next.bg;
    else if (code === 38 || code === 48) {
      // 38;5;n (palette) or 38;2;r;g;b (true colour: no theme colour, shown unstyled).
      const mode = codes[i + 1];
      let colour: number | undefined;
      if (mode === 5) {
        colour = paletteColour(codes[i + 2]);
        i += 2;
      } else if (mode === 2) i += 4;
      else i += 1;
      const key = code === 38 ? 'fg' : 'bg';
      if (colour === undefined) delete next[key];
      else next[key] = colour;
    }
  }
  return next;
}

/** The line as segments of plain text, each with the style in effect. */
export function parseAnsi(line: string, initial: AnsiStyle = {}): AnsiSegment[] {
  const segments: AnsiSegment[] = [];
  let style = initial;
  let last = 0;
  ESCAPE.lastIndex = 0;
  for (let match = ESCAPE.exec(line); match; match = ESCAPE.exec(line)) {
    if (match.index > last) {
      const text = clean(line.slice(last, match.index));
      if (text) segments.push({ text, style });
    }
    if (match[1] !== undefined) style = applySgr(style, match[1]);
    last = ESCAPE.lastIndex;
  }
  if (last < line.length) {
    const text = clean(line.slice(last));
    if (text) segments.push({ text, style });
  }
  return segments;
}
