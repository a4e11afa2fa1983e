// A codicon as a decorative glyph; the text next to it carries the meaning for screen readers.
export function Icon({ name, spin = false, class: extra = '' }: { name: string; spin?: boolean; class?: string }) {
  return <span class={`codicon codicon-${name}${spin ? ' codicon-modifier-spin' : ''} ${extra}`} aria-hidden="true" />;
}
